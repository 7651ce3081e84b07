import Foundation
import TestSupport
import XCTest

/// #16.1, #16.2, #16.6: a value from the config repo or the forge never becomes a line of `$GITHUB_OUTPUT` or the
/// dotenv report, a workflow command in the log, or text inside the JSON report; the real binaries, the runners'
/// own readers (`RunnerParsing`).
final class OutputInjectionTests: XCTestCase {
    let app = SampleApp.image
    let token = "injection-token-4b1d77"

    /// The GitHub and GitLab reports of a run, read as the runners read them: exactly the seven names, once each.
    func reports(output: URL, dotenv: URL, file: StaticString = #filePath, line: UInt = #line) throws -> (github: [String: String], dotenv: [String: String]) {
        let gh = try GitHubRunner.outputs(try String(contentsOf: output, encoding: .utf8))
        XCTAssertEqual(gh.map(\.name), ReportNames.github, "no output added or lost", file: file, line: line)
        let env = try GitLabDotenv.parse(try String(contentsOf: dotenv, encoding: .utf8))
        XCTAssertEqual(env.map(\.key), ReportNames.dotenv, "no variable added or lost", file: file, line: line)
        for (k, v) in env { XCTAssertFalse(GitLabDotenv.references(in: v), "\(k)=\(v) names a variable", file: file, line: line) }
        return (Dictionary(gh, uniquingKeysWith: { a, _ in a }), Dictionary(env, uniquingKeysWith: { a, _ in a }))
    }

    func testAnImagebumpYAMLKeyCannotAddAnOutput() throws {
        let repo = try Fixtures.scratch()
        try Git.run(["init", "-q", repo.path])
        try Fixtures.write("environments:\n  \"x\\r\\ncommit=INJECTED\\n\": {files: [a]}\n  prod: {files: [\"b\\r\\ncommit=INJECTED2\"]}\n",
                           to: repo.appendingPathComponent("imagebump.yaml"))
        let out = repo.appendingPathComponent("gh-output"), summary = repo.appendingPathComponent("gh-summary")
        let env = ["GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": out.path, "GITHUB_STEP_SUMMARY": summary.path]
        let r = try CLI.run(["set", "--env", "prod", "--dotenv", "out.env", "\(app):2.0"], in: repo, env: env)
        XCTAssertEqual(r.status, 1, r.stderr)
        let (gh, dotenv) = try reports(output: out, dotenv: repo.appendingPathComponent("out.env"))
        XCTAssertEqual(gh["commit"], "")
        XCTAssertEqual(dotenv["IMAGEBUMP_COMMIT"], "")
        XCTAssertEqual(gh["status"], "failed")
        XCTAssertTrue(gh["error", default: ""].contains("environment name \"x\\r\\ncommit=INJECTED\\n\""), gh["error"] ?? "")
        XCTAssertTrue(dotenv["IMAGEBUMP_ERROR", default: ""].hasPrefix("imagebump.yaml:2:3: environment name"), dotenv["IMAGEBUMP_ERROR"] ?? "")
        XCTAssertEqual(GitHubRunner.foreignCommands(in: r.stdout + "\n" + r.stderr), [])
        XCTAssertFalse(GitHubRunner.logLines(r.stderr).contains { $0.hasPrefix("commit=") }, r.stderr)
        let md = try String(contentsOf: summary, encoding: .utf8)
        XCTAssertFalse(GitHubRunner.logLines(md).contains { $0.hasPrefix("commit=") }, md)
    }

    func testAHostileMergeRequestURLCannotAddAnOutput() throws {
        let server = try GitDaemonRepo(files: ["apps/app/kustomization.yaml": SampleApp.overlay("1.0.0")], name: "team/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: token)
        defer { forge.stop() }
        let hostile = "https://forge.test/mr/1\r\ncommit=INJECTED\n::warning::INJECTED\r##[warning]INJECTED $CI_JOB_TOKEN %CI_JOB_TOKEN%"
        try forge.reset(["gitlab_projects": ["team/config"], "web_url": hostile])
        let cwd = try Fixtures.scratch()
        let out = cwd.appendingPathComponent("output"), summary = cwd.appendingPathComponent("summary")
        let env = ["IMAGEBUMP_TOKEN": token, "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": out.path, "GITHUB_STEP_SUMMARY": summary.path,
                   "NO_COLOR": "1"]
        let r = try CLI.run(["set", "--merge-request", "--repo", server.url, "--forge", "gitlab", "--api-url", forge.baseURL + "/api/v4",
                             "--dotenv", "out.env", "\(app):2.0"], in: cwd, env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        let (gh, dotenv) = try reports(output: out, dotenv: cwd.appendingPathComponent("out.env"))
        XCTAssertEqual(gh["pr-url"], hostile, "the multi-line form carries the value as the server sent it")
        XCTAssertEqual(gh["commit"], try server.git(["rev-parse", XCTUnwrap(gh["branch"])]).trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(dotenv["IMAGEBUMP_MR_URL"],
                       "https://forge.test/mr/1\\r\\ncommit=INJECTED\\n::warning::INJECTED\\r##[warning]INJECTED \\044CI_JOB_TOKEN \\045CI_JOB_TOKEN%")
        XCTAssertEqual(GitHubRunner.foreignCommands(in: r.stdout + "\n" + r.stderr), [], r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("merge request \"https://forge.test/mr/1\\r\\ncommit=INJECTED\\n"), r.stdout)
        let md = try String(contentsOf: summary, encoding: .utf8)
        let mdLines = GitHubRunner.logLines(md)
        XCTAssertFalse(mdLines.contains { $0.hasPrefix("commit=") || $0.hasPrefix("::") || $0.hasPrefix("##[") }, md)
        XCTAssertTrue(md.contains("Merge request: `\"https://forge.test/mr/1\\r\\ncommit=INJECTED"), md)
    }

    /// Values, a digest and a raw CR in a file: neither the diff, the change lines nor the JSON report can run a
    /// command, whatever the line break (LF, CRLF, CR) or the form (`::`, `##[`).
    func testValuesFromAFileCannotRunWorkflowCommands() throws {
        let repo = try Fixtures.scratch()
        try Fixtures.write("images:\n  - name: ghcr.io/o/app\n    newTag: \"1.0\\n::warning::INJECTED1\"\n  - name: ghcr.io/o/web\n"
                           + "    newTag: \"##[warning]INJECTED2\"\n    digest: \"x\\r\\n  ::notice::INJECTED3\\r::debug::INJECTED4\"\n",
                           to: repo.appendingPathComponent("apps/a/kustomization.yaml"))
        try Fixtures.write("images:\n  - name: ghcr.io/o/app\n    newTag: \"1.0\"\r    ::notice::INJECTED5: 1\r\n  - name: ghcr.io/o/db # ##[set-output name=x]y\n",
                           to: repo.appendingPathComponent("apps/c/kustomization.yaml"))
        for platform in [["GITHUB_ACTIONS": "true"], [:]] {
            let env = platform.merging(["NO_COLOR": "1"]) { a, _ in a }
            let dry = try CLI.run(["set", "--dry-run", "ghcr.io/o/app:2", "ghcr.io/o/web:3"], in: repo, env: env)
            XCTAssertEqual(dry.status, 0, dry.stderr)
            XCTAssertTrue(dry.stdout.contains("INJECTED5"), dry.stdout)
            XCTAssertTrue(dry.stdout.contains("INJECTED2"), dry.stdout)
            XCTAssertEqual(GitHubRunner.foreignCommands(in: dry.stdout + "\n" + dry.stderr), [], dry.stdout)
            let json = try CLI.run(["set", "--dry-run", "--output", "json", "ghcr.io/o/app:2", "ghcr.io/o/web:3"], in: repo, env: env)
            XCTAssertEqual(GitHubRunner.foreignCommands(in: json.stdout), [], json.stdout)
            XCTAssertEqual(GitHubRunner.logLines(json.stdout).count, 1, json.stdout)
            let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let olds = (doc["changes"] as? [[String: Any]] ?? []).compactMap { $0["old"] as? String }
            XCTAssertTrue(olds.contains { $0.hasSuffix("1.0\n::warning::INJECTED1") }, "\(olds)")
            let write = try CLI.run(["set", "ghcr.io/o/app:2", "ghcr.io/o/web:3"], in: try copy(repo), env: env)
            XCTAssertEqual(write.status, 0, write.stderr)
            XCTAssertEqual(GitHubRunner.foreignCommands(in: write.stdout + "\n" + write.stderr), [], write.stdout)
        }
    }

    func copy(_ dir: URL) throws -> URL {
        let to = try Fixtures.scratch().appendingPathComponent("copy")
        try FileManager.default.copyItem(at: dir, to: to)
        return to
    }

    /// On GitHub Actions, a proxy's password (from any proxy variable) is masked like the token: the runner gets
    /// `::add-mask::` on stderr, and no other line holds it. The repo is git:// here, so the proxy is not used.
    func testAProxyPasswordIsMaskedOnGitHubActions() throws {
        let server = try GitDaemonRepo(files: ["apps/app/kustomization.yaml": SampleApp.overlay("1.0.0")], name: "team/config.git")
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        let password = "pr0xy-s3cret-pw"
        let env = ["IMAGEBUMP_TOKEN": token, "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": cwd.appendingPathComponent("o").path,
                   "https_proxy": "http://me:\(password)@127.0.0.1:9", "all_proxy": "http://me:\(password)@127.0.0.1:9"]
        let args = ["set", "--push", "--repo", server.url, "\(app):2.0"]
        let piped = try CLI.runProgram("/bin/sh", ["-c", "\"$0\" \"$@\" 2>&1 | cat", CLI.binary.path] + args, in: cwd, env: env)
        let lines = GitHubRunner.logLines(piped.stdout)
        XCTAssertTrue(lines.contains("::add-mask::\(password)"), piped.stdout)
        XCTAssertEqual(lines.filter { $0.contains(password) }, ["::add-mask::\(password)"], piped.stdout)
        XCTAssertTrue(try server.file("apps/app/kustomization.yaml").contains("newTag: \"2.0\""), "pushed")
    }

    /// `--output json > report.json` on GitHub Actions: the report is one JSON document without the token; the
    /// token's `::add-mask::` goes to stderr, where the runner reads it (a pipe), and never into a file.
    func testTheJSONReportStaysJSONAndNeverHoldsTheToken() throws {
        let server = try GitDaemonRepo(files: ["apps/app/kustomization.yaml": SampleApp.overlay("1.0.0")], name: "team/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: token)
        defer { forge.stop() }
        let cwd = try Fixtures.scratch()
        let report = cwd.appendingPathComponent("report.json"), errLog = cwd.appendingPathComponent("err.log")
        let env = ["IMAGEBUMP_TOKEN": token, "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": cwd.appendingPathComponent("o").path]
        // no such project at the fake GitHub API: a failed run, with an annotation, after the push
        let args = ["set", "--pull-request", "--repo", server.url, "--forge", "github", "--api-url", forge.baseURL,
                    "--output", "json", "\(app):2.0"]
        // stdout into a file, stderr into a pipe (as the runner reads a step): the pipe's text is what `cat` prints
        let piped = try CLI.runProgram("/bin/sh", ["-c", "\"$0\" \"$@\" 2>&1 >\"$REPORT\" | cat", CLI.binary.path] + args, in: cwd,
                                       env: env.merging(["REPORT": report.path]) { a, _ in a })
        let text = try String(contentsOf: report, encoding: .utf8)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
        XCTAssertEqual(doc["status"] as? String, "failed")
        XCTAssertFalse(text.contains(token), text)
        XCTAssertEqual(GitHubRunner.logLines(text).count, 1, text)
        let stderr = GitHubRunner.logLines(piped.stdout)
        XCTAssertTrue(stderr.contains("::add-mask::\(token)"), piped.stdout)
        XCTAssertTrue(stderr.contains { $0.hasPrefix("::error") }, "the annotation on stderr: \(piped.stdout)")
        XCTAssertEqual(stderr.filter { $0.contains(token) }, ["::add-mask::\(token)"])

        // both streams into files: neither holds the token
        _ = try CLI.runProgram("/bin/sh", ["-c", "\"$0\" \"$@\" >\"$REPORT\" 2>\"$ERR\"", CLI.binary.path] + args, in: cwd,
                               env: env.merging(["REPORT": report.path, "ERR": errLog.path]) { a, _ in a })
        let again = try String(contentsOf: report, encoding: .utf8)
        XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(again.utf8)), again)
        XCTAssertFalse(again.contains(token), again)
        let err = try String(contentsOf: errLog, encoding: .utf8)
        XCTAssertFalse(err.contains(token), err)
        XCTAssertTrue(err.contains("::error"), err)
    }
}
