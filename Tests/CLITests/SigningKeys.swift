import Foundation
import TestSupport
import XCTest

/// Real signing keys for the signed-commit tests, and `git verify-commit` against them: an ed25519 SSH key with an
/// allowed-signers file (gpg.ssh.allowedSignersFile), and an OpenPGP key in a keyring of its own (GNUPGHOME).
/// A missing ssh-keygen or gpg skips, or in CI fails (`unavailable`).
struct SSHSigningKey {
    let privateKey: URL
    let publicKey: String
    let allowedSigners: URL

    init(in dir: URL, principal: String = "signer@imagebump.test") throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen") else {
            throw unavailable("ssh-keygen is not installed (openssh-client)")
        }
        privateKey = dir.appendingPathComponent("id_ed25519")
        let r = try runProgram("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", principal, "-f", privateKey.path])
        guard r.status == 0 else { throw NSError(domain: "ssh-keygen", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        publicKey = try String(contentsOf: privateKey.appendingPathExtension("pub"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        allowedSigners = dir.appendingPathComponent("allowed_signers")
        try Fixtures.write("\(principal) namespaces=\"git\" \(publicKey)\n", to: allowedSigners)
    }

    var material: String { (try? String(contentsOf: privateKey, encoding: .utf8)) ?? "" }

    /// `git verify-commit` of `rev` in `gitDir` with this key's allowed-signers file; its output (stderr) on success.
    func verify(_ rev: String, gitDir: URL, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try runProgram("/usr/bin/git", ["--git-dir", gitDir.path, "-c", "gpg.ssh.allowedSignersFile=\(allowedSigners.path)",
                                                "verify-commit", "-v", rev], environment: SigningEnvironment.clean)
        XCTAssertEqual(r.status, 0, "git verify-commit \(rev): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains("Good \"git\" signature"), r.stderr, file: file, line: line)
        return r.stderr
    }
}

struct OpenPGPSigningKey {
    let home: URL
    let fingerprint: String
    let armoredSecret: String

    init(in dir: URL, user: String = "Signer <signer@imagebump.test>") throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gpg") else { throw unavailable("gpg is not installed (gnupg)") }
        // a short path: gpg-agent's socket lives in the home directory when /run/user has none for us
        home = URL(fileURLWithPath: "/tmp/ib-gpg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        ScratchCleanup.shared.add(home)
        let env = SigningEnvironment.clean.merging(["GNUPGHOME": home.path]) { $1 }
        let gen = try runProgram("/usr/bin/gpg", ["--batch", "--passphrase", "", "--quick-gen-key", user, "ed25519", "sign", "never"],
                                 environment: env)
        guard gen.status == 0 else { throw NSError(domain: "gpg", code: Int(gen.status), userInfo: [NSLocalizedDescriptionKey: gen.stderr]) }
        let list = try runProgram("/usr/bin/gpg", ["--batch", "--with-colons", "--list-secret-keys"], environment: env).stdout
        fingerprint = list.split(separator: "\n").first { $0.hasPrefix("fpr:") }.map { String($0.split(separator: ":", omittingEmptySubsequences: false)[9]) } ?? ""
        armoredSecret = try runProgram("/usr/bin/gpg", ["--batch", "--armor", "--export-secret-keys", fingerprint], environment: env).stdout
    }

    var environment: [String: String] { ["GNUPGHOME": home.path] }

    func verify(_ rev: String, gitDir: URL, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try runProgram("/usr/bin/git", ["--git-dir", gitDir.path, "verify-commit", "-v", rev],
                               environment: SigningEnvironment.clean.merging(environment) { $1 })
        XCTAssertEqual(r.status, 0, "git verify-commit \(rev): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains("Good signature from"), r.stderr, file: file, line: line)
        return r.stderr
    }

    /// Ends the gpg-agent this keyring started.
    func stopAgent() { _ = try? runProgram("/usr/bin/gpgconf", ["--kill", "gpg-agent"], environment: SigningEnvironment.clean.merging(environment) { $1 }) }
}

enum SigningEnvironment {
    /// PATH and HOME only: no GNUPGHOME, SSH_AUTH_SOCK or git config of the machine running the tests.
    static var clean: [String: String] {
        ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory(),
         "GIT_CONFIG_NOSYSTEM": "1"]
    }

    /// A signing run's environment: `clean`, no agent or keyring, TMPDIR `tmp` (so that what the run leaves there
    /// can be seen), then `extra`.
    static func run(_ tmp: URL, _ extra: [String: String] = [:]) -> [String: String] {
        clean.merging(["TMPDIR": tmp.path, "SSH_AUTH_SOCK": "", "GNUPGHOME": tmp.appendingPathComponent("no-keyring").path]) { $1 }
            .merging(extra) { $1 }
    }
}
