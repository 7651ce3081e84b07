import Foundation
import TestSupport
import XCTest

/// #16.3: values from the config repo in the MR title, description and commit message, read the way GitLab reads
/// quick actions (`/name` at the start of a line) and mentions: none of them comes from a file.
final class MergeRequestTextTests: XCTestCase {
    let app = SampleApp.image
    let token = "mr-text-token-7c21e0"
    /// A directory and an old tag that try every way out of a code span and onto a line of their own.
    let dir = "apps/x\n/approve\n/assign @bob`` |<b>"
    let oldTag = "1.0\n/merge\r/approve\r\n/label ~prod``@alice``|<img src=x>"

    func testNoLineOfTheMergeRequestOrCommitComesFromAFile() throws {
        let file = dir + "/kustomization.yaml"
        let server = try GitDaemonRepo(files: [file: SampleApp.overlay("1.0").replacingOccurrences(of: "\"1.0\"", with: yamlQuoted(oldTag))],
                                       name: "team/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: token)
        defer { forge.stop() }
        try forge.reset(["gitlab_projects": ["team/config"]])
        let cwd = try Fixtures.scratch()
        let env = ["IMAGEBUMP_TOKEN": token, "GITLAB_CI": "true", "CI_JOB_NAME": "deploy\n/approve @carol",
                   "CI_JOB_URL": "https://gitlab.example.test/team/app/-/jobs/9"]
        let base = ["set", "--merge-request", "--repo", server.url, "--forge", "gitlab", "--api-url", forge.baseURL + "/api/v4",
                    "--output", "json"]
        // the default texts, with the message's every placeholder
        let r1 = try CLI.run(base + ["--message", "{files}\n\n{changes}\n{images}", "--title", "{files}", "\(app):2.0"], in: cwd, env: env)
        XCTAssertEqual(r1.status, 0, r1.stderr)
        let branch = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(r1.stdout.utf8)) as? [String: Any])?["branch"] as? String)
        let mr1 = try onlyMergeRequest(forge)
        check(mr1["title"] as? String ?? "", "title")
        check(mr1["description"] as? String ?? "", "default description")
        check(try server.git(["log", "-1", "--format=%B", branch]), "commit message")
        XCTAssertTrue((mr1["description"] as? String ?? "").contains("| ```\"apps/x\\n/approve\\n/assign @bob`` \\|<b>/kustomization.yaml\"``` |"),
                      mr1["description"] as? String ?? "")

        // a description template of its own: {changes} and {files} on lines of their own
        let r2 = try CLI.run(base + ["--message", "bump\n\n{changes}", "--description", "{changes}\n{files}\n", "\(app):3.0"], in: cwd, env: env)
        XCTAssertEqual(r2.status, 0, r2.stderr)
        let mr2 = try onlyMergeRequest(forge)
        let description = mr2["description"] as? String ?? ""
        check(description, "description template")
        XCTAssertTrue(description.hasPrefix("- ```\"apps/x\\n/approve\\n/assign @bob`` |<b>/kustomization.yaml\"```: "), description)
        check(try server.git(["log", "-1", "--format=%B", branch]), "commit message of the update")
    }

    func onlyMergeRequest(_ forge: FakeForge) throws -> [String: Any] {
        let mrs = (try forge.state()["gitlab"] as? [String: Any])?["team/config"] as? [[String: Any]] ?? []
        XCTAssertEqual(mrs.count, 1)
        return try XCTUnwrap(mrs.first)
    }

    /// No quick action, no line starting with a value from the file, no mention or HTML outside code spans.
    func check(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(GitLabQuickActions.actions(in: text), [], "\(what): \(text)", file: file, line: line)
        for l in GitLabQuickActions.lines(text) {
            for value in ["apps/", "1.0", "/", "@", "~"] {
                XCTAssertFalse(l.hasPrefix(value), "\(what): a line starts with \(value): \(l.debugDescription)", file: file, line: line)
            }
        }
        let prose = Markdown.outsideCodeSpans(text)
        for marker in ["@alice", "@bob", "@carol", "<img", "<b>"] {
            XCTAssertFalse(prose.contains(marker), "\(what): \(marker) outside a code span in \(text.debugDescription)", file: file, line: line)
        }
    }
}

enum Markdown {
    /// The text with its inline code spans removed, as CommonMark finds them: a run of n backticks up to the next run
    /// of exactly n (an unmatched run is text). Line breaks end nothing here: a span may not cross a blank line, and
    /// imagebump's spans hold no line break at all.
    static func outsideCodeSpans(_ text: String) -> String {
        let c = Array(text)
        var out = "", i = 0
        while i < c.count {
            guard c[i] == "`" else { out.append(c[i]); i += 1; continue }
            var n = 0
            while i + n < c.count, c[i + n] == "`" { n += 1 }
            var j = i + n, close: Int?
            while j < c.count {
                if c[j] == "`" {
                    var m = 0
                    while j + m < c.count, c[j + m] == "`" { m += 1 }
                    if m == n { close = j; break }
                    j += m
                } else { j += 1 }
            }
            if let close { out.append(" "); i = close + n } else { out += String(repeating: "`", count: n); i += n }
        }
        return out
    }
}
