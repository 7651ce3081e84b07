import Foundation
import XCTest

/// The stale-run guard with a real application repository: a commit tag older than the deployed one is refused;
/// a shallow clone cannot tell, says so once, and the run goes on.
final class StaleRunTests: XCTestCase {
    let app = "registry.example.com/team/app"

    /// An application repository with three commits; their short ids, oldest first.
    func appRepo(_ dir: URL) throws -> [String] {
        try Git.run(["init", "-q", "-b", "main", dir.path])
        var ids: [String] = []
        for i in 1...3 {
            try Fixtures.write("\(i)\n", to: dir.appendingPathComponent("main.go"))
            try Git.run(["-C", dir.path, "add", "-A"])
            try Git.run(["-C", dir.path, "-c", "user.name=dev", "-c", "user.email=dev@localhost", "commit", "-qm", "c\(i)"])
            ids.append(try Git.output(["-C", dir.path, "rev-parse", "--short=7", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return ids
    }

    func testOlderCommitIsRefusedNewerPassesShallowCannotTell() throws {
        let work = try Fixtures.scratch("stale")
        let ids = try appRepo(work.appendingPathComponent("app"))
        let overlay = work.appendingPathComponent("config/kustomization.yaml")
        let deployed = "images:\n  - name: \(app)\n    newTag: \(ids[2])\n"
        try Fixtures.write(deployed, to: overlay)
        let config = work.appendingPathComponent("config")

        let stale = try CLI.run(["set", "--source-repo", "../app", "-f", "kustomization.yaml", "\(app):\(ids[0])"], in: config)
        XCTAssertEqual(stale.status, 1)
        XCTAssertTrue(stale.stderr.contains("kustomization.yaml:3: refusing to downgrade \(app) from \(ids[2]) to \(ids[0]) (\(ids[0]) is an ancestor of the deployed commit"), stale.stderr)
        XCTAssertTrue(stale.stderr.contains("use --allow-downgrade to roll back)"), stale.stderr)
        XCTAssertEqual(try String(contentsOf: overlay, encoding: .utf8), deployed, "nothing written")

        let rollback = try CLI.run(["set", "--source-repo", "../app", "--allow-downgrade", "--dry-run", "-f", "kustomization.yaml", "\(app):\(ids[0])"], in: config)
        XCTAssertEqual(rollback.status, 0, rollback.stderr)

        // a shallow clone has only the newest commit: say so once, go on
        _ = try Git.output(["clone", "-q", "--depth", "1", "file://" + work.appendingPathComponent("app").path, work.appendingPathComponent("shallow").path])
        try Fixtures.write("images:\n  - name: \(app)\n    newTag: \(ids[0])\n  - name: \(app)-worker\n    newTag: \(ids[0])\n", to: overlay)
        let shallow = try CLI.run(["set", "--source-repo", "../shallow", "-f", "kustomization.yaml", "\(app):\(ids[2])", "\(app)-worker:\(ids[2])"], in: config)
        XCTAssertEqual(shallow.status, 0, shallow.stderr)
        let notes = shallow.stderr.split(separator: "\n").filter { $0.contains("cannot tell whether") }
        XCTAssertEqual(notes.count, 1, shallow.stderr)
        XCTAssertTrue(notes.first?.contains("shallow clone") == true, shallow.stderr)
        XCTAssertTrue(try String(contentsOf: overlay, encoding: .utf8).contains(ids[2])) // quoted when it would read as a number

        // the newer commit over the older one passes without a word
        try Fixtures.write("images:\n  - name: \(app)\n    newTag: \(ids[0])\n", to: overlay)
        let newer = try CLI.run(["set", "--source-repo", "../app", "-f", "kustomization.yaml", "\(app):\(ids[1])"], in: config)
        XCTAssertEqual(newer.status, 0, newer.stderr)
        XCTAssertFalse(newer.stderr.contains("warning"), newer.stderr)
    }

    /// `imagebump` itself never loads libgit2: a run with --source-repo is handed to imagebump-git.
    func testEditOnlyBinaryDoesNotLinkLibgit2() throws {
        let ldd = try CLI.runProgram("/usr/bin/ldd", [CLI.binary.path], in: Fixtures.repoRoot)
        XCTAssertEqual(ldd.status, 0, ldd.stderr)
        XCTAssertFalse(ldd.stdout.contains("libgit2"), ldd.stdout)
    }
}

extension StaleRunTests {
    /// A publishing run finds the application repository in CI_PROJECT_DIR: a late, older pipeline pushes nothing.
    func testPublishingRunReadsTheCICheckoutAndPushesNothingStale() throws {
        let work = try Fixtures.scratch("stale-push")
        let appDir = work.appendingPathComponent("app")
        let ids = try appRepo(appDir)
        let overlay = "images:\n  - name: \(app)\n    newTag: \(ids[2])\n"
        let server = try GitDaemonRepo(files: ["k/kustomization.yaml": overlay])
        defer { server.stop() }
        let head = try server.git(["rev-parse", "main"])
        let env = ["CI_PROJECT_DIR": appDir.path, "GITLAB_CI": "true"]
        let stale = try CLI.run(["set", "--push", "--repo", server.url, "-f", "k", "\(app):\(ids[1])"], in: work, env: env)
        XCTAssertEqual(stale.status, 1, stale.stderr)
        XCTAssertTrue(stale.stderr.contains("k/kustomization.yaml:3: refusing to downgrade \(app) from \(ids[2]) to \(ids[1])"), stale.stderr)
        XCTAssertEqual(try server.git(["rev-parse", "main"]), head, "nothing pushed")
        let preview = try CLI.run(["set", "--dry-run", "--repo", server.url, "-f", "k", "\(app):\(ids[1])"], in: work, env: env)
        XCTAssertEqual(preview.status, 1, "a preview refuses what the run would: \(preview.stderr)")

        // the pipeline of a newer commit goes through
        _ = try Git.output(["-C", appDir.path, "-c", "user.name=dev", "-c", "user.email=dev@localhost", "commit", "-q", "--allow-empty", "-m", "c4"])
        let newest = try Git.output(["-C", appDir.path, "rev-parse", "--short=7", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let fresh = try CLI.run(["set", "--push", "--repo", server.url, "-f", "k", "\(app):\(newest)"], in: work, env: env)
        XCTAssertEqual(fresh.status, 0, fresh.stderr)
        XCTAssertTrue(try server.file("k/kustomization.yaml").contains(newest)) // quoted when it would read as a number
    }
}
