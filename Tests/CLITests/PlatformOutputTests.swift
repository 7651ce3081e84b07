import Foundation
import XCTest
import TestSupport

/// What reaches a CI log and the CI outputs: the truth on failure, and nothing a file name can inject.
final class PlatformOutputTests: XCTestCase {
    let app = SampleApp.image
    let token = "outputs-token-5e7a90"

    func values(_ text: String) -> [String: String] {
        Dictionary(text.split(separator: "\n").map { l in
            let kv = l.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(kv[0]), kv.count > 1 ? String(kv[1]) : "")
        }, uniquingKeysWith: { _, last in last })
    }

    func testOutputsAfterAFailedMergeRequestSayWhatHappened() throws {
        let server = try GitDaemonRepo(files: ["apps/app/kustomization.yaml": SampleApp.overlay("1.0.0")], name: "team/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: token)
        defer { forge.stop() }
        let cwd = try Fixtures.scratch()
        let out = cwd.appendingPathComponent("output"), summary = cwd.appendingPathComponent("summary")
        try Data().write(to: out); try Data().write(to: summary)
        let env = ["IMAGEBUMP_TOKEN": token, "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": out.path, "GITHUB_STEP_SUMMARY": summary.path]
        // the checks before the push pass, the bot branch is pushed, then creating the pull request fails
        try forge.reset(["github_repos": ["team/config"]])
        try forge.fault(method: "POST", path: "/pulls$", status: 422, body: ["message": "Validation Failed"])
        let r = try CLI.run(["set", "--pull-request", "--repo", server.url, "--forge", "github", "--api-url", forge.baseURL,
                             "--dotenv", "out.env", "\(app):2.0"], in: cwd, env: env)
        XCTAssertEqual(r.status, 1, r.stderr)
        let gh = Dictionary(try GitHubRunner.outputs(try String(contentsOf: out, encoding: .utf8)), uniquingKeysWith: { _, last in last })
        let branch = try XCTUnwrap(gh["branch"])
        let pushed = try server.git(["rev-parse", branch]).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(gh["changed"], "true")
        XCTAssertEqual(gh["commit"], pushed)
        XCTAssertEqual(gh["status"], "failed")
        XCTAssertFalse(gh["error", default: ""].isEmpty)
        XCTAssertEqual(gh["pr-url"], "")
        let dotenv = values(try String(contentsOf: cwd.appendingPathComponent("out.env"), encoding: .utf8))
        XCTAssertEqual(dotenv["IMAGEBUMP_COMMIT"], pushed)
        XCTAssertEqual(dotenv["IMAGEBUMP_BRANCH"], branch)
        XCTAssertEqual(dotenv["IMAGEBUMP_STATUS"], "failed")
        XCTAssertEqual(dotenv["IMAGEBUMP_CHANGED"], "true")
        let md = try String(contentsOf: summary, encoding: .utf8)
        XCTAssertTrue(md.contains("**Failed:**"), md)
        XCTAssertFalse(md.contains("Already up to date"), md)
        XCTAssertTrue(md.contains("Commit `\(pushed)` pushed to `\(branch)`"), md)
        let leaks = (r.stdout + r.stderr).split(separator: "\n").filter { $0.contains(token) && $0 != "::add-mask::\(token)" }
        XCTAssertEqual(leaks, [], "the token only in the ::add-mask:: line")
        XCTAssertFalse(md.contains(token) || gh.values.contains { $0.contains(token) })
    }

    func testAFileNameCannotInjectAWorkflowCommandOrBreakTheDiff() throws {
        let repo = try Fixtures.scratch()
        let evil = "evil\n::warning title=injected::x\n.yaml"
        try Fixtures.write(SampleApp.overlay("1.0.0"), to: repo.appendingPathComponent("apps/" + evil))
        let out = repo.appendingPathComponent("gh-output"), summary = repo.appendingPathComponent("gh-summary")
        let env = ["GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": out.path, "GITHUB_STEP_SUMMARY": summary.path, "NO_COLOR": "1"]
        for args in [["--dry-run"], [], ["-f", "apps/nothing-here.yaml"]] {
            let r = try CLI.run(["set"] + args + ["\(app):2.0"], in: repo, env: env)
            for line in (r.stdout + r.stderr).split(separator: "\n") where line.hasPrefix("::") {
                XCTAssertTrue(line.hasPrefix("::error"), "only imagebump's own commands start a line: \(line)")
                XCTAssertFalse(line.contains("\n"))
            }
            XCTAssertFalse((r.stdout + r.stderr).contains("\n::warning"), "\(args): \(r.stdout)\(r.stderr)")
        }
        let dry = try CLI.run(["set", "--dry-run", "\(app):3.0"], in: repo, env: ["NO_COLOR": "1"])
        XCTAssertTrue(dry.stdout.hasPrefix("--- \"a/apps/evil\\n::warning title=injected::x\\n.yaml\"\n+++ \"b/apps/evil\\n"), dry.stdout)
        let md = try String(contentsOf: summary, encoding: .utf8)
        XCTAssertFalse(md.contains("\n::"), md)
        XCTAssertTrue(md.contains("`\"apps/evil\\n::warning title=injected::x\\n.yaml\"`"), md)
    }
}
