import Foundation
import XCTest

/// Who a commit is by: --author, else whoever started the CI job, else a local checkout's git identity.
final class IdentityTests: XCTestCase {
    let app = SampleApp.image
    let ci = ["GITLAB_USER_NAME", "GITLAB_USER_EMAIL", "GITHUB_ACTOR", "GITHUB_ACTOR_ID", "GITHUB_ACTIONS", "GITLAB_CI"]

    func testALocalCommitUsesTheCheckoutsGitIdentity() throws {
        let server = try GitDaemonRepo(files: ["k/kustomization.yaml": SampleApp.overlay("1.0.0")])
        defer { server.stop() }
        let checkout = try Fixtures.scratch().appendingPathComponent("checkout")
        try Git.run(["clone", "-q", server.url, checkout.path])
        try Git.run(["-C", checkout.path, "config", "user.name", "Local Dev"])
        try Git.run(["-C", checkout.path, "config", "user.email", "local.dev@example.test"])
        let r = try CLI.runProgram(CLI.binary.path, ["set", "--commit", "-f", "k", "\(app):2.0"], in: checkout, unset: ci)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Git.output(["-C", checkout.path, "log", "-1", "--format=%an <%ae>"]), "Local Dev <local.dev@example.test>\n")
        let flag = try CLI.runProgram(CLI.binary.path, ["set", "--commit", "--author", "Bot <bot@example.test>", "-f", "k", "\(app):2.1"],
                                      in: checkout, unset: ci)
        XCTAssertEqual(flag.status, 0, flag.stderr)
        XCTAssertEqual(try Git.output(["-C", checkout.path, "log", "-1", "--format=%an <%ae>"]), "Bot <bot@example.test>\n")
    }

    func testOnGitHubActionsTheActorsIDNoreplyAddress() throws {
        let server = try GitDaemonRepo(files: ["k/kustomization.yaml": SampleApp.overlay("1.0.0")])
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        let r = try CLI.run(["set", "--push", "--repo", server.url, "\(app):2.0"], in: cwd,
                            env: ["GITHUB_ACTOR": "octo", "GITHUB_ACTOR_ID": "583231", "GITLAB_USER_NAME": ""])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try server.git(["log", "-1", "--format=%an <%ae>", "main"]), "octo <583231+octo@users.noreply.github.com>\n")
    }
}
