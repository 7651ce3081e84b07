import Foundation
import XCTest
import TestSupport

/// `set --via api` against the forge behaviours a small repository never shows: GitHub's cached REST ref lagging the
/// branch, a directory longer than one GitLab tree page, a GitHub recursive tree cut off by `truncated`, and a rate
/// limit on the commit call. The real binary, the fake forge's repository emulator, a real bare repo.
final class APIModeFidelityTests: XCTestCase {
    static let production = "apps/app/overlays/production/kustomization.yaml"
    static let staging = "apps/app/overlays/staging/kustomization.yaml"

    func files(padding: Int = 0) -> [String: String] {
        var f = [Self.production: SampleApp.overlay("1.0.0"), Self.staging: SampleApp.overlay("1.0.0")]
        // sorted before kustomization.yaml, so the file to edit is on a later page than the first
        for i in 0..<padding { f["apps/app/overlays/production/a\(String(format: "%03d", i)).yaml"] = "kind: ConfigMap\n" }
        return f
    }

    /// GitHub's REST ref is served from a cache that still names the old head; the head the commit is made on must
    /// come from GraphQL, or every createCommitOnBranch is STALE_DATA.
    func testGitHubCommitsOnTheCurrentHeadWhileTheRESTRefLags() throws {
        let fx = try APIModeFixture(gitlab: false, files: files())
        defer { fx.stop() }
        defer { XCTAssertNoThrow(try fx.repo.fsck(), "the repository stays sound") }
        try fx.forge.repoSettings(refLagSeconds: 600)
        let theirs = try fx.forge.pushAsOther(fx.project, files: [Self.staging: SampleApp.overlay("1.5.0")])
        let r = try fx.run(["--push", "-f", "apps/app/overlays/production", "\(SampleApp.image):2.0.0"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual(try APIModeFixture.json(r)["attempts"] as? Int, 1)
        XCTAssertEqual(try fx.repo.log("main").dropFirst().first, theirs, "made on the head GraphQL named")
        XCTAssertEqual(try fx.repo.read(Self.staging), SampleApp.overlay("1.5.0"))
        XCTAssertEqual(try fx.repo.read(Self.production), SampleApp.overlay("2.0.0"))
    }

    /// Merge request mode while the REST ref lags: the bot branch is made from the current head and the MR opened.
    func testGitHubMergeRequestWhileTheRESTRefLags() throws {
        let fx = try APIModeFixture(gitlab: false, files: files())
        defer { fx.stop() }
        defer { XCTAssertNoThrow(try fx.repo.fsck(), "the repository stays sound") }
        try fx.forge.repoSettings(refLagSeconds: 600)
        let theirs = try fx.forge.pushAsOther(fx.project, files: [Self.staging: SampleApp.overlay("1.5.0")])
        let r = try fx.run(["--merge-request", "-f", "apps/app/overlays/production", "\(SampleApp.image):2.0.0"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let branch = try XCTUnwrap(try APIModeFixture.json(r)["branch"] as? String)
        XCTAssertEqual(try fx.repo.log(branch).dropFirst().first, theirs)
        XCTAssertEqual(try fx.forge.mergeRequests(github: fx.project).count, 1)
        let again = try fx.run(["--merge-request", "-f", "apps/app/overlays/production", "\(SampleApp.image):2.0.1"])
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertEqual(try fx.repo.read(Self.production, at: branch), SampleApp.overlay("2.0.1"))
        XCTAssertEqual(try fx.forge.mergeRequests(github: fx.project).count, 1)
    }

    /// A -f directory of 151 files is two GitLab tree pages (100 a page, keyset): the file on the second is edited.
    func testGitLabFollowsTreePagesToAFileOnTheSecond() throws {
        let fx = try APIModeFixture(gitlab: true, files: files(padding: 150))
        defer { fx.stop() }
        defer { XCTAssertNoThrow(try fx.repo.fsck(), "the repository stays sound") }
        let r = try fx.run(["--push", "-f", "apps/app/overlays/production", "\(SampleApp.image):2.0.0"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual(try fx.repo.read(Self.production), SampleApp.overlay("2.0.0"))
        let trees = try fx.requests().filter { $0.path.hasSuffix("/repository/tree") }
        XCTAssertGreaterThanOrEqual(trees.count, 2)
        XCTAssertTrue(trees.contains { $0.query["page_token"] != nil }, "the second page was asked for by its token")
        XCTAssertTrue(trees.allSatisfy { $0.query["pagination"] == ["keyset"] })
    }

    /// GitHub cuts a recursive tree off past its limit (`truncated: true`); the run reads the directory level by
    /// level instead and edits every file under it.
    func testGitHubReadsATruncatedTreeLevelByLevel() throws {
        let fx = try APIModeFixture(gitlab: false, files: files())
        defer { fx.stop() }
        defer { XCTAssertNoThrow(try fx.repo.fsck(), "the repository stays sound") }
        try fx.forge.repoSettings(treeLimit: 2)
        let r = try fx.run(["--push", "-f", "apps", "\(SampleApp.image):2.0.0"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual(try fx.repo.read(Self.production), SampleApp.overlay("2.0.0"))
        XCTAssertEqual(try fx.repo.read(Self.staging), SampleApp.overlay("2.0.0"))
        XCTAssertEqual(try fx.repo.log("main").count, 2, "one commit for both files")
        let trees = try fx.requests().filter { $0.path.contains("/git/trees/") }
        XCTAssertTrue(trees.contains { $0.query["recursive"] == nil } && trees.contains { $0.query["recursive"] != nil }, "\(trees.map(\.query))")
    }

    /// The commit lands but its answer is lost (a 502 from the gateway): the run must not commit the change twice.
    func testACommitWhoseAnswerWasLostIsNotMadeTwice() throws {
        for gitlab in [true, false] {
            let fx = try APIModeFixture(gitlab: gitlab, files: files())
            defer { fx.stop() }
        defer { XCTAssertNoThrow(try fx.repo.fsck(), "the repository stays sound") }
            defer { XCTAssertNoThrow(try fx.repo.fsck(), "the repository stays sound") }
            try fx.forge.loseAnswer(path: gitlab ? "/repository/commits$" : "^/graphql$", graphql: gitlab ? nil : "createCommitOnBranch")
            let r = try fx.run(["--push", "-f", "apps/app/overlays/production", "\(SampleApp.image):2.0.0"])
            XCTAssertEqual(try fx.repo.read(Self.production), SampleApp.overlay("2.0.0"), "\(gitlab)")
            XCTAssertEqual(try fx.forge.emulatedCommits().count, 1, "\(gitlab): committed once: \(r.stdout)\n\(r.stderr)")
            XCTAssertEqual(try fx.repo.log("main").count, 2, "\(gitlab)")
            XCTAssertEqual(r.status, 0, "\(gitlab): the retry finds its change in place: \(r.stdout)\n\(r.stderr)")
        }
    }

    /// A rate limit on the commit call (429 with Retry-After) is waited out; the commit lands once.
    func testARateLimitedCommitIsRetriedAndLandsOnce() throws {
        for gitlab in [true, false] {
            let fx = try APIModeFixture(gitlab: gitlab, files: files())
            defer { fx.stop() }
        defer { XCTAssertNoThrow(try fx.repo.fsck(), "the repository stays sound") }
            defer { XCTAssertNoThrow(try fx.repo.fsck(), "the repository stays sound") }
            let limited: [String: Any] = ["message": "API rate limit exceeded"]
            if gitlab {
                try fx.forge.fault(method: "POST", path: "/repository/commits$", status: 429, headers: ["Retry-After": "1"], body: limited)
            } else {
                try fx.forge.post("/__control/faults", ["path": "^/graphql$", "graphql": "createCommitOnBranch", "status": 429,
                                                        "headers": ["Retry-After": "1"], "body": limited] as [String: Any])
            }
            let r = try fx.run(["--push", "-f", "apps/app/overlays/production", "\(SampleApp.image):2.0.0"])
            XCTAssertEqual(r.status, 0, "\(gitlab): \(r.stdout)\n\(r.stderr)")
            XCTAssertEqual(try fx.repo.log("main").count, 2, "\(gitlab): one commit")
            XCTAssertEqual(try fx.forge.emulatedCommits().count, 1)
            let commitCalls = try fx.requests().filter {
                gitlab ? $0.path.hasSuffix("/repository/commits") : ($0.json["query"] as? String ?? "").contains("createCommitOnBranch")
            }
            XCTAssertEqual(commitCalls.count, 2, "\(gitlab): the limited call and its retry")
        }
    }
}
