import Foundation
import TestSupport
import XCTest

/// OpenPGP-signed commits (gpg) and a key file removed on a signal: the real executables, a real git daemon or a
/// local checkout, each signature checked by `git verify-commit` with a real keyring.
final class SignedCommitGPGTests: XCTestCase {
    let app = SampleApp.image
    let file = "apps/app/overlays/production/kustomization.yaml"

    func leftovers(_ tmp: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix("imagebump-sign-") }
    }

    /// The armored secret key in a CI variable: imported into a keyring of the run's own, which is gone afterwards.
    func testOpenPGPKeyFromVariableSignsThePushedCommit() throws {
        let server = try GitDaemonRepo(files: [file: SampleApp.overlay("1.0.0")])
        defer { server.stop() }
        let cwd = try Fixtures.scratch(), key = try OpenPGPSigningKey(in: cwd)
        defer { key.stopAgent() }
        let r = try CLI.run(["set", "--push", "--repo", server.url, "-f", file, "--sign-format", "openpgp",
                             "--sign-key-env", "GPG_SIGNING_KEY", "\(app):2.0.0"], in: cwd, env: SigningEnvironment.run(cwd, ["GPG_SIGNING_KEY": key.armoredSecret]))
        XCTAssertEqual(r.status, 0, r.stderr)
        _ = try key.verify("main", gitDir: server.bare)
        XCTAssertEqual(try leftovers(cwd), [])
        let secretLine = key.armoredSecret.split(separator: "\n")[3]
        XCTAssertFalse(r.stdout.contains(secretLine) || r.stderr.contains(secretLine))
    }

    /// A key id in the run's keyring (GNUPGHOME) named with --sign-key.
    func testOpenPGPKeyIdInKeyringSignsThePushedCommit() throws {
        let server = try GitDaemonRepo(files: [file: SampleApp.overlay("1.0.0")])
        defer { server.stop() }
        let cwd = try Fixtures.scratch(), key = try OpenPGPSigningKey(in: cwd)
        defer { key.stopAgent() }
        let r = try CLI.run(["set", "--push", "--repo", server.url, "-f", file, "--sign-format", "openpgp", "--sign-key", key.fingerprint,
                             "\(app):2.1.0"], in: cwd, env: SigningEnvironment.run(cwd, key.environment))
        XCTAssertEqual(r.status, 0, r.stderr)
        _ = try key.verify("main", gitDir: server.bare)
    }

    /// A checkout with commit.gpgsign and user.signingkey (gpg.format unset: openpgp, git's default).
    func testLocalCheckoutOpenPGPConfigIsHonoured() throws {
        let cwd = try Fixtures.scratch(), key = try OpenPGPSigningKey(in: cwd)
        defer { key.stopAgent() }
        let checkout = cwd.appendingPathComponent("config")
        try Git.run(["init", "-q", "-b", "main", checkout.path])
        try Fixtures.write(SampleApp.overlay("1.0.0"), to: checkout.appendingPathComponent(file))
        for (k, v) in [("user.name", "Signer"), ("user.email", "signer@imagebump.test"), ("commit.gpgsign", "true"),
                       ("user.signingkey", key.fingerprint)] {
            try Git.run(["-C", checkout.path, "config", k, v])
        }
        try Git.run(["-C", checkout.path, "add", "-A"])
        try Git.run(["-C", checkout.path, "-c", "commit.gpgsign=false", "commit", "-qm", "seed"])
        let r = try CLI.run(["set", "--commit", "--repo", checkout.path, "-f", file, "\(app):2.2.0"], in: cwd, env: SigningEnvironment.run(cwd, key.environment))
        XCTAssertEqual(r.status, 0, r.stderr)
        _ = try key.verify("HEAD", gitDir: checkout.appendingPathComponent(".git"))
    }

    /// A checkout whose user.signingkey gpg does not have: the run fails naming the key, and the checkout is left
    /// as it was (the edited file restored, nothing staged, no commit).
    func testLocalCheckoutWithAKeyGPGLacksIsLeftAsItWas() throws {
        let cwd = try Fixtures.scratch(), key = try OpenPGPSigningKey(in: cwd)
        defer { key.stopAgent() }
        let checkout = cwd.appendingPathComponent("config")
        try Git.run(["init", "-q", "-b", "main", checkout.path])
        try Fixtures.write(SampleApp.overlay("1.0.0"), to: checkout.appendingPathComponent(file))
        for (k, v) in [("user.name", "Signer"), ("user.email", "signer@imagebump.test"), ("commit.gpgsign", "true"),
                       ("user.signingkey", "0123456789ABCDEF0123456789ABCDEF01234567")] {
            try Git.run(["-C", checkout.path, "config", k, v])
        }
        try Git.run(["-C", checkout.path, "add", "-A"])
        try Git.run(["-C", checkout.path, "-c", "commit.gpgsign=false", "commit", "-qm", "seed"])
        let head = try Git.output(["-C", checkout.path, "rev-parse", "HEAD"])
        let r = try CLI.run(["set", "--commit", "--repo", checkout.path, "-f", file, "\(app):2.3.0"], in: cwd, env: SigningEnvironment.run(cwd, key.environment))
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("cannot sign the commit with 0123456789ABCDEF0123456789ABCDEF01234567"), r.stderr)
        XCTAssertEqual(try Git.output(["-C", checkout.path, "rev-parse", "HEAD"]), head, "no commit")
        XCTAssertEqual(try Git.output(["-C", checkout.path, "status", "--porcelain"]), "", "the checkout is as it was")
        XCTAssertEqual(try String(contentsOf: checkout.appendingPathComponent(file), encoding: .utf8), SampleApp.overlay("1.0.0"))
    }

    /// SIGTERM while ssh-keygen signs: the key file (0600, in a 0700 directory while it exists) is removed, nothing
    /// is pushed; ssh-keygen's environment does not hold the key's variable. The ssh-keygen on PATH is a stand-in that waits, so the signal lands mid-signing.
    func testSIGTERMWhileSigningRemovesTheKeyFile() throws {
        let server = try GitDaemonRepo(files: [file: SampleApp.overlay("1.0.0")])
        defer { server.stop() }
        let cwd = try Fixtures.scratch(), keys = try Fixtures.scratch("keys"), key = try SSHSigningKey(in: keys)
        let bin = cwd.appendingPathComponent("bin"), started = cwd.appendingPathComponent("signing-started")
        try Fixtures.write("#!/bin/sh\nfor a in \"$@\"; do last=$a; done\nls -ld \"$(dirname \"$last\")\" \"$last\" >'\(started.path).tmp'\nenv >'\(cwd.path)/stand-in-env'\nmv '\(started.path).tmp' '\(started.path)'\nexec sleep 5\n",
                           to: bin.appendingPathComponent("ssh-keygen"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("ssh-keygen").path)
        let head = try server.git(["rev-parse", "main"])
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["set", "--push", "--repo", server.url, "-f", file, "--sign-key-env", "DEPLOY_SIGNING_KEY", "\(app):9.9.9"]
        p.currentDirectoryURL = cwd
        var env = SigningEnvironment.run(cwd, ["DEPLOY_SIGNING_KEY": key.material])
        env["PATH"] = bin.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        var seen = false
        for _ in 0..<300 where !seen { // at most 30 s
            seen = FileManager.default.fileExists(atPath: started.path)
            if !seen { usleep(100_000) }
        }
        XCTAssertTrue(seen, "the stand-in ssh-keygen ran")
        let listing = (try? String(contentsOf: started, encoding: .utf8)) ?? ""
        XCTAssertEqual(try leftovers(cwd).count, 1, "the key's directory exists while signing")
        XCTAssertTrue(listing.contains("drwx------"), listing)
        XCTAssertTrue(listing.contains("-rw------- "), listing)
        let childEnvironment = (try? String(contentsOf: cwd.appendingPathComponent("stand-in-env"), encoding: .utf8)) ?? ""
        XCTAssertTrue(childEnvironment.contains("PATH="), childEnvironment)
        XCTAssertFalse(childEnvironment.contains("DEPLOY_SIGNING_KEY"), "the key's variable is not passed to ssh-keygen")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        XCTAssertEqual(try leftovers(cwd), [], "the key file and its directory are removed on SIGTERM")
        XCTAssertEqual(try server.git(["rev-parse", "main"]), head, "nothing pushed")
    }
}
