import Foundation
import XCTest
import TestSupport

/// A config repo with a staging and a production overlay of the sample app on a git daemon, and the fake forge
/// (GitLab or GitHub) its merge requests go to: the setup of the merge request identity and safety tests.
final class MergeRequestFixture {
    static let staging = "apps/app/overlays/staging"
    static let production = "apps/app/overlays/production"
    let canary = "canary-token-mr-4c1d"
    let gitlab: Bool
    let server: GitDaemonRepo
    let forge: FakeForge
    let cwd: URL
    var project: String { gitlab ? "team/config" : "octo/config" }

    init(gitlab: Bool = true, tag: String = "1.0.0", logRequests: Bool = false) throws {
        self.gitlab = gitlab
        server = try GitDaemonRepo(files: [Self.staging + "/kustomization.yaml": SampleApp.overlay(tag),
                                           Self.production + "/kustomization.yaml": SampleApp.overlay(tag)],
                                   name: (gitlab ? "team/config" : "octo/config") + ".git", logRequests: logRequests)
        forge = try FakeForge(token: canary)
        try forge.reset(gitlab ? ["gitlab_projects": ["team/config"]] : ["github_repos": ["octo/config"]])
        cwd = try Fixtures.scratch()
    }

    func stop() { forge.stop(); server.stop() }

    var env: [String: String] { ["IMAGEBUMP_TOKEN": canary] }

    /// `set --merge-request` of `tags` into `-f path` (output JSON), with `extra` arguments.
    func run(_ specs: [String], path: String? = production, repo: String? = nil, _ extra: [String] = []) throws -> CLIResult {
        let api = gitlab ? ["--forge", "gitlab", "--api-url", forge.baseURL + "/api/v4"] : ["--forge", "github", "--api-url", forge.baseURL]
        let files = path.map { ["-f", $0] } ?? []
        let r = try CLI.run(["set", "--merge-request", "--repo", repo ?? server.url, "--output", "json"] + api + files + extra + specs,
                            in: cwd, env: env)
        XCTAssertFalse(r.stdout.contains(canary) || r.stderr.contains(canary), "token shown")
        return r
    }

    func bump(_ tag: String, path: String? = production, repo: String? = nil, _ extra: [String] = []) throws -> CLIResult {
        try run(["\(SampleApp.image):\(tag)"], path: path, repo: repo, extra)
    }

    static func json(_ r: CLIResult) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
    }

    /// Pushes `tag` to `path` on main directly, as a person or another pipeline would.
    func pushDirectly(_ tag: String, path: String = production) throws {
        let seed = try Fixtures.scratch("seed")
        try Git.run(["clone", "-q", server.url, seed.path])
        try Fixtures.write(SampleApp.overlay(tag), to: seed.appendingPathComponent(path + "/kustomization.yaml"))
        try Git.run(["-C", seed.path, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qam", "direct \(tag)"])
        try Git.run(["-C", seed.path, "push", "-q", "origin", "main"])
    }

    func branches() throws -> [String] {
        try server.git(["for-each-ref", "--format=%(refname:short)", "refs/heads"]).split(separator: "\n").map(String.init)
    }

    func mergeRequests() throws -> [[String: Any]] {
        gitlab ? try forge.mergeRequests(gitlab: project) : try forge.mergeRequests(github: project)
    }

    func requests() throws -> [Recorded] {
        let reqs = try forge.requests()
        XCTAssertEqual(reqs.flatMap(\.violations), [], "requests the real API would refuse")
        return reqs
    }
}
