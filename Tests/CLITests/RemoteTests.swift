import Foundation
import XCTest
import TestSupport

/// `imagebump set --push / --merge-request` end to end: the real executables, a real git daemon, the loopback
/// fake forge API.
final class RemoteTests: XCTestCase {
    let canary = "canary-token-3b1f9e7c5d"
    let app = "registry.example.com/team/sample-app"

    func overlay(_ tag: String) -> String {
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n# deployed by CI\nimages:\n  - name: \(app)\n    newTag: \"\(tag)\" # bumped\n"
    }

    func assertNoCanary(_ r: CLIResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(r.stdout.contains(canary), "token in stdout", file: file, line: line)
        XCTAssertFalse(r.stderr.contains(canary), "token in stderr", file: file, line: line)
    }

    func testPushWithProvenanceThenNothingToDo() throws {
        let server = try GitDaemonRepo(files: ["apps/app/overlays/production/kustomization.yaml": overlay("1.0.0")])
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        let env = ["GITLAB_CI": "true", "CI_PROJECT_URL": "https://gitlab.example.test/team/app", "CI_COMMIT_SHA": "0123456789abcdef0123456789abcdef01234567",
                   "CI_PIPELINE_URL": "https://gitlab.example.test/team/app/-/pipelines/42", "GITLAB_USER_NAME": "Release Bot",
                   "GITLAB_USER_EMAIL": "release-bot@example.test", "IMAGEBUMP_TOKEN": canary]
        let r = try CLI.run(["set", "--push", "--repo", server.url, "-f", "apps/app/overlays/production", "--output", "json",
                             "--dotenv", "out.env", "\(app):1.20"], in: cwd, env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertNoCanary(r)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["pushed"] as? Bool, true)
        XCTAssertEqual(json["branch"] as? String, "main")
        XCTAssertEqual(json["attempts"] as? Int, 1)
        let sha = try server.git(["rev-parse", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(json["commit"] as? String, sha)
        XCTAssertEqual(try server.file("apps/app/overlays/production/kustomization.yaml"), overlay("1.20"))
        let message = try server.git(["log", "-1", "--format=%an <%ae>%n%B", "main"])
        XCTAssertTrue(message.hasPrefix("Release Bot <release-bot@example.test>\nchore(deploy): bump \(app):1.20\n"), message)
        XCTAssertTrue(message.contains("Source-Repository: https://gitlab.example.test/team/app"), message)
        XCTAssertTrue(message.contains("Source-Commit: 0123456789abcdef0123456789abcdef01234567"), message)
        XCTAssertTrue(message.contains("Source-Pipeline: https://gitlab.example.test/team/app/-/pipelines/42"), message)
        XCTAssertFalse(message.contains(canary))
        let dotenv = try String(contentsOf: cwd.appendingPathComponent("out.env"), encoding: .utf8)
        XCTAssertTrue(dotenv.contains("IMAGEBUMP_CHANGED=true\nIMAGEBUMP_COMMIT=\(sha)\nIMAGEBUMP_BRANCH=main\n"), dotenv)

        let again = try CLI.run(["set", "--push", "--repo", server.url, "-f", "apps/app/overlays/production", "\(app):1.20"], in: cwd, env: env)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("already up to date"), again.stdout)
        XCTAssertEqual(try server.git(["rev-parse", "main"]).trimmingCharacters(in: .whitespacesAndNewlines), sha, "no empty commit")
    }

    func testUnmatchedSpecPushesNothingAndCleansUp() throws {
        let server = try GitDaemonRepo(files: ["k/kustomization.yaml": overlay("1.0.0")])
        defer { server.stop() }
        let before = try server.git(["rev-parse", "main"])
        let tmp = try Fixtures.scratch()
        let r = try CLI.run(["set", "--push", "--repo", server.url, "-f", "k", "registry.example.com/typo:2"], in: tmp, env: ["TMPDIR": tmp.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no match for registry.example.com/typo"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Error:"), "one error message, not a second generic one: \(r.stderr)")
        XCTAssertEqual(try server.git(["rev-parse", "main"]), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), [], "temporary clone removed")
    }

    /// 20 pipelines bump 20 different images in the same file at the same moment: every one lands, history stays
    /// linear, the file ends with all 20 values.
    func testTwentyConcurrentPushesAllLand() throws {
        let n = 20
        var text = "images:\n"
        for i in 0..<n { text += "  - name: registry.example.com/svc\(i)\n    newTag: v1\n" }
        let server = try GitDaemonRepo(files: ["kustomization.yaml": text])
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        let results = Results(count: n)
        let url = server.url
        DispatchQueue.concurrentPerform(iterations: n) { i in
            let r = try? CLI.run(["set", "--push", "--repo", url, "--output", "json", "registry.example.com/svc\(i):v2"], in: cwd)
            results.set(i, r?.status ?? -1, (r?.stdout ?? "") + (r?.stderr ?? ""))
        }
        for i in 0..<n { XCTAssertEqual(results.status[i], 0, "pusher \(i) failed:\n\(results.output[i])") }
        print("20 concurrent pushers: attempts per pusher \(results.output.map { $0.components(separatedBy: "\"attempts\":").dropFirst().first?.prefix { $0.isNumber } ?? "?" })")
        let final = try server.file("kustomization.yaml")
        XCTAssertEqual(final, text.replacingOccurrences(of: "newTag: v1", with: "newTag: v2"))
        XCTAssertEqual(try server.git(["rev-list", "--count", "main"]).trimmingCharacters(in: .whitespacesAndNewlines), "\(n + 1)",
                       "one commit per pusher plus the seed")
        XCTAssertEqual(try server.git(["rev-list", "--merges", "--count", "main"]).trimmingCharacters(in: .whitespacesAndNewlines), "0",
                       "linear history: no merge commits")
    }

    func testMergeRequestOpenedThenUpdated() throws {
        let server = try GitDaemonRepo(files: ["apps/app/overlays/production/kustomization.yaml": overlay("1.0.0")], name: "team/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: canary)
        defer { forge.stop() }
        try forge.reset(["gitlab_projects": ["team/config"]])
        let cwd = try Fixtures.scratch()
        let env = ["IMAGEBUMP_TOKEN": canary, "GITLAB_CI": "true", "CI_API_V4_URL": forge.baseURL + "/api/v4",
                   "CI_PIPELINE_URL": "https://gitlab.example.test/team/app/-/pipelines/7"]
        let args = ["set", "--merge-request", "--repo", server.url, "--forge", "gitlab", "--api-url", forge.baseURL + "/api/v4",
                    "-f", "apps/app/overlays/production", "--label", "deploy", "--output", "json"]
        let r1 = try CLI.run(args + ["\(app):2.0.0"], in: cwd, env: env)
        XCTAssertEqual(r1.status, 0, r1.stderr)
        assertNoCanary(r1)
        let j1 = try JSONSerialization.jsonObject(with: Data(r1.stdout.utf8)) as! [String: Any]
        let mr1 = try XCTUnwrap(j1["mergeRequest"] as? [String: Any])
        XCTAssertEqual(mr1["created"] as? Bool, true)
        let branch = try XCTUnwrap(j1["branch"] as? String)
        XCTAssertTrue(branch.hasPrefix("imagebump/"), branch)
        XCTAssertEqual(try server.file("apps/app/overlays/production/kustomization.yaml", at: branch), overlay("2.0.0"))
        XCTAssertEqual(try server.file("apps/app/overlays/production/kustomization.yaml", at: "main"), overlay("1.0.0"), "main untouched")

        let r2 = try CLI.run(args + ["\(app):2.0.1"], in: cwd, env: env)
        XCTAssertEqual(r2.status, 0, r2.stderr)
        assertNoCanary(r2)
        let j2 = try JSONSerialization.jsonObject(with: Data(r2.stdout.utf8)) as! [String: Any]
        let mr2 = try XCTUnwrap(j2["mergeRequest"] as? [String: Any])
        XCTAssertEqual(mr2["created"] as? Bool, false)
        XCTAssertEqual(mr2["number"] as? Int, mr1["number"] as? Int, "the same merge request is updated")
        XCTAssertEqual(j2["branch"] as? String, branch)
        XCTAssertEqual(try server.file("apps/app/overlays/production/kustomization.yaml", at: branch), overlay("2.0.1"))
        let posts = try forge.requests().filter { $0.method == "POST" && $0.path.hasSuffix("/merge_requests") }
        XCTAssertEqual(posts.count, 1, "one merge request created, never a second")

        // the same run again: the bot branch already holds this change, so nothing is pushed or written
        let botHead = try server.git(["rev-parse", branch])
        let before = try forge.requests().count
        let r3 = try CLI.run(args + ["\(app):2.0.1"], in: cwd, env: env)
        XCTAssertEqual(r3.status, 0, r3.stderr)
        XCTAssertTrue(r3.stdout.contains("nothing pushed") || r3.stdout.contains("\"pushed\":false"), r3.stdout)
        XCTAssertEqual(try server.git(["rev-parse", branch]), botHead, "bot branch not rewritten")
        let writes = try forge.requests().dropFirst(before).filter { $0.method != "GET" }
        XCTAssertEqual(writes.map { "\($0.method) \($0.path)" }, [], "an up-to-date merge request is not written")
        let reqs = try forge.requests()
        XCTAssertTrue(reqs.allSatisfy { $0.violations.isEmpty }, "\(reqs.flatMap(\.violations))")
        XCTAssertTrue(reqs.allSatisfy { $0.headers["private-token"] == canary }, "every API call authenticated with the token")
    }
}

extension RemoteTests {
    func testPullRequestOnGitHubWithLabelsReviewersAndAutoMerge() throws {
        let server = try GitDaemonRepo(files: ["values.yaml": "image:\n  repository: ghcr.io/octo/app\n  tag: v1.0.0\n"], name: "octo/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: canary)
        defer { forge.stop() }
        try forge.reset(["github_repos": ["octo/config"]])
        let cwd = try Fixtures.scratch()
        let outputFile = cwd.appendingPathComponent("gh_output"), summary = cwd.appendingPathComponent("gh_summary")
        let env = ["GITHUB_TOKEN": canary, "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": outputFile.path, "GITHUB_STEP_SUMMARY": summary.path,
                   "GITHUB_SERVER_URL": "https://github.example.test", "GITHUB_REPOSITORY": "octo/app", "GITHUB_SHA": "feedface",
                   "GITHUB_RUN_ID": "99"]
        let r = try CLI.run(["set", "--pull-request", "--repo", server.url, "--forge", "github", "--api-url", forge.baseURL,
                             "--label", "deploy", "--reviewer", "alice", "--reviewer", "octo/sre", "--auto-merge", "ghcr.io/octo/app:v1.1.0"], in: cwd, env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains(canary))
        // stderr is a regular file here: no ::add-mask:: at all (the runner's pipe: OutputInjectionTests)
        XCTAssertFalse(r.stdout.contains(canary), r.stdout)
        XCTAssertTrue(r.stdout.contains("opened pull request http"), r.stdout)
        XCTAssertFalse(r.stdout.contains("merge request"), "GitHub calls it a pull request: \(r.stdout)")
        let reqs = try forge.requests()
        XCTAssertTrue(reqs.allSatisfy { $0.violations.isEmpty }, "\(reqs.flatMap(\.violations))")
        XCTAssertEqual(reqs.filter { $0.method == "POST" && $0.path == "/repos/octo/config/pulls" }.count, 1)
        XCTAssertTrue(reqs.contains { $0.path.hasSuffix("/labels") }, "labels set")
        let review = try XCTUnwrap(reqs.first { $0.path.hasSuffix("/requested_reviewers") }, "reviewers requested")
        XCTAssertEqual(review.json["reviewers"] as? [String], ["alice"])
        XCTAssertEqual(review.json["team_reviewers"] as? [String], ["sre"], "org/team is requested as a team reviewer")
        XCTAssertTrue(reqs.contains { $0.path.hasSuffix("graphql") }, "auto-merge enabled through GraphQL")
        let out = try String(contentsOf: outputFile, encoding: .utf8)
        XCTAssertTrue(out.contains("changed=true\n"), out)
        XCTAssertTrue(out.contains("pr-number=1\n"), out)
        XCTAssertTrue(out.contains("branch=imagebump/"), out)
        let summaryText = try String(contentsOf: summary, encoding: .utf8)
        XCTAssertTrue(summaryText.contains("| `values.yaml` | 3 | `ghcr.io/octo/app` | `ghcr.io/octo/app:v1.0.0` | `ghcr.io/octo/app:v1.1.0` |"))
        XCTAssertTrue(summaryText.contains("\nPull request: <http://"), summaryText)
        let body = reqs.first { $0.method == "POST" && $0.path == "/repos/octo/config/pulls" }?.json["body"] as? String ?? ""
        XCTAssertTrue(body.contains("ghcr.io/octo/app:v1.1.0"), body)
    }
}

extension RemoteTests {
    /// Smart HTTP with Basic auth (git http-backend behind the GitOps test fixture): the token comes from the
    /// environment, a wrong one gives one clear error, and the token never shows.
    func testHTTPSmartServerWithTokenFromEnvironment() throws {
        let server = try GitDaemonRepo(files: ["k/kustomization.yaml": overlay("1.0.0")])
        defer { server.stop() }
        let script = Fixtures.repoRoot.appendingPathComponent("Tests/GitOpsTests/Fixtures/git_http_server.py").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, "--root", server.root.path, "--port", "0"]
        var env = ProcessInfo.processInfo.environment
        env["FIXTURE_USER"] = "oauth2"
        env["FIXTURE_PASSWORD"] = canary
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { p.terminate(); p.waitUntilExit() }
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else { return XCTFail("http server did not start: \(text)") }
        let url = "http://127.0.0.1:\(port)/config.git"
        let cwd = try Fixtures.scratch()

        let wrong = try CLI.run(["set", "--push", "--repo", url, "-f", "k", "\(app):2.0.0"], in: cwd, env: ["IMAGEBUMP_TOKEN": "not-the-token"])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("authentication failed for \(url) (token from IMAGEBUMP_TOKEN)"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains("not-the-token"))

        let ok = try CLI.run(["set", "--push", "--repo", url, "-f", "k", "--output", "json", "\(app):2.0.0"], in: cwd, env: ["IMAGEBUMP_TOKEN": canary])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        assertNoCanary(ok)
        XCTAssertEqual(try server.file("k/kustomization.yaml"), overlay("2.0.0"))
        XCTAssertFalse(try server.git(["log", "-1", "--format=%B", "main"]).contains(canary))
    }
}

final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var status: [Int32]
    private(set) var output: [String]
    init(count: Int) { status = Array(repeating: -1, count: count); output = Array(repeating: "", count: count) }
    func set(_ i: Int, _ s: Int32, _ o: String) { lock.lock(); status[i] = s; output[i] = o; lock.unlock() }
}
