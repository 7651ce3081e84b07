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

    /// --until takes an age, as its help says ("as for --since"): the window ends that long before now.
    func testUntilTakesAnAge() throws {
        let repo = try HistoryRepo.make()
        let r = try CLI.run(["metrics", "--since", "2026-03-01", "--until", "1d", "--output", "json"], in: repo.dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let until = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["until"] as? String)
        let end = try XCTUnwrap(ISO8601DateFormatter().date(from: until)).timeIntervalSince1970
        XCTAssertEqual(end, Date().timeIntervalSince1970 - 86400, accuracy: 120, until)
        let bad = try CLI.run(["metrics", "--until", "soon"], in: repo.dir)
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("--until soon: give a date (2026-03-01), a time (2026-03-01T12:00:00Z) or an age"), bad.stderr)
    }

    /// The timeline renders: rsvg-convert (librsvg, an independent SVG reader) turns it into a PNG without a complaint.
    func testTheSVGTimelineRenders() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") else {
            throw unavailable("rsvg-convert not found (scripts/install-deps.sh installs librsvg2-bin)")
        }
        let repo = try HistoryRepo.make()
        let r = try CLI.run(["metrics", "--since", "2026-03-01T09:00:00Z", "--until", "2026-03-01T20:00:00Z", "--output", "svg"], in: repo.dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), r.stdout)
        // 13 deployments in 10 config commits: dev 6, staging 4, production 3, one dot per commit and environment
        XCTAssertEqual(r.stdout.components(separatedBy: "<circle").count - 1 - 3, 13, r.stdout) // and the legend's 3
        let dir = try Fixtures.scratch("svg")
        let svg = dir.appendingPathComponent("timeline.svg"), png = dir.appendingPathComponent("timeline.png")
        try Data(r.stdout.utf8).write(to: svg)
        let render = try CLI.runProgram("/usr/bin/rsvg-convert", ["-o", png.path, svg.path], in: dir)
        XCTAssertEqual(render.status, 0, render.stderr)
        XCTAssertEqual(render.stderr, "")
        let bytes = try Data(contentsOf: png)
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        // 800 wide, as drawn: the IHDR's width
        XCTAssertEqual(bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, 800)
        if let keep = ProcessInfo.processInfo.environment["IMAGEBUMP_KEEP_TIMELINE"] { try? bytes.write(to: URL(fileURLWithPath: keep)) }
    }
}
