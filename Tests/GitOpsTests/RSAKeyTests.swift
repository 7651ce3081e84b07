import XCTest
@testable import GitOps

/// An RSA deploy key against an OpenSSH that refuses ssh-rsa (Debian 12's default): libssh2 1.10 cannot sign
/// with rsa-sha2-256/512, so the error says so and names ed25519 (#19.4).
final class RSAKeyTests: ServerTestCase {
    func testARefusedRSAKeySaysWhyAndWhatToUse() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let ssh = try Fixtures.startSSHD(dir: dir)
        servers.append(ssh.server)
        let rsa = dir + "/client_rsa"
        try Fixtures.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", rsa])
        let authorized = dir + "/authorized_keys"
        let keys = try String(contentsOfFile: authorized, encoding: .utf8) + String(contentsOfFile: rsa + ".pub", encoding: .utf8)
        try keys.write(toFile: authorized, atomically: true, encoding: .utf8)
        // the real ssh client signs with rsa-sha2-512: the server accepts the key itself
        try Fixtures.run(["ssh", "-i", rsa, "-p", "\(ssh.port)", "-o", "UserKnownHostsFile=\(ssh.knownHosts)",
                          "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "root@localhost", "true"])
        let url = "ssh://root@localhost:\(ssh.port)\(bare)"
        for credentials in [GitCredentials(sshKeyPath: rsa, knownHostsPath: ssh.knownHosts, environment: env(token: nil)),
                            GitCredentials(knownHostsPath: ssh.knownHosts,
                                           environment: env(token: nil).merging(["IMAGEBUMP_SSH_KEY": try String(contentsOfFile: rsa, encoding: .utf8)]) { $1 })] {
            XCTAssertThrowsError(try bump(url, credentials: credentials, tag: "rsa")) { e in
                XCTAssertTrue("\(e)".hasPrefix("authentication failed for \(url) (SSH key "), "\(e)")
                XCTAssertTrue("\(e)".contains("; the key is RSA, and this build's SSH library (libssh2 1.10) can only sign with"
                                              + " ssh-rsa (SHA-1)"), "\(e)")
                XCTAssertTrue("\(e)".contains("use an ed25519 deploy key"), "\(e)")
            }
        }
        // an ed25519 key still authenticates, and its failure (a key the server does not know) gets no RSA hint
        XCTAssertThrowsError(try bump(url, credentials: GitCredentials(sshKeyPath: dir + "/other_ed25519", knownHostsPath: ssh.knownHosts,
                                                                       environment: env(token: nil)), tag: "x")) { e in
            XCTAssertFalse("\(e)".contains("RSA"), "\(e)")
        }
        XCTAssertEqual(SSHKeyType.of(privateKey: try String(contentsOfFile: ssh.clientKey, encoding: .utf8)), "ssh-ed25519")
        XCTAssertEqual(SSHKeyType.of(privateKey: try String(contentsOfFile: rsa, encoding: .utf8)), "ssh-rsa")
    }
}
