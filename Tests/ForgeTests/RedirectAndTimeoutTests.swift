import Foundation
import XCTest
@testable import Forge
import Support
import TestSupport

/// The token goes only to the API URL's origin; a stalled API ends the request with a clear error.
final class RedirectAndTimeoutTests: FakeForgeTestCase {
    func testRedirectToAnotherOriginIsRefusedAndTheOtherServerGetsNothing() throws {
        let other = try FakeForge(token: canary, bind: "127.0.0.2")
        defer { other.stop() }
        let target = other.baseURL + "/api/v4/projects/group%2Fsub%2Fconfig/merge_requests"
        try forge.fault(method: "GET", path: "/merge_requests$", status: 302, headers: ["Location": target], times: 5)
        XCTAssertThrowsError(try rec.service().openOrUpdate(request())) { error in
            let e = error as! ForgeError
            XCTAssertEqual(e.kind, .redirect)
            XCTAssertTrue(e.message.contains(self.forge.baseURL + "/api/v4/projects/") && e.message.contains(other.baseURL + "/api/v4/"),
                          e.message)
            assertNoCanary(texts(of: e))
        }
        XCTAssertEqual(try other.requests().count, 0, "the other origin was contacted")
        XCTAssertEqual(rec.sleeps, [], "a refused redirect is not retried")
    }

    func testRedirectWithinTheSameOriginIsFollowedForGET() throws {
        // A relative Location on the same host: followed once (the fault is spent), then the MR is created.
        try forge.fault(method: "GET", path: "/merge_requests$", status: 301,
                        headers: ["Location": "/api/v4/projects/group%2Fsub%2Fconfig/merge_requests?state=opened&source_branch=imagebump%2Fweb-main&target_branch=main"])
        let result = try rec.service().openOrUpdate(request())
        XCTAssertTrue(result.created)
        let gets = try forge.requests().filter { $0.method == "GET" && $0.path.hasSuffix("/merge_requests") }
        XCTAssertEqual(gets.count, 2)
        XCTAssertEqual(gets.last?.headers["private-token"], canary)
    }

    func testRedirectOfAPOSTIsNotRepeated() throws {
        try forge.fault(method: "POST", path: "/merge_requests$", status: 307,
                        headers: ["Location": forge.baseURL + "/api/v4/elsewhere"])
        XCTAssertThrowsError(try rec.service().openOrUpdate(request())) { error in
            XCTAssertEqual((error as! ForgeError).kind, .redirect)
        }
        XCTAssertFalse(try forge.requests().contains { $0.path.hasSuffix("/elsewhere") })
    }

    func testStalledAPIAnswerTimesOutOnTheIdleLimit() throws {
        // The whole-request limit is far away; the idle (low-speed) limit ends the wait.
        try forge.fault(method: "GET", path: "/merge_requests$", action: "delay", seconds: 4)
        var r = request()
        r.transportOptions = TransportOptions(timeout: 120, connectTimeout: 5, idleTimeout: 1)
        XCTAssertThrowsError(try rec.service(maxAttempts: 1).openOrUpdate(r)) { error in
            let e = error as! ForgeError
            XCTAssertEqual(e.kind, .transport)
            XCTAssertTrue(e.message.contains("GitLab API unreachable while trying to"), e.message)
            XCTAssertTrue(e.message.lowercased().contains("timed out") || e.message.contains("too slow"), e.message)
        }
    }

    func testTokenOverPlainHTTPIsAWarning() throws {
        let result = try rec.service().openOrUpdate(request())
        XCTAssertTrue(result.warnings.last?.contains("over plain http://") ?? false, "\(result.warnings)")
        assertNoCanary(result.warnings)
    }
}

/// A token echoed back in another form (base64 in a Basic header, truncated) is masked too.
final class EchoedTokenTests: XCTestCase {
    func testBase64AndPrefixFormsAreMasked() {
        let token = "glpat-CANARY-7f3a9c1e5b2d"
        let r = Redactor(secrets: [token])
        for user in ["", "oauth2:", "x-access-token:", "a:", "ab:"] {
            let basic = Data((user + token).utf8).base64EncodedString()
            let masked = r("Authorization: Basic \(basic) rejected")
            XCTAssertTrue(masked.contains(redactionMask), masked)
            // What is left of the header: the user's part and at most 2 token bytes on each side (≤ 8 characters).
            let left = masked.count - "Authorization: Basic  rejected".count - redactionMask.count
            XCTAssertLessThanOrEqual(left, (user.utf8.count * 4 + 2) / 3 + 8, "\(user): \(masked)")
        }
        let urlSafe = Data(token.utf8).base64EncodedString().replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-")
        XCTAssertFalse(r("t=\(urlSafe)").contains(String(urlSafe.prefix(12))))
        XCTAssertEqual(r("token glpat-CANARY-7f3a… is invalid"), "token ***… is invalid")
        XCTAssertEqual(r("prefix glpat-CA only"), "prefix *** only")  // its first 8 characters
        XCTAssertEqual(r("prefix glpat-C only"), "prefix glpat-C only") // 7: too short to mean anything
    }

    func testServerEchoingTheTokenAsBase64ReachesNoError() throws {
        let forge = try FakeForge(token: canary)
        defer { forge.stop() }
        let basic = Data("oauth2:\(canary)".utf8).base64EncodedString()
        try forge.fault(method: "GET", path: "/merge_requests$", status: 401,
                        body: ["message": "401 Unauthorized: Basic \(basic) / \(Data(canary.utf8).base64EncodedString()) / \(canary.prefix(14))…"])
        let r = MergeRequestRequest(forge: .gitlab, apiURL: forge.baseURL + "/api/v4", project: "group/sub/config",
                                    sourceBranch: "imagebump/web-main", targetBranch: "main", title: "t", description: "d",
                                    token: canary, tokenSource: "GITLAB_TOKEN")
        XCTAssertThrowsError(try Recorder().service().openOrUpdate(r)) { error in
            let e = error as! ForgeError
            XCTAssertEqual(e.kind, .authentication)
            assertNoCanary(texts(of: e))
            XCTAssertFalse(e.message.contains(String(basic.dropFirst(8).prefix(12))), e.message)
            XCTAssertFalse(e.message.contains(String(Data(canary.utf8).base64EncodedString().prefix(12))), e.message)
        }
    }
}
