import Foundation
import TestSupport
import XCTest

/// `imagebump rollback` end to end: HistoryRepo's history on a git daemon, pushed to (staging, mode push) and through
/// a merge request on the fake GitLab (production, mode: merge-request).
final class RollbackCommandTests: XCTestCase {
    typealias H = HistoryRepo

    func serve(_ repo: HistoryRepo, name: String = "config.git") throws -> GitDaemonRepo {
        let server = try GitDaemonRepo(files: ["x": "y\n"], name: name)
        _ = try repo.git(["push", "-qf", server.bare.path, "main"])
        return server
    }

    func testPushModeDryRunThenRollbackToAVersionRecordedAsRollbackOf() throws {
        let repo = try H.make()
        let server = try serve(repo)
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        let head = try server.git(["rev-parse", "main"])

        let dry = try CLI.run(["rollback", "--env", "staging", "--to", "1.0.0", "--dry-run", "--repo", server.url], in: cwd)
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains("-          image: \(H.app):1.1.0\n+          image: \(H.app):1.0.0\n"), dry.stdout)
        XCTAssertTrue(dry.stderr.contains("rolling back staging: \(H.app):1.1.0 → \(H.app):1.0.0 (undoes \(repo.ids[7]!.prefix(12)), \(repo.ids[6]!.prefix(12)), \(repo.ids[2]!.prefix(12)))"), dry.stderr)
        XCTAssertEqual(try server.git(["rev-parse", "main"]), head, "a dry run pushes nothing")

        // the same change through set is refused as a downgrade: rollback passes that guard on purpose
        let refused = try CLI.run(["set", "--env", "staging", "--push", "--repo", server.url, "\(H.app):1.0.0"], in: cwd)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("refusing to downgrade"), refused.stderr)

        let r = try CLI.run(["rollback", "--env", "staging", "--to", "1.0.0", "--push", "--repo", server.url, "--output", "json",
                             "--source-commit", "3333333333333333333333333333333333333333"], in: cwd)
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["pushed"] as? Bool, true)
        XCTAssertEqual(try server.file(H.staging), H.deployment("1.0.0"))
        XCTAssertEqual(try server.git(["log", "-1", "--format=%B", "main"]).trimmingCharacters(in: .newlines), """
        chore(deploy): roll back staging to \(H.app):1.0.0

        - `\(H.staging)`: `\(H.app):1.1.0` → `\(H.app):1.0.0`

        Source-Commit: 3333333333333333333333333333333333333333
        Rollback-Of: \(repo.ids[7]!)
        Rollback-Of: \(repo.ids[6]!)
        Rollback-Of: \(repo.ids[2]!)
        """)
        // back to 1.0.0 undoes every deployment since (2, 6 and its revert 7); history reads it back so
        let h = try CLI.run(["history", "--repo", server.url, "--env", "staging", "--limit", "1", "--output", "json"], in: cwd)
        let d = try XCTUnwrap(((try JSONSerialization.jsonObject(with: Data(h.stdout.utf8)) as? [String: Any])?["deployments"] as? [[String: Any]])?.first, h.stderr)
        XCTAssertEqual(d["kind"] as? String, "rollback")
        XCTAssertEqual(d["rollbackOf"] as? String, repo.ids[7])
        XCTAssertEqual(d["undoes"] as? [String], [7, 6, 2].map { repo.ids[$0]! })
        XCTAssertEqual(d["old"] as? String, "\(H.app):1.1.0")

        // nothing earlier to go to, and nothing to do, are refused before anything is pushed
        let after = try server.git(["rev-parse", "main"])
        let none = try CLI.run(["rollback", "--env", "staging", "--to", "9.9.9", "--push", "--repo", server.url], in: cwd)
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stderr.contains("no earlier deployment of 9.9.9 in staging in the history read"), none.stderr)
        let same = try CLI.run(["rollback", "--env", "staging", "--to", String(repo.ids[0]!.prefix(10)), "--push", "--repo", server.url], in: cwd)
        XCTAssertEqual(same.status, 1)
        XCTAssertTrue(same.stderr.contains("staging already runs that: nothing to roll back"), same.stderr)
        XCTAssertEqual(try server.git(["rev-parse", "main"]), after, "nothing pushed")
    }

    /// `--to 2` undoes two deployments: the commit names both in Rollback-Of: trailers, and metrics counts both
    /// as failed changes.
    func testRollingBackSeveralDeploymentsNamesEachAndMetricsCountsEach() throws {
        let repo = try H.make()
        let server = try serve(repo)
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        var ids: [String] = []
        for tag in ["1.4.0", "1.5.0"] {
            let r = try CLI.run(["set", "--env", "staging", "--push", "--repo", server.url, "\(H.app):\(tag)"], in: cwd)
            XCTAssertEqual(r.status, 0, r.stderr)
            ids.append(try server.git(["rev-parse", "main"]).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let r = try CLI.run(["rollback", "--env", "staging", "--to", "2", "--push", "--repo", server.url], in: cwd)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try server.file(H.staging), H.deployment("1.1.0"))
        XCTAssertTrue(try server.git(["log", "-1", "--format=%B", "main"]).hasSuffix("Rollback-Of: \(ids[1])\nRollback-Of: \(ids[0])\n\n"))

        let m = try CLI.run(["metrics", "--repo", server.url, "--env", "staging", "--since", "2026-03-01", "--output", "json"], in: cwd)
        XCTAssertEqual(m.status, 0, m.stderr)
        let figures = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(m.stdout.utf8)) as? [String: Any])?["figures"] as? [[String: Any]])
        let all = try XCTUnwrap(figures.first { $0["image"] is NSNull })
        // changes 0, 2, 6, 1.4.0 and 1.5.0; 6 was reverted (7), 1.4.0 and 1.5.0 rolled back: 3 of 5
        XCTAssertEqual([all["changes"] as? Int, all["failed"] as? Int], [5, 3], m.stdout)
        XCTAssertEqual((all["recoveryTime"] as? [String: Any])?["samples"] as? Int, 3)
    }

    func testMergeRequestModeForProduction() throws {
        let repo = try H.make()
        let server = try serve(repo, name: "team/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: "rollback-token-5e1")
        defer { forge.stop() }
        try forge.reset(["gitlab_projects": ["team/config"]])
        let cwd = try Fixtures.scratch()
        let head = try server.git(["rev-parse", "main"])
        // production's newest deployment (5) rolled 1.1.0 back to 1.0.0; one back is 1.1.0 again
        let r = try CLI.run(["rollback", "--env", "production", "--push", "--repo", server.url, "--forge", "gitlab",
                             "--api-url", forge.baseURL + "/api/v4", "--output", "json"], in: cwd, env: ["IMAGEBUMP_TOKEN": "rollback-token-5e1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try server.git(["rev-parse", "main"]), head, "production is reached by merge request, not pushed to")
        let mrs = try forge.mergeRequests(gitlab: "team/config")
        XCTAssertEqual(mrs.count, 1)
        let mr = try XCTUnwrap(mrs.first)
        XCTAssertEqual(mr["title"] as? String, "chore(deploy): roll back production to \(H.app):1.1.0")
        XCTAssertTrue((mr["description"] as? String ?? "").contains("Rollback of `\(repo.ids[5]!)`"), "\(mr)")
        let branch = try XCTUnwrap(mr["source_branch"] as? String)
        XCTAssertEqual(try server.file(H.prod, at: branch), H.kustomization("1.1.0"))
        XCTAssertTrue(try server.git(["log", "-1", "--format=%B", branch]).contains("Rollback-Of: \(repo.ids[5]!)\n"))
    }
}
