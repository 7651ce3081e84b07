import Foundation
import XCTest
@testable import Forge
import TestSupport
import Support

/// The open-MR marker lookup reads every page of the open MRs into the target branch, as the forges page lists:
/// GitLab by `page` and `X-Next-Page` (empty on the last page), or by keyset `Link` headers; GitHub by `Link`
/// rel="next". Only the first 100 were read, so a run behind 100 other open MRs opened a second MR for its key.
final class PaginationTests: FakeForgeTestCase {
    let key = MergeRequestKey(targetBranch: "main", scope: .environment("production"), images: ["registry.example.com/team/web"])

    /// 150 human MRs into main, then the run's own MR under an older branch name, found by its marker only: on page 2.
    func testAMarkedMergeRequestBeyondTheFirstPageIsFound() throws {
        for (kind, style) in [(ForgeKind.gitlab, "offset"), (.gitlab, "keyset"), (.github, "offset")] {
            try forge.reset(["pagination": style])
            let gitlab = kind == .gitlab
            let mine = "imagebump/an-older-name"
            for (branch, description, copies) in [("feature/human", "hand written", 150), (mine, "table\n\n" + key.marker + "\n", 1)] {
                _ = try forge.seed(gitlab
                    ? ["project": "group/sub/config", "source_branch": branch, "target_branch": "main", "title": "t", "description": description, "copies": copies]
                    : ["repo": "octo/config", "head": branch, "base": "main", "title": "t", "body": description, "copies": copies])
            }
            var r = MergeRequestRequest(forge: kind, apiURL: forge.baseURL + (gitlab ? "/api/v4" : ""),
                                        project: gitlab ? "group/sub/config" : "octo/config", sourceBranch: key.branch,
                                        targetBranch: "main", title: "t", description: "d", token: canary, key: key)
            r.tokenSource = gitlab ? "GITLAB_TOKEN" : "GITHUB_TOKEN"
            let found = try rec.service().preflight(r)
            XCTAssertEqual(found.existing?.sourceBranch, mine, "\(kind) \(style): found by its marker on page 2")
            XCTAssertEqual(found.existing?.number, 151, "\(kind) \(style)")
            XCTAssertEqual(found.warnings, [], "\(kind) \(style)")
            let lists = try forge.requests().filter { $0.method == "GET" && $0.path.hasSuffix(gitlab ? "/merge_requests" : "/pulls") && $0.query["head"] == nil && $0.query["source_branch"] == nil }
            XCTAssertEqual(lists.count, 2, "\(kind) \(style): two pages of 100")
            XCTAssertEqual(lists.map { $0.query["per_page"] ?? [] }, [["100"], ["100"]])
            XCTAssertEqual(lists.last?.query[style == "keyset" ? "id_after" : "page"], [style == "keyset" ? "100" : "2"], "\(kind) \(style)")
            XCTAssertEqual(lists.last?.query[gitlab ? "target_branch" : "base"], ["main"], "the next page keeps the filter")
            XCTAssertEqual(try forge.requests().flatMap(\.violations), [], "\(kind) \(style)")
        }
    }

    func testNextLinkParsing() {
        XCTAssertEqual(Pages.nextTarget(#"<https://h/api?page=1>; rel="prev", <https://h/api?page=3&per_page=100>; rel="next", <https://h/api?page=9>; rel="last""#),
                       "https://h/api?page=3&per_page=100")
        XCTAssertEqual(Pages.nextTarget(#"<https://h/a?id_after=42>; rel="next""#), "https://h/a?id_after=42")
        XCTAssertEqual(Pages.nextTarget(#"<https://h/a?x=1>; rel="last", <https://h/a?x=2>; REL="first next""#), "https://h/a?x=2")
        XCTAssertNil(Pages.nextTarget(#"<https://h/a?page=1>; rel="prev""#))
        XCTAssertNil(Pages.nextTarget("garbage"))
        XCTAssertEqual(APIClient.setting("page", to: "3", in: "https://h/a?state=opened&page=2&per_page=100"), "https://h/a?state=opened&per_page=100&page=3")
        XCTAssertEqual(APIClient.setting("page", to: "2", in: "https://h/a"), "https://h/a?page=2")
    }

    /// What the server sends is the server's: a next page on another origin is not followed (the token would go
    /// there), a page that points back to itself ends the walk, and more than `maxPages` pages are not read.
    func testPagesAreBoundedAndStayOnTheAPIOrigin() throws {
        let client = GitLabClient(apiURL: forge.baseURL + "/api/v4", project: "group/sub/config", token: canary,
                                  transport: CurlTransport(), retry: rec.policy())
        try forge.fault(method: "GET", path: "/merge_requests$", status: 200,
                        headers: ["Link": #"<http://127.0.0.2:1/steal?page=2>; rel="next""#], body: [Any]())
        XCTAssertThrowsError(try client.openMergeRequests(targetBranch: "main")) { e in
            XCTAssertTrue("\(e)".contains("named a next page on another origin"), "\(e)")
        }
        XCTAssertEqual(try forge.requests().count, 1, "nothing sent elsewhere, nor asked again")

        try forge.reset()
        _ = try forge.seed(["project": "group/sub/config", "source_branch": "f", "target_branch": "main", "title": "t", "copies": 5])
        let api = client.api
        let few = try api.allPages(forge.baseURL + "/api/v4/projects/group%2Fsub%2Fconfig/merge_requests?target_branch=main&state=opened&per_page=2",
                                   what: "list", maxPages: 2)
        XCTAssertEqual(few.items.count, 4)
        XCTAssertFalse(few.complete)
        let all = try api.allPages(forge.baseURL + "/api/v4/projects/group%2Fsub%2Fconfig/merge_requests?target_branch=main&state=opened&per_page=2",
                                   what: "list", maxPages: 3)
        XCTAssertEqual(all.items.count, 5)
        XCTAssertTrue(all.complete)
    }
}
