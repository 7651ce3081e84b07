import Foundation
import XCTest
import TestSupport

/// A CI job's forge, API and job token belong to the config repository only when it is on the job's own server.
/// The job's "GitLab" is a recording fake forge on 127.0.0.2 (CI_SERVER_HOST, CI_API_V4_URL); the config repository
/// is a git daemon on 127.0.0.1, another host. The job's API used to get the merge request, with the config
/// repository's token and project path, and CI_JOB_TOKEN went to whichever host the repository was on.
final class CIServerHostTests: XCTestCase {
    let canary = "canary-token-5b0c93e7"
    let jobToken = "job-token-71f2c4d8"
    let app = "registry.example.com/team/sample-app"
    let overlay = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: registry.example.com/team/sample-app\n    newTag: \"1.0.0\"\n"

    var ciForge: FakeForge!

    override func setUpWithError() throws {
        ciForge = try FakeForge(token: canary, jobToken: jobToken, bind: "127.0.0.2")
        try ciForge.reset(["gitlab_projects": ["team/config"]])
    }

    override func tearDown() { ciForge?.stop() }

    func gitLabJob(_ extra: [String: String] = [:]) -> [String: String] {
        ["GITLAB_CI": "true", "CI_SERVER_HOST": "127.0.0.2", "CI_API_V4_URL": ciForge.baseURL + "/api/v4",
         "CI_JOB_URL": "http://127.0.0.2/team/app/-/jobs/5", "CI_JOB_NAME": "bump"].merging(extra) { _, new in new }
    }

    func mergeRequest(_ server: GitDaemonRepo, _ extra: [String] = [], env: [String: String]) throws -> CLIResult {
        try CLI.run(["set", "--merge-request", "--repo", server.url] + extra + ["-f", "k", "\(app):2.0"], in: try Fixtures.scratch(), env: env)
    }

    /// Nothing pushed: main as seeded and no other branch.
    func assertNothingPushed(_ server: GitDaemonRepo, _ seeded: String, _ context: String) throws {
        XCTAssertEqual(try server.git(["for-each-ref", "--format=%(refname)"]), "refs/heads/main\n", context)
        XCTAssertEqual(try server.git(["rev-parse", "main"]), seeded, context)
    }

    /// Without --forge the repository's host (127.0.0.1: not gitlab.* / github.*) cannot say which forge it is and
    /// the job's platform no longer answers for it: a clear error before anything is pushed or requested.
    func testARepositoryOnAnotherHostGetsNeitherTheJobsForgeNorItsAPI() throws {
        let server = try GitDaemonRepo(files: ["k/kustomization.yaml": overlay], name: "team/config.git")
        defer { server.stop() }
        let seeded = try server.git(["rev-parse", "main"])
        let r = try mergeRequest(server, env: gitLabJob(["IMAGEBUMP_TOKEN": canary, "CI_JOB_TOKEN": jobToken]))
        XCTAssertNotEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("the repository is not on the server running this job"), r.stderr)
        XCTAssertTrue(r.stderr.contains("pass --forge gitlab|github"), r.stderr)
        XCTAssertEqual(try ciForge.requests().count, 0, "the job's API got a request for another host's repository")
        XCTAssertFalse((r.stdout + r.stderr).contains(canary) || (r.stdout + r.stderr).contains(jobToken), "token shown")
        try assertNothingPushed(server, seeded, "failed before the push")
    }

    /// With --forge and --api-url naming the repository's own forge, the merge request goes there with the
    /// repository's token; the job's API gets nothing.
    func testTheRepositorysOwnForgeGetsTheMergeRequest() throws {
        let repoForge = try FakeForge(token: canary)
        defer { repoForge.stop() }
        try repoForge.reset(["gitlab_projects": ["team/config"]])
        let server = try GitDaemonRepo(files: ["k/kustomization.yaml": overlay], name: "team/config.git")
        defer { server.stop() }
        let r = try mergeRequest(server, ["--forge", "gitlab", "--api-url", repoForge.baseURL + "/api/v4"],
                                 env: gitLabJob(["IMAGEBUMP_TOKEN": canary, "CI_JOB_TOKEN": jobToken]))
        XCTAssertEqual(r.status, 0, r.stderr)
        let reqs = try repoForge.requests()
        XCTAssertTrue(reqs.contains { $0.method == "POST" && $0.path == "/api/v4/projects/team/config/merge_requests" }, "\(reqs.map(\.path))")
        XCTAssertTrue(reqs.allSatisfy { $0.headers["private-token"] == canary && $0.headers["job-token"] == nil })
        XCTAssertEqual(try ciForge.requests().count, 0, "the job's API got a request")
    }

    /// CI_JOB_TOKEN is valid on the job's GitLab only: for a repository elsewhere it is no token at all, so the run
    /// stops before pushing and says why; neither the repository's forge nor the job's gets a request.
    func testTheJobTokenIsNotSentToAnotherHost() throws {
        let repoForge = try FakeForge(token: canary, jobToken: jobToken)
        defer { repoForge.stop() }
        try repoForge.reset(["gitlab_projects": ["team/config"]])
        let server = try GitDaemonRepo(files: ["k/kustomization.yaml": overlay], name: "team/config.git")
        defer { server.stop() }
        let seeded = try server.git(["rev-parse", "main"])
        let r = try mergeRequest(server, ["--forge", "gitlab", "--api-url", repoForge.baseURL + "/api/v4"],
                                 env: gitLabJob(["CI_JOB_TOKEN": jobToken]))
        XCTAssertNotEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("CI_JOB_TOKEN is only sent to the job's own GitLab, not to 127.0.0.1"), r.stderr)
        XCTAssertEqual(try repoForge.requests().count, 0, "the job token went to another host")
        XCTAssertEqual(try ciForge.requests().count, 0)
        XCTAssertFalse((r.stdout + r.stderr).contains(jobToken), "token shown")
        try assertNothingPushed(server, seeded, "no token: nothing pushed")
    }

    /// The control: a repository on the job's own server (127.0.0.2) gets the job's forge, API and job token, so
    /// the recording server above does see what is sent to it.
    func testARepositoryOnTheJobsServerUsesTheJobsAPIAndJobToken() throws {
        let server = try GitDaemonRepo(files: ["k/kustomization.yaml": overlay], name: "team/config.git", host: "127.0.0.2")
        defer { server.stop() }
        let r = try mergeRequest(server, env: gitLabJob(["CI_JOB_TOKEN": jobToken]))
        XCTAssertEqual(r.status, 0, r.stderr)
        let reqs = try ciForge.requests()
        XCTAssertTrue(reqs.contains { $0.method == "POST" && $0.path == "/api/v4/projects/team/config/merge_requests" }, "\(reqs.map(\.path))")
        XCTAssertTrue(reqs.allSatisfy { $0.headers["job-token"] == jobToken }, "every call with the job token")
        XCTAssertFalse((r.stdout + r.stderr).contains(jobToken), "token shown")
    }
}
