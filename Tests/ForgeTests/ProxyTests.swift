import Foundation
import XCTest
@testable import Forge
import TestSupport

/// The forge client takes the proxy the git transport takes (Remote's `Proxy`: https_proxy, all_proxy, no_proxy),
/// from the environment it is given; through a CONNECT tunnel the proxy never sees the token (#16.14).
final class ForgeProxyTests: FakeForgeTestCase {
    func testTheAPIIsReachedThroughTheProxyUnlessNoProxyNamesTheHost() throws {
        let tls = try TestFiles.tls.get()
        forge.stop()
        forge = try FakeForge(token: canary, tls: tls)
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("forge-proxy-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let proxy = try LoopbackScript(LoopbackScript.gitFixture("recording_proxy.py"), ["--log", log, "--max-seconds", "60"])
        defer { proxy.stop() }
        func seen() -> [String] { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }

        var r = request { $0.apiURL = "https://localhost:\(forge.port)/api/v4" }
        r.transportOptions = TransportOptions(caFile: tls.caFile, timeout: 10)
        r.transportOptions.environment = ["https_proxy": "http://127.0.0.1:\(proxy.port)"]
        XCTAssertTrue(try rec.service().openOrUpdate(r).created)
        XCTAssertFalse(seen().isEmpty, "the proxy was not used")
        XCTAssertEqual(Set(seen()), ["CONNECT localhost:\(forge.port) HTTP/1.1 auth=no"])
        assertNoCanary(seen())

        try FileManager.default.removeItem(atPath: log)
        r.transportOptions.environment["NO_PROXY"] = "localhost"
        XCTAssertEqual(try rec.service().openOrUpdate(r).number, 1)
        XCTAssertEqual(seen(), [], "no_proxy named the host")
    }

    /// A proxy wanting credentials: the proxy URL's (percent-decoded) go to the proxy only, preemptively (Basic);
    /// a refused password is one clear error, not retried, and never shown.
    func testProxyCredentialsGoToTheProxyOnlyAndARefusedPasswordIsNotRetried() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("forge-proxy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let proxy = try LoopbackScript(LoopbackScript.gitFixture("recording_proxy.py"),
                                       ["--log", dir + "/log", "--max-seconds", "60", "--record-tunnel", dir + "/tunnel"],
                                       environment: ["FIXTURE_PROXY_AUTH": "api user:s3cr3t@proxy"])
        defer { proxy.stop() }
        func seen() -> [String] { ((try? String(contentsOfFile: dir + "/log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }

        var r = request()
        r.transportOptions = TransportOptions(timeout: 10)
        r.transportOptions.environment = ["http_proxy": "http://api%20user:s3cr3t%40proxy@127.0.0.1:\(proxy.port)"]
        XCTAssertTrue(try rec.service().openOrUpdate(r).created)
        XCTAssertEqual(Set(seen()), ["CONNECT 127.0.0.1:\(forge.port) HTTP/1.1 auth=no proxy-auth=ok"], "an http:// API is tunnelled too")
        XCTAssertEqual(try forge.requests().filter { $0.headers["proxy-authorization"] != nil }.count, 0)
        let tunnel = (try? String(contentsOfFile: dir + "/tunnel", encoding: .isoLatin1)) ?? ""
        XCTAssertFalse(tunnel.isEmpty)
        XCTAssertFalse(tunnel.lowercased().contains("proxy-authorization") || tunnel.contains("s3cr3t"), "the API got the proxy's credentials")

        try FileManager.default.removeItem(atPath: dir + "/log")
        r.transportOptions.environment = ["http_proxy": "http://api%20user:wr0ng-pass@127.0.0.1:\(proxy.port)"]
        XCTAssertThrowsError(try rec.service().openOrUpdate(r)) { error in
            XCTAssertTrue("\(error)".contains("proxy authentication failed for http://127.0.0.1:\(proxy.port) (407)"), "\(error)")
            XCTAssertFalse(texts(of: error).joined().contains("wr0ng-pass"))
        }
        XCTAssertEqual(seen(), ["CONNECT 127.0.0.1:\(forge.port) HTTP/1.1 auth=no proxy-auth=wrong"], "asked once")
        XCTAssertFalse(rec.logs.joined().contains("wr0ng-pass"))
    }
}
