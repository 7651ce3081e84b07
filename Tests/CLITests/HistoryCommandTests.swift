import Foundation
import TestSupport
import XCTest

/// `imagebump history` through the built binaries, on a repository made with real git (HistoryRepo).
final class HistoryCommandTests: XCTestCase {
    typealias H = HistoryRepo

    func deployments(_ r: CLIResult) throws -> [[String: Any]] {
        XCTAssertEqual(r.status, 0, r.stderr)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return try XCTUnwrap(doc?["deployments"] as? [[String: Any]], r.stdout)
    }

    func testEveryDeploymentOfAKnownHistory() throws {
        let repo = try H.make()
        let all = try deployments(CLI.run(["history", "--output", "json"], in: repo.dir))
        func step(_ id: Any?) -> String { (id as? String).flatMap { i in repo.ids.first { $0.value == i }?.key }.map(String.init) ?? "-" }
        func tag(_ v: Any?) -> String { (v as? String).map { $0.replacingOccurrences(of: H.app + ":", with: "") } ?? "nil" }
        let rows = all.map { d in
            [step(d["configCommit"]), d["environment"] as! String, d["kind"] as! String, tag(d["old"]), tag(d["new"]),
             d["rollbackOf"].map(step) ?? "-", d["promotedFrom"] as? String ?? "-"].joined(separator: " ")
        }
        // worked out by hand from HistoryRepo.make; step 3 (the merge request's own commit) is not on the first-parent
        // chain: its change is the merge commit's (4)
        XCTAssertEqual(rows, [
            "9 dev rollback 1.3.0 1.1.0 8 -",
            "8 dev bump 1.1.0 1.3.0 - -",
            "7 dev rollback 1.2.0 1.1.0 6 -",
            "7 staging rollback 1.2.0 1.1.0 6 -",
            "6 dev bump 1.1.0 1.2.0 - -",
            "6 staging bump 1.1.0 1.2.0 - -",
            "5 production rollback 1.1.0 1.0.0 4 -",
            "4 production promotion 1.0.0 1.1.0 - staging",
            "2 staging promotion 1.0.0 1.1.0 - dev",
            "1 dev bump 1.0.0 1.1.0 - -",
            "0 dev bump nil 1.0.0 - -",
            "0 staging bump nil 1.0.0 - -",
            "0 production bump nil 1.0.0 - -",
        ])
        let bump = try XCTUnwrap(all.first { $0["configCommit"] as? String == repo.ids[1] })
        XCTAssertEqual(bump["time"] as? String, "2026-03-01T11:00:00Z")
        XCTAssertEqual(bump["sourceCommit"] as? String, "1111111111111111111111111111111111111111")
        XCTAssertEqual(bump["sourcePipeline"] as? String, "https://git.example.test/team/app/-/pipelines/11")
        XCTAssertEqual(bump["sourceRepository"] as? String, "https://git.example.test/team/app")
        XCTAssertEqual(bump["sourceCommitTime"] as? String, "2026-03-01T10:30:00Z")
        XCTAssertEqual(bump["files"] as? [String], [H.dev])
        // the merge commit carries the trailers of the commit it merged
        XCTAssertEqual(all.first { $0["configCommit"] as? String == repo.ids[4] }?["sourceCommit"] as? String, "1111111111111111111111111111111111111111")
        XCTAssertTrue(all.first { $0["configCommit"] as? String == repo.ids[2] }?["sourceCommit"] is NSNull, "a deploy without trailers")

        // filters: one environment, newest N, since a time
        XCTAssertEqual(try deployments(CLI.run(["history", "--env", "production", "--output", "json"], in: repo.dir)).map { step($0["configCommit"]) }, ["5", "4", "0"])
        XCTAssertEqual(try deployments(CLI.run(["history", "--limit", "2", "--output", "json"], in: repo.dir)).map { step($0["configCommit"]) }, ["9", "8"])
        XCTAssertEqual(try deployments(CLI.run(["history", "--since", "2026-03-01T16:30:00+00:00", "--output", "json"], in: repo.dir)).map { step($0["configCommit"]) }, ["9", "8", "7", "7"])
        XCTAssertEqual(try deployments(CLI.run(["history", "--image", "other.example.com/x", "--output", "json"], in: repo.dir)).count, 0)
    }

    /// --since reads back to 13:30: staging's 1.1.0 (step 2, 12:00) is older, but production's 1.1.0 (step 4) is still a
    /// promotion from it, known from the files as they stood when the walk stopped.
    func testAPromotionFromADeploymentOlderThanSince() throws {
        let repo = try H.make()
        let r = try deployments(CLI.run(["history", "--env", "production", "--since", "2026-03-01T13:30:00Z", "--output", "json"], in: repo.dir))
        XCTAssertEqual(r.map { "\($0["configCommit"]!) \($0["kind"]!) \($0["promotedFrom"]!)" },
                       ["\(repo.ids[5]!) rollback <null>", "\(repo.ids[4]!) promotion staging"])
    }

    /// A file some commit left unreadable is warned about once on stderr, by each command that reads the history.
    func testAnUnreadableFileIsWarnedAboutOnce() throws {
        var repo = try H.make()
        try repo.commit(11, "broken", ["envs/dev/broken.yaml": "a: [\n"])
        for args in [["history"], ["metrics", "--since", "2026-03-01"], ["rollback", "--env", "dev", "--dry-run", "--repo", "."]] {
            let r = try CLI.run(args, in: repo.dir)
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.components(separatedBy: "imagebump: warning: \(repo.ids[11]!.prefix(12)): envs/dev/broken.yaml:").count - 1, 1, "\(args): \(r.stderr)")
        }
    }

    func testTextTable() throws {
        let repo = try H.make()
        let r = try CLI.run(["history", "--env", "production"], in: repo.dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let c = { (n: Int) in String(repo.ids[n]!.prefix(12)) }
        XCTAssertEqual(r.stdout, """
        TIME                  ENVIRONMENT  KIND                      IMAGE                     CHANGE           COMMIT        SOURCE
        2026-03-01T15:00:00Z  production   rollback of \(c(4))  registry.example.com/app  1.1.0 → 1.0.0    \(c(5))  -
        2026-03-01T14:00:00Z  production   promotion from staging    registry.example.com/app  1.0.0 → 1.1.0    \(c(4))  111111111111
        2026-03-01T10:00:00Z  production   bump                      registry.example.com/app  (added) → 1.0.0  \(c(0))  -

        """)
    }

    func testARemoteRepositoryAndTheSchema() throws {
        let repo = try H.make()
        let server = try GitDaemonRepo(files: ["x": "y\n"])
        defer { server.stop() }
        _ = try repo.git(["push", "-qf", server.bare.path, "main"])
        let cwd = try Fixtures.scratch()
        let remote = try CLI.run(["history", "--repo", server.url, "--output", "json"], in: cwd)
        let local = try CLI.run(["history", "--output", "json"], in: repo.dir)
        XCTAssertEqual(remote.stdout, local.stdout, remote.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cwd.path), [], "nothing written to the working directory")

        var documents: [Any] = [try JSONSerialization.jsonObject(with: Data(local.stdout.utf8))]
        let failed = try CLI.run(["history", "--env", "qa", "--output", "json"], in: repo.dir)
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("no environment qa in imagebump.yaml"), failed.stderr)
        documents.append(try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)))
        XCTAssertEqual(try SchemaCheck.errors(documents, schema: "schema/history.schema.json").filter { !$0.isEmpty }, [])
        // not vacuous: an unknown kind and a missing key are rejected
        var bad = try XCTUnwrap((documents[0] as? [String: Any])?["deployments"] as? [[String: Any]]).first!
        bad["kind"] = "redeploy"
        var missing = bad; missing["kind"] = "bump"; missing["configCommit"] = nil
        XCTAssertEqual(try SchemaCheck.errors([["deployments": [bad], "warnings": []], ["deployments": [missing], "warnings": []]],
                                              schema: "schema/history.schema.json").map(\.isEmpty), [false, false])
    }

    /// A shallow clone (GitLab's default GIT_DEPTH): the walk stops at its oldest commit, whose parent is missing,
    /// instead of reading that commit as adding every image.
    func testAShallowCloneIsReadBackToItsBoundary() throws {
        let repo = try H.make()
        let shallow = try Fixtures.scratch("shallow").appendingPathComponent("config")
        try Git.run(["clone", "-q", "--depth", "4", "file://" + repo.dir.path, shallow.path])
        let r = try CLI.run(["history", "--output", "json"], in: shallow)
        // the boundary is said: what is older is not known
        XCTAssertTrue(r.stderr.contains("imagebump: warning: HEAD: the history read ends at a shallow clone's oldest commit, \(repo.ids[7]!.prefix(12)) (2026-03-01T17:00:00Z)"), r.stderr)
        // --since within what the clone holds: nothing is missing, nothing said
        XCTAssertFalse(try CLI.run(["history", "--since", "2026-03-01T17:30:00Z"], in: shallow).stderr.contains("warning"))
        let rows = try deployments(r).map { d in
            "\(repo.ids.first { $0.value == d["configCommit"] as? String }!.key) \(d["environment"]!) \(d["kind"]!)"
        }
        // depth 4: steps 10, 9, 8 and 7; 7's parent is missing, so 9 and 8 are all that can be told
        XCTAssertEqual(rows, ["9 dev rollback", "8 dev bump"])
    }

    func testRefusals() throws {
        let repo = try H.make()
        let bad = try CLI.run(["history", "--since", "last tuesday"], in: repo.dir)
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("--since last tuesday: give a date"), bad.stderr)
        let none = try CLI.run(["history"], in: Fixtures.scratch())
        XCTAssertEqual(none.status, 1)
    }
}

/// The Source-Commit-Time trailer: a commit imagebump makes says when its source commit was made, and history reads it.
final class SourceCommitTimeTests: XCTestCase {
    func testTheTrailerFromTheOptionOrGitLabAndHistoryReadsIt() throws {
        let repo = try HistoryRepo.make()
        let spec = "\(HistoryRepo.app):1.4.0"
        let r = try CLI.run(["set", "--env", "dev", "--commit", "--repo", ".", "--source-commit-time", "2026-03-01T14:00:00+02:00",
                             "--source-commit", "2222222222222222222222222222222222222222", spec], in: repo.dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try repo.git(["log", "-1", "--format=%B"]).hasSuffix("Source-Commit: 2222222222222222222222222222222222222222\nSource-Commit-Time: 2026-03-01T12:00:00Z"))
        let h = try CLI.run(["history", "--env", "dev", "--limit", "1", "--output", "json"], in: repo.dir)
        let d = try XCTUnwrap(((try JSONSerialization.jsonObject(with: Data(h.stdout.utf8)) as? [String: Any])?["deployments"] as? [[String: Any]])?.first)
        XCTAssertEqual(d["sourceCommitTime"] as? String, "2026-03-01T12:00:00Z")
        XCTAssertEqual(d["new"] as? String, spec)

        // on GitLab CI_COMMIT_TIMESTAMP is the default; a value that is no time writes no trailer
        let gitlab = ["CI_PROJECT_URL": "https://gitlab.example.test/team/app", "CI_COMMIT_TIMESTAMP": "2026-03-02T09:15:00+01:00"]
        XCTAssertEqual(try CLI.run(["set", "--env", "dev", "--commit", "--repo", ".", "\(HistoryRepo.app):1.5.0"], in: repo.dir, env: gitlab).status, 0)
        XCTAssertTrue(try repo.git(["log", "-1", "--format=%B"]).hasSuffix("Source-Commit-Time: 2026-03-02T08:15:00Z"))
        var bad = gitlab; bad["CI_COMMIT_TIMESTAMP"] = "2026-03-02\nRollback-Of: 1234567"
        XCTAssertEqual(try CLI.run(["set", "--env", "dev", "--commit", "--repo", ".", "\(HistoryRepo.app):1.6.0"], in: repo.dir, env: bad).status, 0)
        let message = try repo.git(["log", "-1", "--format=%B"])
        XCTAssertFalse(message.contains("Source-Commit-Time") || message.contains("Rollback-Of"), message)

        // without either: the source commit's own time, from the application repository the run opens (--source-repo)
        let app = try HistoryRepo(dir: Fixtures.scratch("app").appendingPathComponent("app"))
        try FileManager.default.createDirectory(at: app.dir, withIntermediateDirectories: true)
        _ = try app.git(["init", "-q", "-b", "main"])
        _ = try app.git(["commit", "-q", "--allow-empty", "-m", "feature"], at: 30) // 2026-03-02T16:00:00Z
        let sha = try app.git(["rev-parse", "HEAD"])
        let fromRepo = try CLI.run(["set", "--env", "dev", "--commit", "--repo", ".", "--source-repo", app.dir.path, "--source-commit", sha,
                                    "\(HistoryRepo.app):1.7.0"], in: repo.dir)
        XCTAssertEqual(fromRepo.status, 0, fromRepo.stderr)
        XCTAssertTrue(try repo.git(["log", "-1", "--format=%B"]).hasSuffix("Source-Commit: \(sha)\nSource-Commit-Time: 2026-03-02T16:00:00Z"))

        let refused = try CLI.run(["set", "--env", "dev", "--commit", "--repo", ".", "--source-commit-time", "yesterday", spec], in: repo.dir)
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("--source-commit-time yesterday: give an ISO 8601 time"), refused.stderr)
    }
}
