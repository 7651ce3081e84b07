import Foundation
import XCTest

/// Every failed run writes its report, as `set` does (issue 16 item 10): `promote` refused before its `set` (the
/// order of promotion, an unknown environment, a config repo that cannot be cloned) says status=failed and the error
/// in the dotenv file, $GITHUB_OUTPUT and `--output json`; `get --output json` prints one failure document.
final class FailureReportTests: XCTestCase {
    func testEveryPromoteRefusalIsReported() throws {
        let repo = try Fixtures.copyExamples()
        let before = try Fixtures.snapshot(repo)
        let out = try Fixtures.scratch("reports")
        let cases: [(args: [String], error: String)] = [
            (["promote", "dev", "production"], "skips staging in the promotion order"),
            (["promote", "dev", "qa"], "no environment qa in imagebump.yaml"),
            (["promote", "dev", "staging", "--push", "--repo", "git://127.0.0.1:1/none.git", "--timeout", "5"], "127.0.0.1:1"),
        ]
        for (i, c) in cases.enumerated() {
            let dotenv = out.appendingPathComponent("\(i).env"), github = out.appendingPathComponent("\(i).github")
            FileManager.default.createFile(atPath: github.path, contents: nil)
            let r = try CLI.run(c.args + ["--output", "json", "--dotenv", dotenv.path], in: repo,
                                env: ["GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": github.path])
            XCTAssertEqual(r.status, 1, "\(c.args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(c.error), "\(c.args): \(r.stderr)")
            // the report is the last line (on GitHub the annotation may come first, issue 16 item 6)
            let report = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
            let json = try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any]
            XCTAssertEqual(json?["status"] as? String, "failed", "\(c.args): \(r.stdout)")
            XCTAssertTrue(((json?["error"] as? [String: Any])?["message"] as? String)?.contains(c.error) == true, "\(c.args): \(r.stdout)")
            XCTAssertEqual(json?["environment"] as? String, c.args[2])
            let env = try String(contentsOf: dotenv, encoding: .utf8)
            XCTAssertTrue(env.contains("IMAGEBUMP_STATUS=failed\n") && env.contains(c.error), "\(c.args): \(env)")
            let outputs = try String(contentsOf: github, encoding: .utf8)
            XCTAssertTrue(outputs.contains("status=failed\n") && outputs.contains(c.error), "\(c.args): \(outputs)")
        }
        XCTAssertEqual(try Fixtures.snapshot(repo).filter { !$0.key.hasSuffix(".env") }, before)
    }

    func testAFailedGetPrintsOneJSONDocumentThatTheSchemaDescribes() throws {
        let repo = try Fixtures.copyExamples()
        let r = try CLI.run(["get", "--env", "qa", "--output", "json"], in: repo)
        XCTAssertEqual(r.status, 1)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
        XCTAssertEqual(json["status"] as? String, "failed")
        XCTAssertTrue(((json["error"] as? [String: Any])?["message"] as? String)?.contains("no environment qa") == true, r.stdout)
        XCTAssertEqual(try SchemaCheck.errors([json], schema: "schema/get.schema.json"), [[]])
        XCTAssertEqual(try SchemaCheck.errors([["status": "failed"]], schema: "schema/get.schema.json").map(\.isEmpty), [false], "a failure needs its error")
    }
}
