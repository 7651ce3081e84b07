import Foundation
import XCTest
@testable import Forge
import Support
import TestSupport

final class GitHubServiceTests: FakeForgeTestCase {
    override var kind: ForgeKind { .github }

    func assertClean(_ reqs: [Recorded], file: StaticString = #filePath, line: UInt = #line) {
        for r in reqs {
            XCTAssertEqual(r.violations, [], "\(r.method) \(r.path)", file: file, line: line)
            XCTAssertEqual(r.headers["authorization"], "Bearer \(canary)", file: file, line: line)
            XCTAssertEqual(r.headers["accept"], "application/vnd.github+json", file: file, line: line)
            XCTAssertEqual(r.headers["x-github-api-version"], "2022-11-28", file: file, line: line)
            XCTAssertTrue(r.headers["user-agent"]?.hasPrefix("imagebump") ?? false, file: file, line: line)
        }
    }

    func testCreateWithAllOptionsThenRerunIsNoOpThenUpdatesSamePR() throws {
        let service = rec.service()
        let full = request {
            $0.options.labels = ["imagebump", "prod"]
            $0.options.assignees = ["alice"]
            $0.options.reviewers = ["bob", "octo/platform"]
            $0.options.draft = true
            $0.options.autoMerge = true
            $0.options.squash = true
            $0.headSHA = "abc123"
        }
        let first = try service.openOrUpdate(full)
        XCTAssertTrue(first.created)
        XCTAssertFalse(first.updated)
        XCTAssertEqual(first.number, 1)
        XCTAssertEqual(first.url, forge.baseURL + "/octo/config/pull/1")
        XCTAssertEqual(first.autoMergeEnabled, true)
        var reqs = try forge.requests()
        assertClean(reqs)
        XCTAssertEqual(reqs.map { "\($0.method) \($0.path)" }, [
            "GET /repos/octo/config/pulls",
            "POST /repos/octo/config/pulls",
            "POST /repos/octo/config/issues/1/labels",
            "POST /repos/octo/config/issues/1/assignees",
            "POST /repos/octo/config/pulls/1/requested_reviewers",
            "POST /graphql",
        ])
        XCTAssertEqual(reqs[0].query["head"], ["octo:imagebump/web-main"])
        XCTAssertEqual(reqs[0].query["state"], ["open"])
        XCTAssertEqual(reqs[1].json as NSDictionary, ["title": "Bump web to 1.2.4", "body": "table v1",
                                                      "head": "imagebump/web-main", "base": "main", "draft": true] as NSDictionary)
        XCTAssertEqual(reqs[2].json["labels"] as? [String], ["imagebump", "prod"])
        XCTAssertEqual(reqs[3].json["assignees"] as? [String], ["alice"])
        XCTAssertEqual(reqs[4].json["reviewers"] as? [String], ["bob"])
        XCTAssertEqual(reqs[4].json["team_reviewers"] as? [String], ["platform"])
        let gql = reqs[5].json
        XCTAssertTrue((gql["query"] as? String ?? "").contains("enablePullRequestAutoMerge"))
        let vars = gql["variables"] as? [String: Any] ?? [:]
        XCTAssertEqual(vars["mergeMethod"] as? String, "SQUASH")
        XCTAssertEqual(vars["expectedHeadOid"] as? String, "abc123")
        XCTAssertTrue((vars["pullRequestId"] as? String ?? "").hasPrefix("PR_"))

        let second = try service.openOrUpdate(full)
        XCTAssertEqual(second, MergeRequestResult(url: first.url, number: 1, created: false, updated: false, forge: .github, autoMergeEnabled: true,
                                                  warnings: second.warnings.filter { $0.contains("over plain http://") }))
        reqs = try forge.requests()
        XCTAssertEqual(reqs.count, 7)
        XCTAssertEqual(reqs.last?.method, "GET")

        let third = try service.openOrUpdate(request {
            $0.title = "Bump web to 1.2.5"
            $0.description = "table v2"
            $0.options.labels = ["imagebump", "prod"]
        })
        XCTAssertEqual(third.number, 1)
        XCTAssertTrue(third.updated)
        XCTAssertFalse(third.created)
        reqs = try forge.requests()
        assertClean(reqs)
        XCTAssertEqual(reqs.suffix(2).map { "\($0.method) \($0.path)" }, ["GET /repos/octo/config/pulls", "PATCH /repos/octo/config/pulls/1"])
        XCTAssertEqual(reqs.last?.json as NSDictionary?, ["title": "Bump web to 1.2.5", "body": "table v2"] as NSDictionary)
        let prs = ((try forge.state())["github"] as? [String: Any])?["octo/config"] as? [[String: Any]] ?? []
        XCTAssertEqual(prs.count, 1)
        XCTAssertEqual(prs.first?["title"] as? String, "Bump web to 1.2.5")
    }

    func testCreateRace422FindsAndUpdatesTheOtherPR() throws {
        try forge.fault(method: "POST", path: "/pulls$", action: "race")
        let result = try rec.service().openOrUpdate(request { $0.options.labels = ["imagebump"] })
        XCTAssertFalse(result.created)
        XCTAssertTrue(result.updated)
        XCTAssertEqual(result.number, 1)
        let reqs = try forge.requests()
        assertClean(reqs)
        XCTAssertEqual(reqs.map(\.method), ["GET", "POST", "GET", "PATCH", "POST"])
        let prs = ((try forge.state())["github"] as? [String: Any])?["octo/config"] as? [[String: Any]] ?? []
        XCTAssertEqual(prs.count, 1)
    }

    func testTooManyRequestsWithRetryAfter() throws {
        try forge.fault(method: "GET", path: "/pulls$", status: 429, headers: ["Retry-After": "5"])
        XCTAssertTrue(try rec.service().openOrUpdate(request()).created)
        XCTAssertEqual(rec.sleeps, [5])
    }

    func testSecondaryRateLimit403WithResetHeader() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try forge.fault(method: "POST", path: "/pulls$", status: 403,
                        headers: ["X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1800000030"],
                        body: ["message": "You have exceeded a secondary rate limit."])
        let result = try rec.service(now: { now }).openOrUpdate(request())
        XCTAssertTrue(result.created)
        XCTAssertEqual(rec.sleeps, [31])
        XCTAssertEqual(try forge.requests().map(\.method), ["GET", "POST", "POST"])
    }

    func testSecondaryRateLimit403WithRetryAfter() throws {
        try forge.fault(method: "GET", path: "/pulls$", status: 403, headers: ["Retry-After": "3"],
                        body: ["message": "You have exceeded a secondary rate limit."])
        XCTAssertTrue(try rec.service().openOrUpdate(request()).created)
        XCTAssertEqual(rec.sleeps, [3])
    }

    func testForbiddenWithoutRateLimitIsNotRetried() throws {
        try forge.fault(method: "POST", path: "/pulls$", status: 403, body: ["message": "Resource not accessible by integration"])
        XCTAssertThrowsError(try rec.service().openOrUpdate(request())) { error in
            let e = error as! ForgeError
            XCTAssertEqual(e.kind, .permission)
            XCTAssertTrue(e.message.contains("pull-requests: write"), e.message)
            XCTAssertTrue(e.message.contains("GITHUB_TOKEN"), e.message)
            assertNoCanary(texts(of: e))
        }
        XCTAssertTrue(rec.sleeps.isEmpty)
    }

    func testBadCredentials() throws {
        XCTAssertThrowsError(try rec.service().openOrUpdate(request { $0.token = "ghp_wrongwrongwrong" })) { error in
            let e = error as! ForgeError
            XCTAssertEqual(e.kind, .authentication)
            XCTAssertTrue(e.message.contains("Bad credentials"), e.message)
            XCTAssertFalse(e.message.contains("ghp_wrongwrongwrong"))
        }
        XCTAssertEqual(try forge.requests().count, 1)
    }

    func testRepositoryNotFound() throws {
        XCTAssertThrowsError(try rec.service().openOrUpdate(request { $0.project = "octo/missing" })) { error in
            let e = error as! ForgeError
            XCTAssertEqual(e.kind, .notFound)
            XCTAssertTrue(e.message.contains("'octo/missing'"), e.message)
            assertNoCanary(texts(of: e))
        }
        XCTAssertTrue(rec.sleeps.isEmpty)
    }

    func testServerErrorThenSuccess() throws {
        try forge.fault(method: "PATCH", path: "/pulls/1$", status: 500, times: 1)
        _ = try rec.service().openOrUpdate(request())
        let r = try rec.service().openOrUpdate(request { $0.title = "changed" })
        XCTAssertTrue(r.updated)
        XCTAssertEqual(try forge.requests().filter { $0.method == "PATCH" }.count, 2)
        XCTAssertEqual(rec.sleeps, [1])
    }

    func testAutoMergeNotAllowedIsAWarning() throws {
        try forge.reset(["github_repo_settings": ["octo/config": ["allow_auto_merge": false]]])
        let result = try rec.service().openOrUpdate(request { $0.options.autoMerge = true })
        XCTAssertTrue(result.created)
        XCTAssertEqual(result.autoMergeEnabled, false)
        XCTAssertEqual(result.warnings.count, 2)  // and the plain-http one
        XCTAssertTrue(result.warnings[0].contains("not allowed"), result.warnings[0])
        assertNoCanary([result.url] + result.warnings)
        XCTAssertEqual((try forge.requests()).last?.json["variables"].flatMap { ($0 as? [String: Any])?["mergeMethod"] as? String }, "MERGE")
    }

    func testGHESStylePrefixUsesApiGraphql() throws {
        forge.stop()
        forge = try FakeForge(token: canary, githubPrefix: "/api/v3", graphqlPath: "/api/graphql")
        let result = try rec.service().openOrUpdate(request { $0.apiURL = forge.baseURL + "/api/v3"; $0.options.autoMerge = true })
        XCTAssertEqual(result.autoMergeEnabled, true)
        let reqs = try forge.requests()
        assertClean(reqs)
        XCTAssertEqual(reqs.map(\.path), ["/api/v3/repos/octo/config/pulls", "/api/v3/repos/octo/config/pulls", "/api/graphql"])
    }

    func testErrorBodiesEchoingTheTokenAreRedacted() throws {
        try forge.fault(method: "POST", path: "/pulls$", status: 422,
                        body: ["message": "Validation Failed", "errors": [["message": "head \(canary) invalid"]]])
        XCTAssertThrowsError(try rec.service().openOrUpdate(request())) { error in
            let e = error as! ForgeError
            XCTAssertEqual(e.status, 422)
            XCTAssertTrue(e.message.contains(redactionMask), e.message)
            assertNoCanary(texts(of: e))
        }
    }
}
