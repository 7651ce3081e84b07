import XCTest
@testable import ImagebumpKit

/// DORA figures of a hand-made history, every figure worked out by hand below.
final class MetricsTests: XCTestCase {
    static let t0: Int64 = 1_772_323_200 // 2026-03-01T00:00:00Z
    static func at(_ hours: Int64) -> Int64 { t0 + hours * 3600 }

    let config = EnvironmentsConfig(file: "imagebump.yaml", environments: [
        Environment(name: "dev", files: ["envs/dev"]), Environment(name: "staging", files: ["envs/staging"]),
        Environment(name: "production", files: ["envs/production"]), Environment(name: "qa", files: ["envs/qa"]),
    ], promotion: ["dev", "staging", "production"])

    static let dev = "envs/dev/deploy.yaml", staging = "envs/staging/deploy.yaml", prod = "envs/production/deploy.yaml"
    static func change(_ path: String, _ old: String?, _ new: String?) -> HistoryCommit.FileChange {
        .init(path: path, old: old.map(HistoryFixture.deployment), new: new.map(HistoryFixture.deployment))
    }
    static func sourceTime(_ hours: Int64) -> String { "\n\nSource-Commit: abc\nSource-Commit-Time: \(Timestamp.iso(at(hours)))" }

    /// Oldest first.
    static let history: [HistoryCommit] = [
        HistoryCommit(id: HistoryFixture.id(0), time: at(-24), message: "initial", changes: [change(dev, nil, "1.0.0"), change(staging, nil, "1.0.0"), change(prod, nil, "1.0.0")]),
        HistoryCommit(id: HistoryFixture.id(1), time: at(1), message: "c1" + sourceTime(0), changes: [change(prod, "1.0.0", "1.1.0")]),          // lead 1h
        HistoryCommit(id: "d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1", time: at(3), message: "d1" + sourceTime(2), changes: [change(dev, "1.0.0", "1.2.0")]), // dev: lead 1h
        HistoryCommit(id: HistoryFixture.id(2), time: at(5), message: "c2" + sourceTime(2), changes: [change(prod, "1.1.0", "1.2.0")]),          // lead 3h, a promotion
        HistoryCommit(id: HistoryFixture.id(3), time: at(6), message: "c3\n\nRollback-Of: \(HistoryFixture.id(2))", changes: [change(prod, "1.2.0", "1.1.0")]), // recovers c2 in 1h
        HistoryCommit(id: HistoryFixture.id(4), time: at(10), message: "c4 by hand", changes: [change(prod, "1.1.0", "1.3.0")]),              // no trailers
        HistoryCommit(id: HistoryFixture.id(5), time: at(20), message: "c5" + sourceTime(21), changes: [change(prod, "1.3.0", "1.4.0")]),       // source after deploy: skipped
        HistoryCommit(id: HistoryFixture.id(6), time: at(30), message: "c6" + sourceTime(22), changes: [change(prod, "1.4.0", "1.5.0")]),       // lead 8h
        HistoryCommit(id: HistoryFixture.id(7), time: at(32), message: "Revert \"c6\"\n\nThis reverts commit \(HistoryFixture.id(6)).", changes: [change(prod, "1.5.0", "1.4.0")]), // recovers c6 in 2h
    ]

    var report: MetricsReport {
        let d = Deployments.derive(Self.history.reversed(), config: config).deployments
        return MetricsReport(d, environments: ["production", "dev", "staging", "qa"], since: Self.t0, until: Self.at(48))
    }

    func testFiguresWorkedOutByHand() throws {
        let r = report
        XCTAssertEqual(r.since, "2026-03-01T00:00:00Z")
        XCTAssertEqual(r.until, "2026-03-03T00:00:00Z")
        XCTAssertEqual(r.days, 2)
        let prod = try XCTUnwrap(r.figures.first { $0.environment == "production" && $0.image == nil })
        // c1..c7 in two days: 3.5 a day, 24.5 a week: elite (daily or more)
        XCTAssertEqual(prod.deployments, 7)
        XCTAssertEqual(prod.perDay, 3.5)
        XCTAssertEqual(prod.perWeek, 24.5)
        XCTAssertEqual(prod.frequency, .elite)
        // leads 1h (c1), 3h (c2), 8h (c6); c4 has no trailer, c5's source commit is after it (skipped)
        XCTAssertEqual(prod.leadTime, Metrics.Spread([3600, 10800, 28800]))
        XCTAssertEqual(prod.leadTime.median, 10800)
        XCTAssertEqual(prod.leadTime.p90, 28800)
        XCTAssertEqual(prod.leadTimeSkipped, 1)
        // changes c1 c2 c4 c5 c6 (c3 and c7 are rollbacks); c2 and c6 were undone: 2 of 5
        XCTAssertEqual(prod.changes, 5)
        XCTAssertEqual(prod.failed, 2)
        XCTAssertEqual(prod.changeFailRate, 0.4)
        // recovered in 1h (c2 → c3) and 2h (c6 → c7): median 1h30m
        XCTAssertEqual(prod.recoveryTime.median, 5400)
        XCTAssertEqual(prod.recoveryTime.p90, 7200)
        XCTAssertEqual(prod.recoveryTime.samples, 2)

        let dev = try XCTUnwrap(r.figures.first { $0.environment == "dev" && $0.image == nil })
        XCTAssertEqual([dev.deployments, dev.changes, dev.failed], [1, 1, 0])
        XCTAssertEqual(dev.perWeek, 3.5)
        XCTAssertEqual(dev.frequency, .high)
        XCTAssertEqual(dev.changeFailRate, 0)
        XCTAssertEqual(dev.leadTime.median, 3600)
        XCTAssertNil(dev.recoveryTime.median)

        // staging's one deployment is before the window, qa never had one
        for name in ["staging", "qa"] {
            let f = try XCTUnwrap(r.figures.first { $0.environment == name && $0.image == nil })
            XCTAssertEqual(f.deployments, 0)
            XCTAssertEqual(f.frequency, Metrics.Frequency.none)
            XCTAssertNil(f.changeFailRate)
            XCTAssertNil(f.leadTime.median)
        }
        // per image: production runs two images; the app's row is the environment's, the sidecar was never changed in the window
        XCTAssertEqual(r.figures.filter { $0.environment == "production" }.map { $0.image ?? "(all)" }, ["(all)", "registry.example.com/app"])
    }

    func testMarkdownAndText() {
        let md = report.markdown()
        XCTAssertTrue(md.hasPrefix("### DORA figures, 2026-03-01T00:00:00Z to 2026-03-03T00:00:00Z\n"), md)
        XCTAssertTrue(md.contains("\n| `production` | all | 7 | 3.50 | 24.50 | elite | 3h | 8h | 40.0% (2/5) | 1h 30m |\n"), md)
        XCTAssertTrue(md.contains("\n| `production` | `registry.example.com/app` | 7 | 3.50 | 24.50 | elite | 3h | 8h | 40.0% (2/5) | 1h 30m |\n"), md)
        XCTAssertTrue(md.contains("\n| `qa` | all | 0 | 0.00 | 0.00 | none | - | - | - (0/0) | - |\n"), md)
        XCTAssertTrue(md.hasSuffix("\nproduction\\: 1 deployment left out of the lead time (source commit after the deployment)\n"), md)
        let text = report.text()
        XCTAssertTrue(text.hasPrefix("DORA figures from 2026-03-01T00:00:00Z to 2026-03-03T00:00:00Z (2.00 days)\nENVIRONMENT  IMAGE "), text)
    }

    func testBucketsSpreadsAndDurations() {
        XCTAssertEqual(Metrics.Frequency(count: 2, days: 1), .elite)
        XCTAssertEqual(Metrics.Frequency(count: 1, days: 1), .elite)
        XCTAssertEqual(Metrics.Frequency(count: 1, days: 7), .high)
        XCTAssertEqual(Metrics.Frequency(count: 1, days: 8), .medium)
        XCTAssertEqual(Metrics.Frequency(count: 1, days: 30), .medium)
        XCTAssertEqual(Metrics.Frequency(count: 1, days: 31), .low)
        XCTAssertEqual(Metrics.Frequency(count: 0, days: 1), Metrics.Frequency.none)
        let s = Metrics.Spread([4, 1, 3, 2, 10, 9, 8, 7, 6, 5])
        XCTAssertEqual([s.median, s.p90], [5, 9]) // (5 + 6) / 2 rounded down; the 9th of 10
        XCTAssertEqual(Metrics.Spread([]).median, nil)
        XCTAssertEqual(Metrics.duration(90061), "1d 1h")
        XCTAssertEqual(Metrics.duration(5400), "1h 30m")
        XCTAssertEqual(Metrics.duration(7200), "2h")
        XCTAssertEqual(Metrics.duration(59), "59s")
    }

    /// An app is a directory name of the repository: a line break in one cannot start a row of its own.
    func testNamesFromTheRepositoryAreQuoted() {
        let d = Deployment(timestamp: Self.at(1), environment: "dev", app: "a\nFAKE ROW", image: "app",
                           old: "app:1", new: "app:2", files: ["apps/x/dev/k.yaml"], configCommit: HistoryFixture.id(1), subject: "s",
                           kind: .bump)
        let r = MetricsReport([d], environments: ["dev"], since: Self.t0, until: Self.at(24))
        XCTAssertEqual(r.text().split(separator: "\n").count, 4, r.text()) // the window, the header and two rows
        XCTAssertTrue(r.text().contains("\"a\\nFAKE ROW: app\""), r.text())
        XCTAssertFalse(r.markdown().contains("\nFAKE ROW"), r.markdown())
        // and the row is there, not dropped: the header, its rule, the environment's row and the app's
        let rows = r.markdown().split(separator: "\n").filter { $0.hasPrefix("|") }
        XCTAssertEqual(rows.count, 4, r.markdown())
        XCTAssertTrue(rows.last?.contains("FAKE ROW: app") == true, r.markdown())
    }

    /// A `|` in a directory name splits a GFM table row even inside a code span: it is escaped, the row keeps its ten cells.
    func testAPipeInANameDoesNotAddAMarkdownCell() {
        let d = Deployment(timestamp: Self.at(1), environment: "dev", app: "a|b", image: "app",
                           old: "app:1", new: "app:2", files: ["apps/a|b/dev/k.yaml"], configCommit: HistoryFixture.id(1), subject: "s",
                           kind: .bump)
        let md = MetricsReport([d], environments: ["dev"], since: Self.t0, until: Self.at(24)).markdown()
        let row = md.split(separator: "\n").first { $0.contains("a\\|b") }
        XCTAssertNotNil(row, md)
        // cells are split on `|` not preceded by a backslash
        let bars = row.map { r in zip(r.indices, r).filter { i, c in c == "|" && (i == r.startIndex || r[r.index(before: i)] != "\\") }.count }
        XCTAssertEqual(bars, 11, md)
    }
}
