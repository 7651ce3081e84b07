import Foundation
import XCTest
@testable import Forge
import Support
import TestSupport

final class GitLabServiceTests: FakeForgeTestCase {
    func assertClean(_ reqs: [Recorded], file: StaticString = #filePath, line: UInt = #line) {
        for r in reqs {
            XCTAssertEqual(r.violations, [], "\(r.method) \(r.path)", file: file, line: line)
            XCTAssertEqual(r.headers["private-token"], canary, file: file, line: line)
            XCTAssertNil(r.headers["authorization"], file: file, line: line)
            XCTAssertTrue(r.headers["user-agent"]?.hasPrefix("imagebump") ?? false, file: file, line: line)
        }
    }

    func testCreateWithAllOptionsThenRerunIsNoOpThenUpdatesSameMR() throws {
        let service = rec.service()
        let full = request {
            $0.options.labels = ["imagebump", "env::prod"]
            $0.options.assignees = ["alice"]
            $0.options.reviewers = ["bob", "carol"]
            $0.options.draft = true
            $0.options.removeSourceBranch = true
            $0.options.squash = true
            $0.options.autoMerge = true
            $0.headSHA = "abc123"
        }
        let first = try service.openOrUpdate(full)
        XCTAssertTrue(first.created)
        XCTAssertFalse(first.updated)
        XCTAssertEqual(first.number, 1)
        XCTAssertEqual(first.autoMergeEnabled, true)
        XCTAssertEqual(first.url, forge.baseURL + "/group/sub/config/-/merge_requests/1")

        var reqs = try forge.requests()
        assertClean(reqs)
        XCTAssertEqual(reqs.map { "\($0.method) \($0.path)" }, [
            "GET /api/v4/users", "GET /api/v4/users", "GET /api/v4/users",
            "GET /api/v4/projects/group/sub/config/merge_requests",
            "POST /api/v4/projects/group/sub/config/merge_requests",
            "PUT /api/v4/projects/group/sub/config/merge_requests/1/merge",
        ])
        XCTAssertEqual(reqs[0].query["username"], ["alice"])
        XCTAssertEqual(reqs[3].rawPath, "/api/v4/projects/group%2Fsub%2Fconfig/merge_requests")
        XCTAssertEqual(reqs[3].query["source_branch"], ["imagebump/web-main"])
        XCTAssertEqual(reqs[3].query["state"], ["opened"])
        let create = reqs[4].json
        XCTAssertEqual(reqs[4].headers["content-type"], "application/json")
        XCTAssertEqual(create["title"] as? String, "Draft: Bump web to 1.2.4")
        XCTAssertEqual(create["source_branch"] as? String, "imagebump/web-main")
        XCTAssertEqual(create["target_branch"] as? String, "main")
        XCTAssertEqual(create["description"] as? String, "table v1")
        XCTAssertEqual(create["labels"] as? String, "imagebump,env::prod")
        XCTAssertEqual(create["assignee_ids"] as? [Int], [11])
        XCTAssertEqual(create["reviewer_ids"] as? [Int], [12, 13])
        XCTAssertEqual(create["remove_source_branch"] as? Bool, true)
        XCTAssertEqual(create["squash"] as? Bool, true)
        let merge = reqs[5].json
        XCTAssertEqual(merge["merge_when_pipeline_succeeds"] as? Bool, true)
        XCTAssertEqual(merge["auto_merge"] as? Bool, true)
        XCTAssertEqual(merge["sha"] as? String, "abc123")

        // Same input again: only reads, nothing written.
        let second = try service.openOrUpdate(full)
        XCTAssertEqual(second, MergeRequestResult(url: first.url, number: 1, created: false, updated: false, forge: .gitlab, autoMergeEnabled: true,
                                                  warnings: second.warnings.filter { $0.contains("over plain http://") }))
        reqs = try forge.requests()
        XCTAssertEqual(reqs.count, 11, "users, the list, and the project the listed MR must belong to")
        XCTAssertTrue(reqs.dropFirst(6).allSatisfy { $0.method == "GET" })

        // New tag: title/description change and one more label → one PUT on the same iid.
        let third = try service.openOrUpdate(request {
            $0.title = "Bump web to 1.2.5"
            $0.description = "table v2"
            $0.options.labels = ["imagebump", "env::prod", "new"]
            $0.options.assignees = ["alice"]
            $0.options.reviewers = ["bob", "carol"]
            $0.options.draft = true
            $0.options.removeSourceBranch = true
            $0.options.squash = true
            $0.options.autoMerge = true
        })
        XCTAssertEqual(third.number, 1)
        XCTAssertFalse(third.created)
        XCTAssertTrue(third.updated)
        reqs = try forge.requests()
        assertClean(reqs)
        let puts = reqs.filter { $0.method == "PUT" && $0.path.hasSuffix("/merge_requests/1") }
        XCTAssertEqual(puts.count, 1)
        XCTAssertEqual(puts[0].json as NSDictionary, ["title": "Draft: Bump web to 1.2.5", "description": "table v2", "add_labels": "new"] as NSDictionary)
        XCTAssertEqual(reqs.filter { $0.method == "POST" }.count, 1)
        let state = try forge.state()
        let mrs = (state["gitlab"] as? [String: Any])?["group/sub/config"] as? [[String: Any]] ?? []
        XCTAssertEqual(mrs.count, 1)
        XCTAssertEqual(mrs.first?["labels"] as? [String], ["imagebump", "env::prod", "new"])
        XCTAssertTrue(rec.sleeps.isEmpty)
    }

    func testCreateRace409FindsAndUpdatesTheOtherMR() throws {
        try forge.fault(method: "POST", path: "/merge_requests$", action: "race")
        let result = try rec.service().openOrUpdate(request())
        XCTAssertFalse(result.created)
        XCTAssertTrue(result.updated)
        XCTAssertEqual(result.number, 1)
        let reqs = try forge.requests()
        assertClean(reqs)
        XCTAssertEqual(reqs.map(\.method), ["GET", "POST", "GET", "GET", "PUT"], "list, create (409), list, the project, update")
        XCTAssertEqual(reqs[4].json["title"] as? String, "Bump web to 1.2.4")
        let mrs = ((try forge.state())["gitlab"] as? [String: Any])?["group/sub/config"] as? [[String: Any]] ?? []
        XCTAssertEqual(mrs.count, 1)
    }

    func testServerErrorThenSuccessIsRetriedWithBackoff() throws {
        try forge.fault(method: "POST", path: "/merge_requests$", status: 500, body: ["message": "500 Internal Server Error"])
        try forge.fault(method: "GET", path: "/merge_requests$", status: 502, body: ["message": "bad gateway"], times: 2)
        let result = try rec.service().openOrUpdate(request())
        XCTAssertTrue(result.created)
        let reqs = try forge.requests()
        XCTAssertEqual(reqs.map(\.method), ["GET", "GET", "GET", "POST", "POST"])
        XCTAssertEqual(rec.sleeps, [1, 2, 1])
        XCTAssertEqual(((try forge.state())["gitlab"] as? [String: Any])?["group/sub/config"].map { ($0 as! [Any]).count }, 1)
    }

    func testServerErrorsExhaustRetriesWithShortRedactedBody() throws {
        let huge = String(repeating: "x", count: 5000)
        try forge.fault(path: "/merge_requests$", status: 503, body: ["message": "token \(canary) rejected \(huge)"], times: 10)
        XCTAssertThrowsError(try rec.service(maxAttempts: 3).openOrUpdate(request())) { error in
            guard let e = error as? ForgeError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.kind, .server)
            XCTAssertEqual(e.status, 503)
            XCTAssertTrue(e.message.contains(redactionMask), e.message)
            XCTAssertLessThan(e.message.count, 800)
            XCTAssertFalse(e.message.lowercased().contains("private-token"))
            assertNoCanary(texts(of: e))
        }
        XCTAssertEqual(try forge.requests().count, 3)
        XCTAssertEqual(rec.sleeps, [1, 2])
    }

    func testUnauthorizedIsOneClearErrorWithoutRetry() throws {
        let service = rec.service()
        XCTAssertThrowsError(try service.openOrUpdate(request { $0.token = "glpat-wrong-token-value" })) { error in
            guard let e = error as? ForgeError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.kind, .authentication)
            XCTAssertEqual(e.status, 401)
            XCTAssertTrue(e.message.contains("GITLAB_TOKEN"), e.message)
            XCTAssertTrue(e.message.contains("api scope"), e.message)
            XCTAssertFalse(e.message.contains("glpat-wrong-token-value"))
        }
        XCTAssertEqual(try forge.requests().count, 1)
        XCTAssertTrue(rec.sleeps.isEmpty)
    }

    func testForbiddenNamesScopeAndRole() throws {
        try forge.fault(path: "/merge_requests$", status: 403, body: ["message": "403 Forbidden"])
        XCTAssertThrowsError(try rec.service().openOrUpdate(request())) { error in
            let e = error as! ForgeError
            XCTAssertEqual(e.kind, .permission)
            XCTAssertTrue(e.message.contains("group/sub/config") && e.message.contains("Developer"), e.message)
            assertNoCanary(texts(of: e))
        }
        XCTAssertEqual(try forge.requests().count, 1)
    }

    func testProjectNotFoundNamesThePath() throws {
        XCTAssertThrowsError(try rec.service().openOrUpdate(request { $0.project = "group/typo" })) { error in
            let e = error as! ForgeError
            XCTAssertEqual(e.kind, .notFound)
            XCTAssertTrue(e.message.contains("'group/typo'"), e.message)
            XCTAssertTrue(e.message.contains("404 Project Not Found"), e.message)
            assertNoCanary(texts(of: e))
        }
        XCTAssertEqual(try forge.requests().count, 1)
        XCTAssertTrue(rec.sleeps.isEmpty)
    }

    func testTooManyRequestsHonoursRetryAfter() throws {
        try forge.fault(method: "GET", path: "/merge_requests$", status: 429, headers: ["Retry-After": "7"],
                        body: ["message": "429 Too Many Requests"])
        let result = try rec.service().openOrUpdate(request())
        XCTAssertTrue(result.created)
        XCTAssertEqual(rec.sleeps, [7])
        XCTAssertEqual(try forge.requests().map(\.method), ["GET", "GET", "POST"])
    }

    func testRetryAfterLongerThanCapFailsAtOnce() throws {
        try forge.fault(path: "/merge_requests$", status: 429, headers: ["Retry-After": "3600"])
        XCTAssertThrowsError(try rec.service().openOrUpdate(request())) { error in
            let e = error as! ForgeError
            XCTAssertEqual(e.kind, .rateLimited)
            XCTAssertTrue(e.message.contains("3600"), e.message)
        }
        XCTAssertTrue(rec.sleeps.isEmpty)
    }

    func testConnectionResetAndTimeoutAreRetried() throws {
        try forge.fault(method: "GET", path: "/merge_requests$", action: "drop")
        try forge.fault(method: "POST", path: "/merge_requests$", action: "delay", seconds: 1.5)
        var r = request()
        r.transportOptions.timeout = 0.5
        let result = try rec.service().openOrUpdate(r)
        XCTAssertTrue(result.created)
        XCTAssertEqual(rec.sleeps, [1, 1])
        XCTAssertTrue(rec.logs.contains { $0.contains("retrying") }, "\(rec.logs)")
        // The delayed POST may still land after the client gave up: the retry then meets 409 and updates,
        // or creates; either way exactly one MR exists.
        let mrs = ((try forge.state())["gitlab"] as? [String: Any])?["group/sub/config"] as? [[String: Any]] ?? []
        XCTAssertEqual(mrs.count, 1)
    }

    /// A refused connection to this machine is reported at once: nothing listens there, and back-off (1+2+4+8 s)
    /// would not start it. (One from another host is retried: `CurlTransport.kind`, HTTPTransportTests.)
    func testARefusedLoopbackConnectionIsReportedWithoutRetries() throws {
        let port = forge.port
        forge.stop()
        XCTAssertThrowsError(try rec.service(maxAttempts: 3).openOrUpdate(request { $0.apiURL = "http://127.0.0.1:\(port)/api/v4" })) { error in
            let e = error as! ForgeError
            XCTAssertEqual(e.kind, .transport)
            XCTAssertTrue(e.message.contains("GitLab API unreachable while trying to"), e.message)
            XCTAssertTrue(e.message.contains("(nothing listens on 127.0.0.1:\(port) on this machine)"), e.message)
            XCTAssertFalse(e.message.contains("tries"), e.message)
            assertNoCanary(texts(of: e))
        }
        XCTAssertEqual(rec.sleeps, [])
    }

    func testUnknownUserIsAConfigurationError() throws {
        XCTAssertThrowsError(try rec.service().openOrUpdate(request { $0.options.assignees = ["nobody"] })) { error in
            let e = error as! ForgeError
            XCTAssertEqual(e.kind, .configuration)
            XCTAssertTrue(e.message.contains("'nobody'"), e.message)
        }
    }

    func testAutoMergeNotMergeableYetIsAWarning() throws {
        try forge.fault(method: "PUT", path: "/merge$", status: 405, body: ["message": "405 Method Not Allowed"], times: 5)
        let result = try rec.service().openOrUpdate(request { $0.options.autoMerge = true })
        XCTAssertTrue(result.created)
        XCTAssertEqual(result.autoMergeEnabled, false)
        XCTAssertEqual(result.warnings.count, 2)  // and the plain-http one
        XCTAssertTrue(result.warnings[0].contains("405"), result.warnings[0])
        assertNoCanary([result.url] + result.warnings)
        XCTAssertEqual(try forge.requests().filter { $0.path.hasSuffix("/merge") }.count, 3)
    }

    func testJobTokenHeader() throws {
        forge.stop()
        forge = try FakeForge(token: "other-token", jobToken: canary)
        let result = try rec.service().openOrUpdate(request { $0.gitLabTokenKind = .jobToken; $0.tokenSource = "CI_JOB_TOKEN" })
        XCTAssertTrue(result.created)
        for r in try forge.requests() {
            XCTAssertEqual(r.headers["job-token"], canary)
            XCTAssertNil(r.headers["private-token"])
            XCTAssertEqual(r.violations, [])
        }
    }

    func testSelfManagedHTTPSWithPrivateCAAndPathPrefix() throws {
        let tls = try TestFiles.tls.get()
        forge.stop()
        forge = try FakeForge(token: canary, gitlabPrefix: "/gitlab/api/v4", tls: tls)
        let apiURL = "https://localhost:\(forge.port)/gitlab/api/v4"
        let repoURL = "https://localhost:\(forge.port)/gitlab/group/sub/config.git"
        let project = try ForgeDefaults.projectPath(repoURL: repoURL, apiURL: apiURL)
        XCTAssertEqual(project, "group/sub/config")
        var r = request { $0.apiURL = apiURL; $0.project = project; $0.options.labels = ["imagebump"] }
        r.transportOptions = TransportOptions(caFile: tls.caFile, timeout: 10)
        let result = try rec.service().openOrUpdate(r)
        XCTAssertTrue(result.created)
        XCTAssertEqual(result.url, "https://localhost:\(forge.port)/gitlab/group/sub/config/-/merge_requests/1")
        let reqs = try forge.requests()
        assertClean(reqs)
        XCTAssertEqual(reqs.last?.rawPath, "/gitlab/api/v4/projects/group%2Fsub%2Fconfig/merge_requests")

        // Second run over TLS: same MR, nothing written.
        let again = try rec.service().openOrUpdate(r)
        XCTAssertEqual(again.number, 1)
        XCTAssertFalse(again.created || again.updated)

        // Without the private CA the certificate is refused (TLS is always verified), no retries.
        let noCA = MergeRequestService(transport: CurlTransport(options: TransportOptions(caFile: "/dev/null/none")),
                                       retry: rec.policy())
        XCTAssertThrowsError(try noCA.openOrUpdate(request { $0.apiURL = apiURL })) { error in
            let e = error as! ForgeError
            XCTAssertEqual(e.kind, .transport)
            XCTAssertTrue(e.message.contains("--ca-file"), e.message)
            assertNoCanary(texts(of: e))
        }
        let defaultBundle = MergeRequestService(transport: CurlTransport(options: TransportOptions(caFile: "/etc/ssl/certs/ca-certificates.crt")),
                                                retry: rec.policy())
        XCTAssertThrowsError(try defaultBundle.openOrUpdate(request { $0.apiURL = apiURL })) { error in
            XCTAssertEqual((error as? ForgeError)?.kind, .transport)
        }
    }
}
