import Foundation
import XCTest
@testable import Forge
import TestSupport

/// A forge's answer is bounded (issue 16 item 12): a decoded body past 8 MiB, or a gzip answer that inflates more
/// than 100-fold, ends the request with a clear error that is not retried, before it fills memory.
final class ResponseLimitTests: FakeForgeTestCase {
    func testAGzipBombIsRefusedByItsRatio() throws {
        // 64 MiB of spaces in about 64 KB of gzip, sent to the merge request list
        try forge.fault(method: "GET", path: "/merge_requests$", action: "gzip", size: 64 << 20)
        XCTAssertThrowsError(try rec.service().openOrUpdate(request())) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("the answer decompresses to more than 100 times its size"), text)
            XCTAssertTrue(text.contains("/merge_requests"), text)
        }
        XCTAssertEqual(rec.sleeps, [], "a refused answer is not retried")
        XCTAssertEqual(try forge.requests().filter { $0.method == "POST" }.count, 0, "nothing created after it")
    }

    func testAPlainAnswerPastTheSizeLimitIsRefused() throws {
        try forge.fault(method: "GET", path: "/merge_requests$", action: "big", size: 12 << 20)
        XCTAssertThrowsError(try rec.service().openOrUpdate(request())) { error in
            XCTAssertTrue("\(error)".contains("the answer is larger than 8 MiB; refused"), "\(error)")
        }
        XCTAssertEqual(rec.sleeps, [])
    }

    func testAnAnswerWithinTheLimitsIsRead() throws {
        try forge.fault(method: "GET", path: "/merge_requests$", action: "big", size: 512 << 10)
        let r = try CurlTransport().send(HTTPRequest(method: "GET", url: forge.baseURL + "/api/v4/projects/1/merge_requests"))
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.body.count, 512 << 10)
    }
}
