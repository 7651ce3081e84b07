import Foundation
import XCTest
import TestSupport

/// A config repo in a real bare git repository behind the fake forge's repository emulator (GitLab or GitHub), and
/// `imagebump set --via api` run against it as a user would: the setup of the API-commit mode tests.
final class APIModeFixture: @unchecked Sendable {
    let canary = "canary-token-api-7f3e"
    let gitlab: Bool
    let repo: BareRepo
    let forge: FakeForge
    let cwd: URL
    var project: String { gitlab ? "team/config" : "octo/config" }
    /// The repository's web URL: the project path is read from it, nothing is cloned from it.
    var repoURL: String { forge.baseURL + "/" + project + ".git" }
    var apiURL: String { gitlab ? forge.baseURL + "/api/v4" : forge.baseURL }

    init(gitlab: Bool, files: [String: String], executables: [String: String] = [:], symlinks: [String: String] = [:],
         submodules: [String: String] = [:]) throws {
        self.gitlab = gitlab
        repo = try BareRepo(files: files, executables: executables, symlinks: symlinks, submodules: submodules)
        forge = try FakeForge(token: canary, repos: [gitlab ? "team/config" : "octo/config": repo.path])
        try forge.reset(gitlab ? ["gitlab_projects": ["team/config"]] : ["github_repos": ["octo/config"]])
        cwd = try Fixtures.scratch()
    }

    func stop() { forge.stop() }

    var env: [String: String] { ["IMAGEBUMP_TOKEN": canary] }

    /// `imagebump set --via api` with `args` (a mode, -f, specs), output JSON; the token is never shown.
    func run(_ args: [String], via: String = "api") throws -> CLIResult {
        let r = try CLI.run(["set", "--via", via, "--repo", repoURL, "--forge", gitlab ? "gitlab" : "github", "--api-url", apiURL,
                             "--output", "json"] + args, in: cwd, env: env)
        XCTAssertFalse(r.stdout.contains(canary) || r.stderr.contains(canary), "token shown")
        return r
    }

    static func json(_ r: CLIResult) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
    }

    func requests() throws -> [Recorded] {
        let reqs = try forge.requests().filter { !$0.path.hasPrefix("/__control") }
        XCTAssertEqual(reqs.flatMap(\.violations), [], "requests the real API would refuse")
        return reqs
    }
}
