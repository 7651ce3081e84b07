import XCTest
@testable import GitOps

/// https:// to an IP address: a certificate whose subjectAltName holds that address is accepted, as curl accepts
/// it with the same CA; one that names another address, or that the CA did not sign, is refused, as curl refuses
/// it, with an error that says why (#16.15).
final class IPCertificateTests: ServerTestCase {
    /// curl's verdict on the server's certificate (0: TLS accepted; 60: refused), the token never on its argv.
    func curl(_ url: String, ca: String) throws -> Int32 {
        let curl = try Fixtures.require("curl")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: curl)
        p.arguments = ["-s", "-o", "/dev/null", "--noproxy", "*", "--cacert", ca, url + "/info/refs?service=git-upload-pack"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    func serve(san: String, name: String) throws -> (url: String, ca: String) {
        let certs = dir + "/" + name
        try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
        let tls = try Fixtures.makeTLS(dir: certs, san: san)
        let https = try Fixtures.startHTTP(root: dir, password: canary, cert: tls.cert, key: tls.key, logDir: dir)
        servers.append(https)
        return ("https://127.0.0.1:\(https.port)/config.git", tls.ca)
    }

    func credentials(ca: String) -> GitCredentials {
        var e = env(token: canary)
        e["SSL_CERT_FILE"] = ca
        e["GIT_SSL_CAINFO"] = ca
        return GitCredentials(caFile: ca, environment: e)
    }

    func testACertificateForTheIPAddressIsAcceptedAsCurlAcceptsIt() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let (url, ca) = try serve(san: "IP:127.0.0.1", name: "ip")
        XCTAssertEqual(try curl(url, ca: ca), 0, "curl accepts the certificate")
        let r = try bump(url, credentials: credentials(ca: ca), index: 4, tag: "ip-tls")
        XCTAssertTrue(r.pushed)
        try assertLanded(bare, index: 4, tag: "ip-tls")
    }

    func testACertificateForAnotherAddressIsRefusedAsCurlRefusesIt() throws {
        try Fixtures.makeBareRepo(root: dir)
        let (url, ca) = try serve(san: "IP:127.0.0.2,DNS:localhost", name: "other-ip")
        XCTAssertEqual(try curl(url, ca: ca), 60, "curl refuses the certificate")
        XCTAssertThrowsError(try bump(url, credentials: credentials(ca: ca), tag: "never")) { error in
            XCTAssertEqual("\(error)", "clone of \(url) failed: TLS certificate of 127.0.0.1 refused: the certificate has no"
                + " subjectAltName IP:127.0.0.1 (give the CA that issued it with --ca-file, or use a host name the certificate"
                + " names)")
            assertNoCanary("\(error)")
        }
    }

    func testAnIPCertificateFromAnotherCAIsRefused() throws {
        try Fixtures.makeBareRepo(root: dir)
        let (url, _) = try serve(san: "IP:127.0.0.1", name: "ip")
        let other = dir + "/unrelated"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        let unrelated = try Fixtures.makeTLS(dir: other, san: "IP:127.0.0.1").ca
        XCTAssertEqual(try curl(url, ca: unrelated), 60, "curl refuses the certificate")
        XCTAssertThrowsError(try bump(url, credentials: credentials(ca: unrelated), tag: "never")) { error in
            XCTAssertTrue("\(error)".contains("TLS certificate of 127.0.0.1 refused: the certificate is not trusted by \(unrelated)"), "\(error)")
        }
    }
}
