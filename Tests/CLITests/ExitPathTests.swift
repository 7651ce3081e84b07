import Foundation
import XCTest

/// Every failure goes out one way (`ContextCommand.report`, through `RunOutput`): the error on stderr, and with
/// `--output json` one failed report on stdout and the dotenv file saying so. Two refusals used to print only the
/// error: `--repo URL --commit` (the usage error imagebump-git finds, exit 64) and an `imagebump` without the
/// `imagebump-git` beside it.
final class ExitPathTests: XCTestCase {
    func failedReport(_ r: CLIResult, status: Int32, error: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(r.status, status, r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.contains("imagebump: error: ") && r.stderr.contains(error), r.stderr, file: file, line: line)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "stdout: \(r.stdout)",
                                 file: file, line: line)
        XCTAssertEqual(json["status"] as? String, "failed", file: file, line: line)
        XCTAssertTrue(((json["error"] as? [String: Any])?["message"] as? String)?.contains(error) == true, "\(json)", file: file, line: line)
        return json
    }

    func testACommitIntoATemporaryCloneIsReportedAsAUsageError() throws {
        let cwd = try Fixtures.scratch()
        let dotenv = cwd.appendingPathComponent("report.env")
        let r = try CLI.run(["set", "--commit", "--repo", "git://127.0.0.1:1/none.git", "--output", "json", "--dotenv", dotenv.path,
                             "registry.example.com/app:1"], in: cwd)
        let json = try failedReport(r, status: 64, error: "would commit into a temporary clone")
        XCTAssertEqual(json["mode"] as? String, "commit")
        XCTAssertTrue(try String(contentsOf: dotenv, encoding: .utf8).contains("IMAGEBUMP_STATUS=failed\n"))
        XCTAssertEqual(try SchemaCheck.errors([json], schema: "schema/report.schema.json"), [[]])
    }

    func testAnImagebumpWithoutItsGitHelperReportsTheRun() throws {
        let alone = try Fixtures.scratch("alone")
        let copy = alone.appendingPathComponent("imagebump")
        try FileManager.default.copyItem(at: CLI.binary, to: copy)
        let dotenv = alone.appendingPathComponent("report.env")
        let r = try CLI.runProgram(copy.path, ["set", "--push", "--repo", "git://127.0.0.1:1/none.git", "--output", "json",
                                               "--dotenv", dotenv.path, "registry.example.com/app:1"], in: alone)
        let json = try failedReport(r, status: 1, error: "imagebump-git, which could not be run")
        XCTAssertEqual(json["mode"] as? String, "push")
        XCTAssertTrue(try String(contentsOf: dotenv, encoding: .utf8).contains("IMAGEBUMP_STATUS=failed\n"))
        // get, too: its failure document
        let get = try CLI.runProgram(copy.path, ["get", "--repo", "git://127.0.0.1:1/none.git", "--output", "json"], in: alone)
        XCTAssertEqual(get.status, 1, get.stderr)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(get.stdout.utf8)) as? [String: Any], get.stdout)
        XCTAssertEqual(doc["status"] as? String, "failed")
        XCTAssertEqual(try SchemaCheck.errors([doc], schema: "schema/get.schema.json"), [[]])
    }
}
