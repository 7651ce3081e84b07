import Foundation
import TestSupport
import XCTest

/// Signed commits (`--sign-key`, `--sign-key-env`, `--sign-format`, a checkout's commit.gpgsign): made by the real
/// executables into a real git daemon or a local checkout, each signature checked by `git verify-commit` against a
/// real allowed-signers file or keyring.
final class SignedCommitTests: XCTestCase {
    let app = SampleApp.image
    let file = "apps/app/overlays/production/kustomization.yaml"

    func assertNoSigningLeftovers(_ tmp: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix("imagebump-sign-") }
        XCTAssertEqual(left, [], "key directories left in TMPDIR", file: file, line: line)
    }

    func testSSHKeyFileSignsThePushedCommit() throws {
        let server = try GitDaemonRepo(files: [file: SampleApp.overlay("1.0.0")])
        defer { server.stop() }
        let cwd = try Fixtures.scratch(), key = try SSHSigningKey(in: cwd)
        let r = try CLI.run(["set", "--push", "--repo", server.url, "-f", file, "--sign-key", "id_ed25519", "--sign-format", "ssh",
                             "\(app):1.1.0"], in: cwd, env: SigningEnvironment.run(cwd))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try server.file(file), SampleApp.overlay("1.1.0"))
        _ = try key.verify("main", gitDir: server.bare)
    }

    /// The key from a variable, as it is and base64-encoded on one line (GitLab masks only single-line values):
    /// signed, never printed, and nothing of it left in TMPDIR.
    func testSSHKeyFromVariableSignsAndLeavesNothing() throws {
        let server = try GitDaemonRepo(files: [file: SampleApp.overlay("1.0.0")])
        defer { server.stop() }
        let cwd = try Fixtures.scratch(), keys = try Fixtures.scratch("keys"), key = try SSHSigningKey(in: keys)
        for (tag, value) in [("1.2.0", key.material), ("1.2.1", Data(key.material.utf8).base64EncodedString())] {
            let r = try CLI.run(["set", "--push", "--repo", server.url, "-f", file, "--sign-key-env", "DEPLOY_SIGNING_KEY", "\(app):\(tag)"],
                                in: cwd, env: SigningEnvironment.run(cwd, ["DEPLOY_SIGNING_KEY": value]))
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(try server.file(file), SampleApp.overlay(tag))
            _ = try key.verify("main", gitDir: server.bare)
            try assertNoSigningLeftovers(cwd)
            let secretLine = key.material.split(separator: "\n")[1]
            XCTAssertFalse(r.stdout.contains(secretLine) || r.stderr.contains(secretLine))
            XCTAssertFalse(r.stdout.contains(value.prefix(40)) || r.stderr.contains(value.prefix(40)))
        }
    }

    /// A key that does not sign: the run fails naming the variable, prints none of the key, pushes nothing.
    func testBadKeyFromVariableFailsRedactedAndPushesNothing() throws {
        let server = try GitDaemonRepo(files: [file: SampleApp.overlay("1.0.0")])
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        let head = try server.git(["rev-parse", "main"])
        let secret = "c2VjcmV0LWtleS1tYXRlcmlhbC10aGF0LW11c3Qtbm90LWxlYWs="
        let bogus = "-----BEGIN OPENSSH PRIVATE KEY-----\n\(secret)\n-----END OPENSSH PRIVATE KEY-----\n"
        let r = try CLI.run(["set", "--push", "--repo", server.url, "-f", file, "--sign-key-env", "DEPLOY_SIGNING_KEY", "\(app):1.2.0"],
                            in: cwd, env: SigningEnvironment.run(cwd, ["DEPLOY_SIGNING_KEY": bogus]))
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("$DEPLOY_SIGNING_KEY"), r.stderr)
        XCTAssertFalse(r.stdout.contains(secret) || r.stderr.contains(secret), r.stderr)
        XCTAssertEqual(try server.git(["rev-parse", "main"]), head, "nothing pushed")
        try assertNoSigningLeftovers(cwd)
    }

    /// A key that is not there: an unset variable, a missing key file, a missing program. Each is refused before
    /// anything is written or pushed, naming what is missing.
    func testMissingKeyOrProgramIsRefusedBeforeAnythingIsPushed() throws {
        let server = try GitDaemonRepo(files: [file: SampleApp.overlay("1.0.0")])
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        let head = try server.git(["rev-parse", "main"])
        let cases: [([String], [String: String], String)] = [
            (["--sign-key-env", "NO_SUCH_KEY"], [:], "--sign-key-env NO_SUCH_KEY: the variable NO_SUCH_KEY is not set or empty"),
            (["--sign-key-env", "EMPTY_KEY"], ["EMPTY_KEY": "\n"], "the variable EMPTY_KEY is not set or empty"),
            (["--sign-key", cwd.appendingPathComponent("missing_key").path], [:], "cannot sign with the SSH key \(cwd.path)/missing_key"),
            (["--sign-key-env", "K"], ["K": "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n", "PATH": cwd.path], "ssh-keygen was not found on PATH (install openssh-client)"),
        ]
        for (options, extra, said) in cases {
            let r = try CLI.run(["set", "--push", "--repo", server.url, "-f", file] + options + ["\(app):1.9.0"], in: cwd,
                                env: SigningEnvironment.run(cwd, extra))
            XCTAssertNotEqual(r.status, 0, "\(options)")
            XCTAssertTrue(r.stderr.contains(said), "\(options): \(r.stderr)")
            XCTAssertEqual(try server.git(["rev-parse", "main"]), head, "\(options): nothing pushed")
        }
    }

    /// The first push is refused because main moved (a pre-receive hook moves it, as a concurrent pusher would):
    /// the re-applied edit's new commit is signed too.
    func testCommitReappliedAfterRejectedPushIsSigned() throws {
        let server = try GitDaemonRepo(files: [file: SampleApp.overlay("1.0.0"), "other.yaml": "a: 1\n"])
        defer { server.stop() }
        let cwd = try Fixtures.scratch(), key = try SSHSigningKey(in: cwd)
        let seed = cwd.appendingPathComponent("racer")
        try Git.run(["clone", "-q", server.bare.path, seed.path])
        try Fixtures.write("a: 2\n", to: seed.appendingPathComponent("other.yaml"))
        try Git.run(["-C", seed.path, "-c", "user.name=racer", "-c", "user.email=racer@localhost", "commit", "-qam", "racer"])
        try Git.run(["-C", seed.path, "push", "-q", "origin", "HEAD:refs/heads/racer"])
        let racer = try server.git(["rev-parse", "refs/heads/racer"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let marker = server.root.appendingPathComponent("raced").path
        let hook = server.bare.appendingPathComponent("hooks/pre-receive")
        try Fixtures.write("""
            #!/bin/sh
            cat >/dev/null
            if [ ! -e '\(marker)' ]; then
              : >'\(marker)'
              env -u GIT_QUARANTINE_PATH -u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES git update-ref refs/heads/main \(racer)
            fi
            exit 0

            """, to: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        let r = try CLI.run(["set", "--push", "--repo", server.url, "-f", file, "--sign-key", key.privateKey.path, "--output", "json",
                             "\(app):1.3.0"], in: cwd, env: SigningEnvironment.run(cwd))
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["attempts"] as? Int, 2, r.stderr)
        XCTAssertEqual(try server.git(["rev-parse", "main^"]).trimmingCharacters(in: .whitespacesAndNewlines), racer)
        XCTAssertEqual(try server.file("other.yaml"), "a: 2\n")
        _ = try key.verify("main", gitDir: server.bare)
    }

    /// `promote` signs too: its commit is made in the clone imagebump.yaml was read from (the options are
    /// RepoOptions', shared with set).
    func testPromoteSignsItsCommit() throws {
        func overlay(_ tag: String) -> String { "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: \(app)\n    newTag: \(tag)\n" }
        let server = try GitDaemonRepo(files: [
            "imagebump.yaml": "environments:\n  dev: {files: [envs/dev]}\n  staging: {files: [envs/staging]}\npromotion: [dev, staging]\n",
            "envs/dev/kustomization.yaml": overlay("1.3.0"), "envs/staging/kustomization.yaml": overlay("1.2.0")])
        defer { server.stop() }
        let cwd = try Fixtures.scratch(), key = try SSHSigningKey(in: cwd)
        let r = try CLI.run(["promote", "dev", "staging", "--push", "--repo", server.url, "--sign-key-env", "DEPLOY_SIGNING_KEY"],
                            in: cwd, env: SigningEnvironment.run(cwd, ["DEPLOY_SIGNING_KEY": key.material]))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try server.file("envs/staging/kustomization.yaml").contains("newTag: 1.3.0"))
        _ = try key.verify("main", gitDir: server.bare)
        try assertNoSigningLeftovers(cwd)
    }

    /// A checkout that signs its commits (commit.gpgsign, gpg.format=ssh, user.signingkey): imagebump's commit in
    /// it is signed with that key, with no signing option given.
    func testLocalCheckoutSigningConfigIsHonoured() throws {
        let cwd = try Fixtures.scratch(), key = try SSHSigningKey(in: cwd)
        let checkout = cwd.appendingPathComponent("config")
        try Git.run(["init", "-q", "-b", "main", checkout.path])
        try Fixtures.write(SampleApp.overlay("1.0.0"), to: checkout.appendingPathComponent(file))
        for (k, v) in [("user.name", "Dev"), ("user.email", "dev@example.test"), ("commit.gpgsign", "true"), ("gpg.format", "ssh"),
                       ("user.signingkey", key.privateKey.path)] {
            try Git.run(["-C", checkout.path, "config", k, v])
        }
        try Git.run(["-C", checkout.path, "add", "-A"])
        try Git.run(["-C", checkout.path, "-c", "commit.gpgsign=false", "commit", "-qm", "seed"])
        let r = try CLI.run(["set", "--commit", "--repo", checkout.path, "-f", file, "\(app):1.4.0"], in: cwd, env: SigningEnvironment.run(cwd))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Git.output(["-C", checkout.path, "log", "-1", "--format=%an %s"]).hasPrefix("Dev "), true)
        _ = try key.verify("HEAD", gitDir: checkout.appendingPathComponent(".git"))
        XCTAssertEqual(try Git.output(["-C", checkout.path, "status", "--porcelain"]), "", "the checkout is clean after the commit")
    }
}
