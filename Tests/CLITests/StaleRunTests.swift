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

/// #18.8: the history a CI job has — a shallow checkout, a URL to fetch, or none — decides, or the job says why not.
extension StaleRunTests {
    func testAShallowCheckoutDecidesWhenItHoldsBothCommitsAndAURLIsFetched() throws {
        let work = try Fixtures.scratch("stale-shallow")
        let appDir = work.appendingPathComponent("app")
        let ids = try appRepo(appDir)
        let config = work.appendingPathComponent("config")
        let overlay = config.appendingPathComponent("kustomization.yaml")
        func deploy(_ tag: String) throws { try Fixtures.write("images:\n  - name: \(app)\n    newTag: \(tag)\n", to: overlay) }
        // a checkout with GIT_DEPTH 2 holds c2 and c3: c2 over c3 is a late run, c3 over c2 is not
        _ = try Git.output(["clone", "-q", "--depth", "2", "file://" + appDir.path, work.appendingPathComponent("shallow").path])
        try deploy(ids[2])
        let late = try CLI.run(["set", "--source-repo", "../shallow", "-f", "kustomization.yaml", "\(app):\(ids[1])"], in: config)
        XCTAssertEqual(late.status, 1, late.stderr)
        XCTAssertTrue(late.stderr.contains("(\(ids[1]) is an ancestor of the deployed commit"), late.stderr)
        try deploy(ids[1])
        let newer = try CLI.run(["set", "--source-repo", "../shallow", "-f", "kustomization.yaml", "\(app):\(ids[2])"], in: config)
        XCTAssertEqual(newer.status, 0, newer.stderr)
        XCTAssertEqual(newer.stderr, "", "decided without a warning")

        // --source-repo URL: the history is fetched from the git daemon (no checkout left behind)
        let server = try GitDaemonRepo(files: ["main.go": "0\n"], name: "acme/app.git")
        defer { server.stop() }
        _ = try Git.output(["-C", appDir.path, "push", "-q", "--force", server.bare.path, "main"])
        let tmp = try Fixtures.scratch("stale-tmp")
        try deploy(ids[2])
        let fetched = try CLI.run(["set", "--source-repo", server.url, "-f", "kustomization.yaml", "\(app):\(ids[0])"], in: config, env: ["TMPDIR": tmp.path])
        XCTAssertEqual(fetched.status, 1, fetched.stderr)
        XCTAssertTrue(fetched.stderr.contains("(\(ids[0]) is an ancestor of the deployed commit"), fetched.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), [], "the temporary clone is removed")
    }

    func testACIJobWithoutTheApplicationsHistoryWarnsOnceWithTheReason() throws {
        let work = try Fixtures.scratch("stale-ci")
        let ids = try appRepo(work.appendingPathComponent("app"))
        let server = try GitDaemonRepo(files: ["k/kustomization.yaml": "images:\n  - name: \(app)\n    newTag: \(ids[1])\n  - name: \(app)-worker\n    newTag: \(ids[1])\n"])
        defer { server.stop() }
        let empty = work.appendingPathComponent("builds")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        // GIT_STRATEGY: none — CI_PROJECT_DIR holds no checkout
        let r = try CLI.run(["set", "--push", "--repo", server.url, "-f", "k", "\(app):\(ids[2])", "\(app)-worker:\(ids[2])"], in: empty,
                            env: ["GITLAB_CI": "true", "CI_PROJECT_DIR": empty.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let warnings = r.stderr.split(separator: "\n").filter { $0.contains("warning:") }
        XCTAssertEqual(warnings, ["imagebump: warning: cannot tell whether \(ids[2]) is older than the deployed \(ids[1]) (CI_PROJECT_DIR holds no git checkout of the application (the job's GIT_STRATEGY is none?)); the stale-run check is skipped"], r.stderr)
        // a tag that is no commit id needs no history: not a word
        let semver = try CLI.run(["set", "--push", "--repo", server.url, "-f", "k", "\(app):1.2.3"], in: empty,
                                 env: ["GITLAB_CI": "true", "CI_PROJECT_DIR": empty.path])
        XCTAssertEqual(semver.status, 0, semver.stderr)
        XCTAssertFalse(semver.stderr.contains("warning:"), semver.stderr)
        // the edit-only executable in a GitHub job: says it reads no history
        let local = work.appendingPathComponent("local")
        try Fixtures.write("image: \(app):\(ids[1])\n", to: local.appendingPathComponent("d.yaml"))
        let edit = try CLI.run(["set", "-f", "d.yaml", "\(app):\(ids[2])"], in: local, env: ["GITHUB_ACTIONS": "true"])
        XCTAssertEqual(edit.status, 0, edit.stderr)
        XCTAssertEqual(edit.stderr.components(separatedBy: "the stale-run check is skipped").count, 2, edit.stderr)
        XCTAssertTrue(edit.stderr.contains("this run reads no git history: give --source-repo"), edit.stderr)
    }
}
