import Foundation
import TestSupport
import XCTest

/// `imagebump update` as a team's scheduled bot runs it: two apps in dev (pushed) and production (behind a merge
/// request, imagebump.yaml `mode: merge-request`), a real registry, git daemon and the fake GitLab. The first run
/// pushes dev's bump to main and opens one MR for production; a second run (nothing new in the registry) pushes
/// nothing and opens no second MR; a third, after a newer release, updates that same MR.
final class UpdateTeamTests: XCTestCase {
    func testScheduledUpdatePushesDevAndOpensOneMergeRequestForProduction() throws {
        let s = try RegistryFixture(test: self) // team/api 1.2.0, team/web 2.0.0 (an index)
        for tag in ["1.3.0-rc.1", "1.3.0", "2.0.0"] { try s.registry.push("team/api", tag: tag) }
        let overlay = { (api: String, web: String) in "images:\n- name: \(s.api)\n  newTag: \(api)\n- name: \(s.web)\n  newTag: \(web)\n" }
        let config = """
        environments:
          dev:
            files: [apps/dev]
          production:
            files: [apps/production]
            mode: merge-request

        """
        let token = "canary-token-update-team-7e2a"
        let repo = try GitDaemonRepo(files: ["imagebump.yaml": config,
                                             "apps/dev/kustomization.yaml": overlay("1.2.0", "2.0.0"),
                                             "apps/production/kustomization.yaml": overlay("1.2.0", "2.0.0")],
                                     name: "team/config.git")
        addTeardownBlock { repo.stop() }
        let forge = try FakeForge(token: token)
        addTeardownBlock { forge.stop() }
        try forge.reset(["gitlab_projects": ["team/config"]])
        let env = s.env.merging(["IMAGEBUMP_TOKEN": token]) { $1 }
        let work = try Fixtures.scratch("update-team")
        let args = ["update", "--env", "dev,production", "--semver", ">=1.2 <2", "--repo", repo.url, "--push",
                    "--forge", "gitlab", "--api-url", forge.baseURL + "/api/v4", "--output", "json"] + s.auth
        let mergeRequestPosts = { try forge.requests().filter { $0.method == "POST" && $0.path.hasSuffix("/merge_requests") }.count }

        let first = try CLI.run(args, in: work, env: env)
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertFalse((first.stdout + first.stderr).contains(token), "token shown")
        XCTAssertEqual(try repo.file("apps/dev/kustomization.yaml"), overlay("1.3.0", "2.0.0"), "dev is pushed; web 2.0.0 is outside the range")
        XCTAssertEqual(try repo.file("apps/production/kustomization.yaml"), overlay("1.2.0", "2.0.0"), "production is not pushed to main")
        XCTAssertEqual(try mergeRequestPosts(), 1, "one MR, for production")
        let post = try XCTUnwrap(try forge.requests().first { $0.method == "POST" && $0.path.hasSuffix("/merge_requests") })
        let bot = try XCTUnwrap(post.json["source_branch"] as? String)
        XCTAssertEqual(post.json["target_branch"] as? String, "main")
        XCTAssertEqual(try repo.file("apps/production/kustomization.yaml", at: bot), overlay("1.3.0", "2.0.0"))
        XCTAssertEqual(try repo.git(["diff", "--name-only", "main", bot]).trimmingCharacters(in: .whitespacesAndNewlines), "apps/production/kustomization.yaml",
                       "the MR changes production only")

        let main1 = try repo.git(["rev-parse", "main"])
        let bot1 = try repo.git(["rev-parse", bot])
        let second = try CLI.run(args, in: work, env: env)
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        XCTAssertEqual(try repo.git(["rev-parse", "main"]), main1, "nothing new: no commit on main")
        XCTAssertEqual(try repo.git(["rev-parse", bot]), bot1, "nothing new: the bot branch is left as it is")
        XCTAssertEqual(try mergeRequestPosts(), 1, "no second MR")

        try s.registry.push("team/api", tag: "1.4.0")
        let third = try CLI.run(args, in: work, env: env)
        XCTAssertEqual(third.status, 0, third.stdout + third.stderr)
        XCTAssertEqual(try repo.file("apps/dev/kustomization.yaml"), overlay("1.4.0", "2.0.0"))
        XCTAssertEqual(try repo.file("apps/production/kustomization.yaml", at: bot), overlay("1.4.0", "2.0.0"),
                       "the open MR is updated to the newer release")
        XCTAssertEqual(try mergeRequestPosts(), 1, "the same MR, not a second")
        XCTAssertEqual(try repo.file("apps/production/kustomization.yaml"), overlay("1.2.0", "2.0.0"))
    }
}
