import Foundation
import TestSupport
import XCTest

/// `imagebump metrics` through the built binaries, on HistoryRepo's history (every figure worked out by hand from it).
final class MetricsCommandTests: XCTestCase {
    func testFiguresOfAKnownHistoryAndTheSchema() throws {
        let repo = try HistoryRepo.make()
        let window = ["--since", "2026-03-01", "--until", "2026-03-02"]
        let r = try CLI.run(["metrics", "--output", "json"] + window, in: repo.dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(doc["days"] as? Double, 1)
        let figures = try XCTUnwrap(doc["figures"] as? [[String: Any]])
        func overall(_ env: String) throws -> [String: Any] { try XCTUnwrap(figures.first { $0["environment"] as? String == env && $0["image"] is NSNull }) }
        func spread(_ f: [String: Any], _ key: String) -> [Int?] {
            let s = f[key] as? [String: Any] ?? [:]
            return [s["median"] as? Int, s["p90"] as? Int, s["samples"] as? Int]
        }
        // production: steps 0 (added), 4 (the merge) and 5 (its rollback, an hour later) in one day
        let prod = try overall("production")
        XCTAssertEqual(prod["deployments"] as? Int, 3)
        XCTAssertEqual(prod["perDay"] as? Double, 3)
        XCTAssertEqual(prod["perWeek"] as? Double, 21)
        XCTAssertEqual(prod["frequency"] as? String, "elite")
        XCTAssertEqual([prod["changes"] as? Int, prod["failed"] as? Int], [2, 1])
        XCTAssertEqual(prod["changeFailRate"] as? Double, 0.5)
        XCTAssertEqual(spread(prod, "recoveryTime"), [3600, 3600, 1])
        XCTAssertEqual(spread(prod, "leadTime"), [nil, nil, 0], "no Source-Commit-Time on production's deployments")
        // dev: 0, 1, 6, 7 (revert of 6), 8, 9 (undoes 8): 4 changes, 2 failed, each recovered in an hour; step 1's
        // source commit was made at 10:30, deployed at 11:00
        let dev = try overall("dev")
        XCTAssertEqual(dev["deployments"] as? Int, 6)
        XCTAssertEqual([dev["changes"] as? Int, dev["failed"] as? Int], [4, 2])
        XCTAssertEqual(dev["changeFailRate"] as? Double, 0.5)
        XCTAssertEqual(spread(dev, "recoveryTime"), [3600, 3600, 2])
        XCTAssertEqual(spread(dev, "leadTime"), [1800, 1800, 1])

        let md = try CLI.run(["metrics", "--env", "production", "--output", "markdown"] + window, in: repo.dir)
        XCTAssertEqual(md.status, 0, md.stderr)
        XCTAssertTrue(md.stdout.contains("\n| `production` | all | 3 | 3.00 | 21.00 | elite | - | - | 50.0% (1/2) | 1h |\n"), md.stdout)
        XCTAssertFalse(md.stdout.contains("`dev`"), md.stdout)

        var documents: [Any] = [doc]
        let empty = try CLI.run(["metrics", "--since", "2026-04-01", "--until", "2026-04-08", "--output", "json"], in: repo.dir)
        documents.append(try JSONSerialization.jsonObject(with: Data(empty.stdout.utf8)))
        let failed = try CLI.run(["metrics", "--since", "2026-04-08", "--until", "2026-04-01", "--output", "json"], in: repo.dir)
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("the window is empty: --since is after --until"), failed.stderr)
        documents.append(try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)))
        XCTAssertEqual(try SchemaCheck.errors(documents, schema: "schema/metrics.schema.json").filter { !$0.isEmpty }, [])
        XCTAssertEqual(((documents[1] as? [String: Any])?["figures"] as? [[String: Any]])?.map { $0["frequency"] as? String }, ["none", "none", "none"])
        // not vacuous: an unknown level is rejected
        var bad = figures[0]; bad["frequency"] = "great"
        XCTAssertEqual(try SchemaCheck.errors([["since": "2026-03-01T00:00:00Z", "until": "2026-03-02T00:00:00Z", "days": 1, "figures": [bad]]],
                                              schema: "schema/metrics.schema.json").map(\.isEmpty), [false])
    }
}
