import Foundation
import TestSupport
import XCTest

/// An environment with a `branch:` of its own is read from that branch by history, metrics and rollback.
final class HistoryBranchTests: XCTestCase {
    typealias H = HistoryRepo
    static let config = """
    environments:
      dev: {files: [envs/dev]}
      production: {files: [envs/production], branch: production}
    promotion: [dev, production]

    """

    /// main: 0 initial (dev and production 1.0.0), 1 dev 1.1.0, 3 dev 1.2.0; production (from 0): 2 production
    /// 1.1.0, 4 production 1.2.0 by hand, and on it a stray edit of dev's file (5), which is not dev's deployment.
    static func make() throws -> HistoryRepo {
        var r = HistoryRepo(dir: try Fixtures.scratch("branches").appendingPathComponent("config"))
        try FileManager.default.createDirectory(at: r.dir, withIntermediateDirectories: true)
        _ = try r.git(["init", "-q", "-b", "main"])
        try r.commit(0, "initial", ["imagebump.yaml": config, H.dev: H.deployment("1.0.0"), H.prod: H.kustomization("1.0.0")])
        _ = try r.git(["branch", "production"])
        try r.commit(1, "dev 1.1.0", [H.dev: H.deployment("1.1.0")])
        try r.commit(3, "dev 1.2.0", [H.dev: H.deployment("1.2.0")])
        _ = try r.git(["checkout", "-q", "production"])
        try r.commit(2, "production 1.1.0", [H.prod: H.kustomization("1.1.0")])
        try r.commit(4, "production 1.2.0", [H.prod: H.kustomization("1.2.0")])
        try r.commit(5, "stray", [H.dev: H.deployment("9.9.9")])
        _ = try r.git(["checkout", "-q", "main"])
        return r
    }

    func rows(_ r: CLIResult, _ repo: HistoryRepo) throws -> [String] {
        XCTAssertEqual(r.status, 0, r.stderr)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return try XCTUnwrap(doc?["deployments"] as? [[String: Any]], r.stdout).map { d in
            let step = repo.ids.first { $0.value == d["configCommit"] as? String }.map { String($0.key) } ?? "?"
            return "\(step) \(d["environment"]!) \(d["kind"]!) \((d["new"] as! String).dropFirst(H.app.count + 1))"
        }
    }

    func testHistoryMetricsAndRollbackReadTheEnvironmentsBranch() throws {
        let repo = try Self.make()
        let expected = ["4 production promotion 1.2.0", "3 dev bump 1.2.0", "2 production promotion 1.1.0", "1 dev bump 1.1.0",
                        "0 dev bump 1.0.0", "0 production bump 1.0.0"]
        XCTAssertEqual(try rows(CLI.run(["history", "--output", "json"], in: repo.dir), repo), expected)

        let server = try GitDaemonRepo(files: ["x": "y\n"])
        defer { server.stop() }
        _ = try repo.git(["push", "-qf", server.bare.path, "main", "production"])
        let cwd = try Fixtures.scratch()
        XCTAssertEqual(try rows(CLI.run(["history", "--repo", server.url, "--output", "json"], in: cwd), repo), expected)

        let m = try CLI.run(["metrics", "--env", "production", "--since", "2026-03-01", "--until", "2026-03-02", "--output", "json"], in: repo.dir)
        XCTAssertEqual(m.status, 0, m.stderr)
        let figures = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(m.stdout.utf8)) as? [String: Any])?["figures"] as? [[String: Any]])
        XCTAssertEqual(figures.first?["deployments"] as? Int, 3, m.stdout)

        // one back: production's newest deployment (4) undone, pushed to production's branch
        let mainHead = try server.git(["rev-parse", "main"])
        let r = try CLI.run(["rollback", "--env", "production", "--push", "--repo", server.url], in: cwd)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try server.file(H.prod, at: "production"), H.kustomization("1.1.0"))
        XCTAssertTrue(try server.git(["log", "-1", "--format=%B", "production"]).hasSuffix("Rollback-Of: \(repo.ids[4]!)\n\n"))
        XCTAssertEqual(try server.git(["rev-parse", "main"]), mainHead)

        // a local checkout whose branch is only origin's (as a CI job's checkout is)
        let ci = try Fixtures.scratch("ci").appendingPathComponent("config")
        try Git.run(["clone", "-q", "--single-branch", "--branch", "main", server.url, ci.path])
        try Git.run(["-C", ci.path, "fetch", "-q", "origin", "production:refs/remotes/origin/production"])
        let local = try CLI.run(["history", "--env", "production", "--output", "json"], in: ci)
        XCTAssertEqual(try rows(local, repo).first, "? production rollback 1.1.0")
        // a branch that is nowhere is named
        try Git.run(["-C", ci.path, "update-ref", "-d", "refs/remotes/origin/production"])
        let missing = try CLI.run(["history"], in: ci)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("nor origin/production: fetch it"), missing.stderr)
    }
}
