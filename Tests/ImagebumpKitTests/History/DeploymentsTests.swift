import XCTest
@testable import ImagebumpKit

final class DeploymentsTests: XCTestCase {
    typealias F = HistoryFixture

    /// Every deployment of the fixture, newest first, as worked out by hand from its commits.
    func testEveryDeploymentWithItsKind() {
        let derived = Deployments.derive(F.commits, config: F.config)
        let rows = derived.deployments.map { d in
            [String(d.configCommit.prefix(1)), d.environment, d.kind.rawValue, d.old ?? "nil", d.new, d.rollbackOf.map { String($0.prefix(1)) } ?? d.promotedFrom ?? "-"]
                .joined(separator: " ")
        }
        let app = "registry.example.com/app"
        XCTAssertEqual(rows, [
            "9 dev rollback \(app):1.3.0 \(app):1.1.0 8",
            "8 dev bump \(app):1.1.0 \(app):1.3.0 -",
            "7 dev rollback \(app):1.2.0 \(app):1.1.0 6",
            "7 staging rollback \(app):1.2.0 \(app):1.1.0 6",
            "6 dev bump \(app):1.1.0 \(app):1.2.0 -",
            "6 staging bump \(app):1.1.0 \(app):1.2.0 -",
            "5 production rollback \(app):1.1.0 \(app):1.0.0 4",
            "4 production promotion \(app):1.0.0 \(app):1.1.0 staging",
            "3 staging promotion \(app):1.0.0 \(app):1.1.0 dev",
            "2 dev bump \(app):1.0.0 \(app):1.1.0 -",
            "1 dev bump nil \(app):1.0.0 -",
            "1 dev bump nil redis:7.2.0 -",
            "1 staging bump nil \(app):1.0.0 -",
            "1 staging bump nil redis:7.2.0 -",
            "1 production bump nil \(app):1.0.0 -",
        ])
        XCTAssertEqual(derived.notes.count, 1)
        XCTAssertTrue(derived.notes[0].hasPrefix("888888888888: envs/dev/broken.yaml:"), derived.notes[0])
        XCTAssertTrue(derived.notes[0].hasSuffix("; envs/dev/broken.yaml skipped in this commit"), derived.notes[0])
    }

    func testProvenanceComesFromTheTrailersAndAMergedCommits() throws {
        let d = Deployments.derive(F.commits, config: F.config).deployments
        let bump = try XCTUnwrap(d.first { $0.configCommit == F.id(2) })
        XCTAssertEqual(bump.sourceRepository, "https://git.example.test/team/app")
        XCTAssertEqual(bump.sourceCommit, "abc1234")
        XCTAssertEqual(bump.sourcePipeline, "https://git.example.test/team/app/-/pipelines/7")
        XCTAssertEqual(bump.sourceCommitTime, "1970-01-01T00:25:00Z")
        XCTAssertEqual(bump.time, "1970-01-01T00:33:20Z")
        XCTAssertEqual(bump.timestamp, 2000)
        XCTAssertEqual(bump.files, [F.dev])
        XCTAssertEqual(bump.subject, "chore(deploy): bump registry.example.com/app:1.1.0")
        let merged = try XCTUnwrap(d.first { $0.configCommit == F.id(4) })
        XCTAssertEqual(merged.sourceCommit, "abc1234")
        XCTAssertNil(merged.sourcePipeline)
        // the abbreviated Rollback-Of is given in full, as history knows it
        XCTAssertEqual(d.first { $0.configCommit == F.id(5) }?.rollbackOf, F.id(4))
        XCTAssertNil(d.first { $0.configCommit == F.id(3) }?.sourceCommit) // a deploy without trailers
    }

    func testQueryFiltersAndLimits() {
        let derived = Deployments.derive(F.commits, config: F.config)
        let prod = HistoryReport(derived, query: .init(environments: ["production"], images: ["registry.example.com/app"]))
        XCTAssertEqual(prod.deployments.map(\.configCommit), [F.id(5), F.id(4), F.id(1)])
        let recent = HistoryReport(derived, query: .init(images: ["docker.io/library/redis"], since: 1000, limit: 1))
        XCTAssertEqual(recent.deployments.map { "\($0.environment) \($0.new)" }, ["dev redis:7.2.0"])
        XCTAssertEqual(HistoryReport(derived, query: .init(since: 8500)).deployments.map(\.configCommit), [F.id(9)])
    }

    func testText() {
        let derived = Deployments.derive(Array(F.commits.prefix(2)), config: F.config) // commits 9 and 8 only
        XCTAssertEqual(HistoryReport(derived, query: .init()).text(), """
        TIME                  ENVIRONMENT  KIND                      IMAGE                     CHANGE         COMMIT        SOURCE
        1970-01-01T02:30:00Z  dev          rollback of 888888888888  registry.example.com/app  1.3.0 → 1.1.0  999999999999  -
        1970-01-01T02:13:20Z  dev          bump                      registry.example.com/app  1.1.0 → 1.3.0  888888888888  -

        """)
        XCTAssertEqual(HistoryReport(deployments: []).text(), "no deployments\n")
    }

    func testTrailersAndReverts() {
        XCTAssertEqual(Trailers(message: "subject\n\nbody text\n\nA-B: 1\nc: two words\n").entries.map { "\($0.key)=\($0.value)" }, ["A-B=1", "c=two words"])
        XCTAssertTrue(Trailers(message: "subject: not a trailer\n").entries.isEmpty)
        XCTAssertTrue(Trailers(message: "s\n\nSource-Commit: x\nfree text\n").entries.isEmpty)
        XCTAssertEqual(Trailers(message: "s\n\nsource-commit: x\nSource-Commit: y")[Trailers.sourceCommit], "y")
        XCTAssertEqual(Trailers.revertedCommit(message: "Revert \"x\"\n\nThis reverts commit ABCDEF12.\n"), "abcdef12")
        XCTAssertNil(Trailers.revertedCommit(message: "This reverts commit abc."))
    }

    func testTimestamps() {
        XCTAssertEqual(Timestamp.iso(0), "1970-01-01T00:00:00Z")
        XCTAssertEqual(Timestamp.iso(1_772_366_400), "2026-03-01T12:00:00Z")
        XCTAssertEqual(Timestamp.iso(951_782_400), "2000-02-29T00:00:00Z")
        XCTAssertEqual(Timestamp.parseISO("2026-03-01"), 1_772_323_200)
        XCTAssertEqual(Timestamp.parseISO("2000-02-29"), 951_782_400)
        XCTAssertEqual(Timestamp.parseISO("2026-03-01T12:00:00Z"), 1_772_366_400)
        XCTAssertEqual(Timestamp.parseISO("2026-03-01T14:00:00+02:00"), 1_772_366_400)
        XCTAssertEqual(Timestamp.parseISO("2026-03-01T12:00Z"), 1_772_366_400)
        XCTAssertEqual(Timestamp.parseISO("2026-03-01T12:00:00.250Z"), 1_772_366_400)
        XCTAssertEqual(Timestamp.parse("90d", now: 100 * 86400), 10 * 86400)
        XCTAssertEqual(Timestamp.parse("2w", now: 14 * 86400), 0)
        XCTAssertEqual(Timestamp.parse("12h", now: 86400), 43200)
        for bad in ["", "yesterday", "2026-13-01", "2026-02-31", "2026-02-29", "2026-04-31T00:00:00Z", "2026-03-01T25:00:00Z", "2026-03-01T12:00:00", "d", "5y",
                    // no looser than the help: a signed age, a fraction without seconds or digits, second 60, offset hour 24
                    "+5d", "-5d", "2026-03-01T12:00.5Z", "2026-03-01T12:00:00.Z", "2026-03-01T12:00:60Z", "2026-03-01T12:00:00+24:00"] {
            XCTAssertNil(Timestamp.parse(bad, now: 0), bad)
        }
    }
}
