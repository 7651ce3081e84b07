import Foundation
import XCTest
import TestSupport

/// #16.4, #16.8, #16.9, #18.6: a merge request run never updates someone else's MR, never takes an open MR back to
/// older values, leaves a local checkout as it found it, and fails before the push on what the forge can check.
final class MergeRequestSafetyTests: XCTestCase {
    /// The server lists a human's MR (`feature/human → release`) for the bot branch: it is left alone, with a warning.
    func testForeignMergeRequestListedForTheBotBranchIsNotUpdated() throws {
        for gitlab in [true, false] {
            let f = try MergeRequestFixture(gitlab: gitlab)
            defer { f.stop() }
            let human: [String: Any] = gitlab
                ? try f.forge.seed(["project": f.project, "source_branch": "feature/human", "target_branch": "release",
                                    "title": "human work", "description": "hand written"])
                : try f.forge.seed(["repo": f.project, "head": "feature/human", "base": "release", "title": "human work", "body": "hand written"])
            // the list for the bot branch answers with the human's MR
            try f.forge.fault(method: "GET", path: gitlab ? "/merge_requests$" : "/pulls$", status: 200, body: [human])
            let r = try f.bump("2.0.0")
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stderr.contains(gitlab ? "ignored merge request !1 (feature/human → release)" : "ignored pull request #1 (octo:feature/human → release)"), r.stderr)
            let mrs = try f.mergeRequests()
            XCTAssertEqual(mrs.count, 2, "a merge request of its own was opened")
            XCTAssertEqual(mrs[0]["title"] as? String, "human work")
            XCTAssertEqual(mrs[0][gitlab ? "description" : "body"] as? String, "hand written")
            XCTAssertEqual(gitlab ? mrs[0]["target_branch"] as? String : (mrs[0]["base"] as? [String: Any])?["ref"] as? String, "release")
            let writes = try f.requests().filter { $0.method != "GET" && $0.path.contains(gitlab ? "/merge_requests/1" : "/1") }
            XCTAssertEqual(writes.map { "\($0.method) \($0.path)" }, [], "nothing sent to the human's merge request")
        }
    }

    /// A run for 1.0.1 that starts after the run for 1.0.2 opened its MR: refused, the MR keeps 1.0.2.
    func testLateOlderRunDoesNotTakeTheOpenMergeRequestBack() throws {
        let f = try MergeRequestFixture()
        defer { f.stop() }
        let first = try MergeRequestFixture.json(try f.bump("1.0.2"))
        let branch = try XCTUnwrap(first["branch"] as? String)
        let head = try f.server.git(["rev-parse", branch])
        let late = try f.bump("1.0.1")
        XCTAssertEqual(late.status, 1, late.stdout)
        XCTAssertTrue(late.stderr.contains("refusing to downgrade \(SampleApp.image) from 1.0.2 to 1.0.1"), late.stderr)
        XCTAssertTrue(late.stderr.contains("the open merge request"), late.stderr)
        XCTAssertEqual(try f.server.git(["rev-parse", branch]), head, "the bot branch keeps 1.0.2")
        XCTAssertTrue(try f.server.file(MergeRequestFixture.production + "/kustomization.yaml", at: branch).contains("1.0.2"))
        XCTAssertEqual(try f.requests().filter { $0.method == "PUT" }.count, 0, "the MR is not rewritten")
    }

    /// The race of two runs on one MR made deterministic: the run for 1.0.2 passed its guard against the MR (1.0.1),
    /// then a newer run's 1.0.3 lands on the bot branch while it pushes (a pre-receive hook moves the branch, once).
    /// The server refuses the push's old value; the run reads the branch again and its guard refuses 1.0.2 there,
    /// so the MR keeps 1.0.3 (the old code retried without the guard and force-pushed 1.0.2 over it).
    func testOlderRunRacingANewerOneDoesNotOverwriteIt() throws {
        let f = try MergeRequestFixture()
        defer { f.stop() }
        let branch = try XCTUnwrap(try MergeRequestFixture.json(try f.bump("1.0.1"))["branch"] as? String)
        let other = try Fixtures.scratch("newer")
        try Git.run(["clone", "-q", "-b", branch, f.server.url, other.path])
        try Fixtures.write(SampleApp.overlay("1.0.3"), to: other.appendingPathComponent(MergeRequestFixture.production + "/kustomization.yaml"))
        try Git.run(["-C", other.path, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qam", "newer run"])
        try Git.run(["-C", other.path, "push", "-q", "origin", "HEAD:refs/heads/newer"])
        let newer = try f.server.git(["rev-parse", "newer"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let hook = f.server.bare.appendingPathComponent("hooks/pre-receive")
        let marker = f.server.root.appendingPathComponent("moved").path
        try Fixtures.write("""
            #!/bin/sh
            cat >/dev/null
            [ -e '\(marker)' ] && exit 0
            touch '\(marker)'
            env -u GIT_QUARANTINE_PATH git update-ref 'refs/heads/\(branch)' '\(newer)'
            """, to: hook)
        XCTAssertEqual(chmod(hook.path, 0o755), 0)
        let late = try f.bump("1.0.2")
        XCTAssertTrue(FileManager.default.fileExists(atPath: marker), "the hook ran")
        XCTAssertEqual(late.status, 1, late.stdout + late.stderr)
        XCTAssertTrue(late.stderr.contains("refusing to downgrade \(SampleApp.image) from 1.0.3 to 1.0.2"), late.stderr)
        XCTAssertEqual(try f.server.git(["rev-parse", branch]).trimmingCharacters(in: .whitespacesAndNewlines), newer, "the bot branch keeps 1.0.3")
    }

    /// A local checkout stays on its branch with its files as they were; a second run still targets main; a
    /// checkout left on a bot branch is refused.
    func testLocalCheckoutIsLeftOnItsBranch() throws {
        let f = try MergeRequestFixture()
        defer { f.stop() }
        let local = try Fixtures.scratch("checkout")
        try Git.run(["clone", "-q", f.server.url, local.path])
        let file = local.appendingPathComponent(MergeRequestFixture.production + "/kustomization.yaml")
        for tag in ["2.0.0", "2.0.1"] {
            let r = try f.bump(tag, repo: local.path)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(try Git.output(["-C", local.path, "branch", "--show-current"]), "main\n")
            XCTAssertEqual(try Git.output(["-C", local.path, "status", "--porcelain"]), "")
            XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), SampleApp.overlay("1.0.0"))
        }
        let mrs = try f.mergeRequests()
        XCTAssertEqual(mrs.map { $0["target_branch"] as? String }, ["main"], "one MR, into main")

        let bot = try XCTUnwrap(mrs.first?["source_branch"] as? String)
        try Git.run(["-C", local.path, "checkout", "-q", bot])
        let onBot = try f.bump("2.0.2", repo: local.path)
        XCTAssertEqual(onBot.status, 1)
        XCTAssertTrue(onBot.stderr.contains("a bot branch"), onBot.stderr)
        XCTAssertEqual(try f.mergeRequests().count, 1)
    }

    /// `--reviewer nobody` fails before anything is pushed (GitLab: no such user; GitHub: not assignable).
    func testUnknownReviewerFailsBeforeThePush() throws {
        for gitlab in [true, false] {
            let f = try MergeRequestFixture(gitlab: gitlab)
            defer { f.stop() }
            let r = try f.bump("2.0.0", ["--reviewer", "nobody"])
            XCTAssertEqual(r.status, 1, r.stdout)
            XCTAssertTrue(r.stderr.contains("'nobody'"), r.stderr)
            XCTAssertFalse(r.stderr.contains("was pushed"), r.stderr)
            XCTAssertEqual(try f.branches(), ["main"], "no bot branch pushed")
            XCTAssertEqual(try f.requests().filter { $0.method != "GET" }.count, 0)
        }
    }

    /// A token without write access to the project fails before the push.
    func testReadOnlyTokenFailsBeforeThePush() throws {
        let f = try MergeRequestFixture()
        defer { f.stop() }
        try f.forge.fault(method: "GET", path: "/projects/team/config$", status: 200,
                          body: ["id": 100, "permissions": ["project_access": ["access_level": 20]]])
        let r = try f.bump("2.0.0")
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stderr.contains("access level 20"), r.stderr)
        XCTAssertEqual(try f.branches(), ["main"])
    }
}
