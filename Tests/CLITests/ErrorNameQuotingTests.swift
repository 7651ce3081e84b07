import Foundation
import XCTest

/// An error naming a file from the repository is one line per name: a name holding a newline is quoted
/// (`PathQuoting`), so it cannot fake a log line of its own on GitLab or GitHub.
final class ErrorNameQuotingTests: XCTestCase {
    let app = "registry.example.com/team/sample-app"
    let injected = "ERROR injected: deploy failed"
    var evil: String { "apps/evil\n\(injected)\n.yaml" }
    var quotedEvil: String { "\"apps/evil\\n\(injected)\\n.yaml\"" }

    func injectedLines(_ r: CLIResult) -> [Substring] {
        (r.stdout + r.stderr).split(separator: "\n").filter { $0.hasPrefix(injected) }
    }

    func repo(_ content: String) throws -> URL {
        let dir = try Fixtures.scratch()
        try Fixtures.write(content, to: dir.appendingPathComponent(evil))
        return dir
    }

    func errorObject(_ r: CLIResult) throws -> [String: Any] {
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
        return try XCTUnwrap(json["error"] as? [String: Any], r.stdout)
    }

    func testAParseErrorNamesTheFileOnOneLine() throws {
        // mentions the image, so it is parsed; the flow sequence is never closed
        let dir = try repo("images:\n  - name: \(app)\n    newTag: [1.0\n")
        let r = try CLI.run(["set", "\(app):2.0"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(injectedLines(r), [], r.stderr)
        let line = try XCTUnwrap(r.stderr.split(separator: "\n").first { $0.contains("evil") }, r.stderr)
        XCTAssertTrue(line.hasPrefix("imagebump: error: \(quotedEvil):"), r.stderr)

        let j = try CLI.run(["set", "--output", "json", "\(app):2.0"], in: dir)
        XCTAssertEqual(j.status, 1, j.stderr)
        XCTAssertEqual(injectedLines(j), [], j.stdout + j.stderr)
        let error = try errorObject(j)
        // the message is the text printed on stderr; the file is the name itself, as in `changes`
        XCTAssertEqual("imagebump: error: " + (error["message"] as? String ?? "") + "\n", j.stderr)
        XCTAssertEqual(error["file"] as? String, evil)
        let place = (error["message"] as? String ?? "").dropFirst(quotedEvil.count)
        XCTAssertTrue(place.hasPrefix(":\(error["line"] as? Int ?? -1):\(error["column"] as? Int ?? -1): "), "\(error)")
    }

    func testAnOversizedFileNamesTheFileOnOneLine() throws {
        var big = "images:\n  - name: \(app)\n    newTag: \"1.0\"\n"
        big += String(repeating: "# padding\n", count: (3 << 19) / 10) // 1.5 MiB
        let dir = try repo(big)
        // named with -f: refused
        let r = try CLI.run(["set", "--max-file-size", "1", "-f", evil, "\(app):2.0"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(injectedLines(r), [], r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("imagebump: error: \(quotedEvil): file is 1 MiB, over the 1 MiB limit"), r.stderr)

        let j = try CLI.run(["set", "--output", "json", "--max-file-size", "1", "-f", evil, "\(app):2.0"], in: dir)
        XCTAssertEqual(j.status, 1, j.stderr)
        XCTAssertEqual(injectedLines(j), [], j.stdout + j.stderr)
        let error = try errorObject(j)
        XCTAssertEqual("imagebump: error: " + (error["message"] as? String ?? "") + "\n", j.stderr)
        XCTAssertNil(error["file"] as? String, "no line, so no place: \(error)")

        // found while searching: skipped with a warning, which names it on one line too
        let w = try CLI.run(["set", "--allow-missing", "--max-file-size", "1", "\(app):2.0"], in: dir)
        XCTAssertEqual(w.status, 0, w.stderr)
        XCTAssertEqual(injectedLines(w), [], w.stderr)
        XCTAssertTrue(w.stderr.contains("imagebump: warning: \(quotedEvil): file is 1 MiB"), w.stderr)
    }
}
