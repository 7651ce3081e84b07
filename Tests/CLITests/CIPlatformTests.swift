import Foundation
import XCTest
import TestSupport

/// Runs as the CI platforms start them: every answer about the job (author, trailers, description links, forge,
/// API, token kind) comes from the one reader, from the platform that runs the job.
final class CIPlatformTests: XCTestCase {
    let canary = "canary-token-8e2d4a61"
    let app = SampleApp.image

    /// A GitHub Actions job whose environment also carries GitLab's variables (exported by a workflow, say):
    /// the commit is by the GitHub actor with GitHub's trailers. The author used to be GitLab's user and the
    /// trailers GitLab's, while the forge and the outputs were GitHub's.
    func testAGitHubJobIsDescribedByGitHubsVariablesOnly() throws {
        let server = try GitDaemonRepo(files: ["k/kustomization.yaml": SampleApp.overlay("1.0.0")])
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        let env = ["GITHUB_ACTIONS": "true", "GITHUB_ACTOR": "octo", "GITHUB_ACTOR_ID": "583231",
                   "GITHUB_SERVER_URL": "https://github.example.test", "GITHUB_REPOSITORY": "octo/app", "GITHUB_SHA": "feedface",
                   "GITHUB_RUN_ID": "99",
                   "GITLAB_USER_NAME": "Jane Dev", "GITLAB_USER_EMAIL": "jane@example.test",
                   "CI_PROJECT_URL": "https://gitlab.example.test/team/app", "CI_COMMIT_SHA": "0123abcd",
                   "CI_PIPELINE_URL": "https://gitlab.example.test/team/app/-/pipelines/42"]
        let r = try CLI.run(["set", "--push", "--repo", server.url, "\(app):2.0"], in: cwd, env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try server.git(["log", "-1", "--format=%an <%ae>", "main"]), "octo <583231+octo@users.noreply.github.com>\n")
        let body = try server.git(["log", "-1", "--format=%B", "main"])
        XCTAssertTrue(body.contains("""
            Source-Repository: https://github.example.test/octo/app
            Source-Commit: feedface
            Source-Pipeline: https://github.example.test/octo/app/actions/runs/99
            """), body)
        XCTAssertFalse(body.contains("gitlab.example.test"), body)
        XCTAssertTrue(r.stderr.contains("::group::"), "a GitHub log group: \(r.stderr)")
    }

    /// GitLab's API takes its CI job token as JOB-TOKEN, any other token as PRIVATE-TOKEN. A token the user keeps in
    /// a variable whose name merely ends in CI_JOB_TOKEN is not the job token (it used to be sent as one).
    func testOnlyTheJobTokenVariableItselfIsSentAsAJobToken() throws {
        let forge = try FakeForge(token: canary, jobToken: "job-\(canary)")
        defer { forge.stop() }
        for (variable, value, header) in [("MY_CI_JOB_TOKEN", canary, "private-token"), ("CI_JOB_TOKEN", "job-\(canary)", "job-token")] {
            let server = try GitDaemonRepo(files: ["k/kustomization.yaml": SampleApp.overlay("1.0.0")], name: "team/config.git")
            defer { server.stop() }
            try forge.reset(["gitlab_projects": ["team/config"]])
            let cwd = try Fixtures.scratch()
            let env = [variable: value, "GITLAB_CI": "true", "CI_API_V4_URL": forge.baseURL + "/api/v4",
                       "CI_JOB_URL": "https://gitlab.example.test/team/app/-/jobs/5", "CI_JOB_NAME": "bump"]
            let r = try CLI.run(["set", "--merge-request", "--repo", server.url, "--token-env", variable, "-f", "k", "\(app):2.0"],
                                in: cwd, env: env)
            XCTAssertEqual(r.status, 0, "\(variable): \(r.stderr)")
            XCTAssertFalse(r.stdout.contains(value) || r.stderr.contains(value), "token shown")
            XCTAssertTrue(r.stderr.contains("section_start:"), "a GitLab log section: \(r.stderr)")
            let reqs = try forge.requests()
            XCTAssertFalse(reqs.isEmpty)
            XCTAssertTrue(reqs.allSatisfy { $0.headers[header] == value }, "\(variable): every call with \(header)")
            // the forge (GitLab, from the job), its API (CI_API_V4_URL) and the description's job link, from the job
            let description = reqs.first { $0.method == "POST" && $0.path.hasSuffix("/merge_requests") }?.json["description"] as? String ?? ""
            XCTAssertTrue(description.contains("- [Job bump](https://gitlab.example.test/team/app/-/jobs/5)"), description)
        }
    }
}
