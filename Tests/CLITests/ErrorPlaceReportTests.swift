import Foundation
import XCTest

/// An error's place (file, line, column) reaches the JSON report and the GitHub annotation as the error's own
/// fields: a name holding ':' or ',' or one printed quoted is never split or unquoted out of the message text.
final class ErrorPlaceReportTests: XCTestCase {
    let app = "registry.example.com/team/sample-app"
    let repeated = "the key 'newTag' is repeated (lines 3:5 and 4:5); loaders keep only one of them, so nothing is edited: remove one"
    /// (name as on disk, as printed on stderr, as a GitHub property value: %, CR, LF, ':' and ',' escaped)
    let names = [("apps/a:1:2,b.yaml", "apps/a:1:2,b.yaml", "apps/a%3A1%3A2%2Cb.yaml"),
                 ("apps/q\n\t%,:x.yaml", "\"apps/q\\n\\t%,:x.yaml\"", "apps/q%0A\t%25%2C%3Ax.yaml")]

    func json(_ stdout: String) throws -> [String: Any] {
        let line = try XCTUnwrap(stdout.split(separator: "\n").first { $0.hasPrefix("{") }, stdout)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], stdout)
    }

    func testAParseErrorsPlaceIsTheNameItselfInTheReportAndTheAnnotation() throws {
        let dir = try Fixtures.scratch()
        for (name, _, _) in names {
            try Fixtures.write("images:\n  - name: \(app)\n    newTag: \"1.0\"\n    newTag: \"1.1\"\n", to: dir.appendingPathComponent(name))
        }
        for (name, printed, property) in names {
            let j = try CLI.run(["set", "--output", "json", "-f", name, "\(app):2.0"], in: dir)
            XCTAssertEqual(j.status, 1, j.stderr)
            XCTAssertEqual(j.stderr, "imagebump: error: \(printed):4:5: \(repeated)\n")
            let error = try XCTUnwrap(try json(j.stdout)["error"] as? [String: Any], j.stdout)
            XCTAssertEqual(error["file"] as? String, name)
            XCTAssertEqual(error["line"] as? Int, 4)
            XCTAssertEqual(error["column"] as? Int, 5)

            let g = try CLI.run(["set", "-f", name, "\(app):2.0"], in: dir, env: ["GITHUB_ACTIONS": "true"])
            XCTAssertEqual(g.status, 1, g.stderr)
            // the annotation on stderr, after the text: stdout carries only the result
            XCTAssertEqual(g.stderr, "imagebump: error: \(printed):4:5: \(repeated)\n::error file=\(property),line=4,col=5::\(repeated)\n")
            XCTAssertEqual(g.stdout, "")
        }
    }

    func testARefusalWithoutAColumnIsAnnotatedAtItsLine() throws {
        let dir = try Fixtures.scratch()
        let (name, printed, property) = names[0]
        try Fixtures.write("images:\n  - name: \(app)\n    newTag: \"1.3.0\"\n", to: dir.appendingPathComponent(name))
        let refusal = "refusing to downgrade \(app) from 1.3.0 to 1.2.0 (use --allow-downgrade to roll back)"
        let g = try CLI.run(["set", "-f", name, "\(app):1.2.0"], in: dir, env: ["GITHUB_ACTIONS": "true"])
        XCTAssertEqual(g.status, 1, g.stderr)
        XCTAssertEqual(g.stderr, "imagebump: error: \(printed):3: \(refusal)\n::error file=\(property),line=3::\(refusal)\n")
        XCTAssertEqual(g.stdout, "")
        let j = try CLI.run(["set", "--output", "json", "-f", name, "\(app):1.2.0"], in: dir)
        let error = try XCTUnwrap(try json(j.stdout)["error"] as? [String: Any], j.stdout)
        XCTAssertEqual(error["file"] as? String, name)
        XCTAssertEqual(error["line"] as? Int, 3)
        XCTAssertNil(error["column"])
    }

    func testAnErrorWithoutAPlaceHasNone() throws {
        let dir = try Fixtures.scratch()
        let g = try CLI.run(["set", "--output", "json", "-f", "nowhere:1:2.yaml", "\(app):1.2.0"], in: dir, env: ["GITHUB_ACTIONS": "true"])
        XCTAssertEqual(g.status, 1, g.stderr)
        let error = try XCTUnwrap(try json(g.stdout)["error"] as? [String: Any], g.stdout)
        XCTAssertNil(error["file"], "\(error)"); XCTAssertNil(error["line"], "\(error)")
        XCTAssertTrue(g.stderr.contains("\n::error::nowhere:1:2.yaml: "), g.stderr)
        XCTAssertEqual(GitHubRunner.logLines(g.stdout).count, 1, "stdout is the JSON document alone: \(g.stdout)")
    }
}
