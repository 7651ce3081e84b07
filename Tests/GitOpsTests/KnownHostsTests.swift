import XCTest
@testable import GitOps

/// known_hosts read as OpenSSH reads it (#16.5, #24.5): unit cases, then the same rules against a real sshd.
final class KnownHostsTests: ServerTestCase {
    let key = [UInt8](repeating: 1, count: 51), other = [UInt8](repeating: 2, count: 51)

    func line(_ host: String, _ k: [UInt8], marker: String = "") -> String {
        (marker.isEmpty ? "" : marker + " ") + "\(host) ssh-ed25519 \(Data(k).base64EncodedString())\n"
    }

    func hosts(_ text: String) -> KnownHosts { KnownHosts(path: "kh", bytes: Array(text.utf8)) }

    func testRevokedWinsOverAnAcceptingLineInEitherOrder() {
        let accept = line("localhost", key), revoke = line("*", key, marker: "@revoked")
        XCTAssertEqual(hosts(accept + revoke).verify(host: "localhost", port: 22, key: key), .revoked)
        XCTAssertEqual(hosts(revoke + accept).verify(host: "localhost", port: 22, key: key), .revoked)
        // a revoked line for another host, or another key, does not touch this one
        XCTAssertEqual(hosts(accept + line("otherhost", key, marker: "@revoked")).verify(host: "localhost", port: 22, key: key), .match)
        XCTAssertEqual(hosts(accept + line("*", other, marker: "@revoked")).verify(host: "localhost", port: 22, key: key), .match)
    }

    func testCertificateAuthorityLinesAreRecognisedAndRefusedClearly() {
        let kh = hosts(line("*.example.com", other, marker: "@cert-authority"))
        XCTAssertEqual(kh.verify(host: "git.example.com", port: 22, key: key), .certificateAuthorityOnly)
        XCTAssertTrue(kh.refusal(.certificateAuthorityOnly, host: "git.example.com", port: 22)!.contains("@cert-authority"))
        // the host's own key next to a CA line is accepted; a CA key is never taken as the host's key
        XCTAssertEqual(hosts(line("*", key, marker: "@cert-authority") + line("git.example.com", key))
            .verify(host: "git.example.com", port: 22, key: key), .match)
        XCTAssertEqual(hosts(line("*", key, marker: "@cert-authority")).verify(host: "git.example.com", port: 22, key: key),
                       .certificateAuthorityOnly)
    }

    func testPortsMatchAsOpenSSHWritesThem() {
        let plain = hosts(line("localhost", key)), bracketed = hosts(line("[localhost]:2222", key))
        XCTAssertEqual(plain.verify(host: "localhost", port: 22, key: key), .match)
        XCTAssertEqual(plain.verify(host: "localhost", port: nil, key: key), .match)
        XCTAssertEqual(plain.verify(host: "localhost", port: 2222, key: key), .unknown)
        XCTAssertEqual(bracketed.verify(host: "localhost", port: 2222, key: key), .match)
        XCTAssertEqual(bracketed.verify(host: "localhost", port: 2223, key: key), .unknown)
        XCTAssertEqual(bracketed.verify(host: "localhost", port: 22, key: key), .unknown)
        XCTAssertEqual(hosts(line("[localhost]:*", key)).verify(host: "localhost", port: 2222, key: key), .match)
    }

    func testHashedEntriesMatchUpperCaseHostNames() {
        let salt = [UInt8](repeating: 7, count: 20)
        let hashed = "|1|\(Data(salt).base64EncodedString())|\(Data(hmacSHA1(key: salt, message: Array("[git.example.com]:2222".utf8))).base64EncodedString())"
        let kh = hosts(line(hashed, key))
        XCTAssertEqual(kh.verify(host: "Git.Example.COM", port: 2222, key: key), .match)
        XCTAssertEqual(kh.verify(host: "git.example.com", port: 22, key: key), .unknown)
        XCTAssertEqual(kh.verify(host: "git.example.com", port: 2222, key: other), .mismatch)
    }

    func testFileIsReadAsBytes() {
        var bytes = Array("# owner: ".utf8) + [0xE9, 0xFF] + Array("\n".utf8)
        bytes += Array(line("localhost", key).utf8)
        let kh = KnownHosts(path: "kh", bytes: bytes)
        XCTAssertEqual(kh.entries.count, 1)
        XCTAssertEqual(kh.verify(host: "localhost", port: 22, key: key), .match)
        XCTAssertEqual(KnownHosts(path: dir + "/missing").verify(host: "localhost", port: 22, key: key), .unreadable)
    }

    // MARK: against sshd

    func sshRepo() throws -> (url: String, ssh: Fixtures.SSHServer, hostLine: String) {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let ssh = try Fixtures.startSSHD(dir: dir)
        servers.append(ssh.server)
        let hostLine = try String(contentsOfFile: ssh.knownHosts, encoding: .utf8)
        return ("ssh://root@localhost:\(ssh.port)\(bare)", ssh, hostLine)
    }

    func testRevokedHostKeyIsRefusedBySSH() throws {
        let (url, ssh, hostLine) = try sshRepo()
        let pub = hostLine.split(separator: " ").dropFirst().joined(separator: " ")
        let known = dir + "/known_hosts_revoked"
        try (hostLine + "@revoked * " + pub).write(toFile: known, atomically: true, encoding: .utf8)
        var seen = ""
        XCTAssertThrowsError(try bump(url, credentials: GitCredentials(sshKeyPath: ssh.clientKey, knownHostsPath: known,
                                                                       environment: env(token: nil)), tag: "x",
                                      workdirSeen: { seen = $0 })) { e in
            XCTAssertEqual("\(e)", "SSH host key for [localhost]:\(ssh.port) refused: host key is marked @revoked in \(known)")
        }
        XCTAssertEqual(seen, "", "nothing was cloned")
    }

    func testHashedEntryInAFileWithALatin1CommentMatchesAnUpperCaseHost() throws {
        let (url, ssh, hostLine) = try sshRepo()
        let known = dir + "/known_hosts_hashed"
        var bytes = Array("# Ma".utf8) + [0xEE] + Array("tre\n".utf8)  // "Maître" in Latin-1
        bytes += Array(hostLine.utf8)
        _ = FileManager.default.createFile(atPath: known, contents: Data(bytes))
        try Fixtures.run(["ssh-keygen", "-q", "-H", "-f", known])  // OpenSSH hashes the host names itself
        let hashed = try String(decoding: Data(contentsOf: URL(fileURLWithPath: known)), as: UTF8.self)
        XCTAssertTrue(hashed.contains("|1|") && !hashed.contains("localhost"), hashed)
        let upper = url.replacingOccurrences(of: "@localhost:", with: "@LOCALHOST:")
        let r = try bump(upper, credentials: GitCredentials(sshKeyPath: ssh.clientKey, knownHostsPath: known,
                                                            environment: env(token: nil)), index: 3, tag: "hashed")
        XCTAssertTrue(r.pushed)
    }
}
