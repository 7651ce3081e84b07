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
}
