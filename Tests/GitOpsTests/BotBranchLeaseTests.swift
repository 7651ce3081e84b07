import XCTest
@testable import GitOps

/// The force push of a bot branch replaces only the commit the run read and checked (a lease): another writer that
/// moved the branch between the read and the push makes the push refused, and the run reads the branch again, runs
/// its check on it and re-applies its edit, never overwriting what it did not check.
final class BotBranchLeaseTests: ServerTestCase {
    private let bot = "imagebump/bot"
    private let author = GitAuthor(name: "Test Bot", email: "bot@localhost")

    /// The race made deterministic: the other writer pushes from inside the run's first edit, after the run read
    /// the branch and before it pushes.
    private func serve() throws -> (bare: String, url: String, creds: GitCredentials) {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let http = try Fixtures.startHTTP(root: dir, password: canary, logDir: dir)
        servers.append(http)
        let url = "http://127.0.0.1:\(http.port)/config.git"
        let creds = GitCredentials(environment: env(token: canary))
        try bump(url, credentials: creds, index: 3, tag: "v1", pushBranch: bot) // the open MR's branch
        return (bare, url, creds)
    }

    private func tag(at workdir: String) throws -> String? {
        let text = try String(contentsOfFile: workdir + "/" + Fixtures.valuesFile, encoding: .utf8)
        return text.split(separator: "\n").first { $0.hasPrefix("svc03:") }.map { String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces) }
    }

    struct Older: Error {}

    /// A late older run (v2) whose check passed against v1: a newer run pushes v3 before it, so its lease is broken;
    /// the fresh read shows v3, its check refuses, and the branch keeps v3 (the old force push put v2 over it).
    func testOlderRunIsRefusedWhenTheBranchMovedAfterItsCheck() throws {
        let (bare, url, creds) = try serve()
        var checked: [String?] = []
        var edits = 0
        let log = ProgressLog()
        XCTAssertThrowsError(try ConfigRepo.with(location: url, credentials: creds, progress: log.sink) { repo in
            try repo.publish(pushBranch: bot, pushBranchCheck: { wd in
                let t = try self.tag(at: wd)
                checked.append(t)
                if t == "v3" { throw Older() } // the downgrade guard's part: the branch holds a newer value
            }, author: author, backoff: .none, message: "bump") { wd in
                edits += 1
                if edits == 1 { try self.bump(url, credentials: creds, index: 3, tag: "v3", pushBranch: self.bot) }
                return try Fixtures.setTag(index: 3, tag: "v2")(wd)
            }
        }) { XCTAssertTrue($0 is Older, "\($0)") }
        XCTAssertEqual(checked, ["v1", "v3"], "checked as read, then again after the refused push")
        XCTAssertEqual(edits, 1)
        try assertLanded(bare, index: 3, tag: "v3", branch: bot)
        XCTAssertTrue(log.text.contains("moved on the remote (refs/heads/\(bot) is "), log.text)
    }

    /// The check passes on the moved branch: the run re-applies its edit on a fresh read and lands on attempt 2,
    /// rebuilt from the target's head.
    func testMovedBranchIsReadAgainAndTheEditReapplied() throws {
        let (bare, url, creds) = try serve()
        var checked: [String?] = []
        var edits = 0
        let log = ProgressLog()
        let main = try Fixtures.git("--git-dir", bare, "rev-parse", "main")
        let r = try ConfigRepo.with(location: url, credentials: creds, progress: log.sink) { repo in
            try repo.publish(pushBranch: bot, pushBranchCheck: { checked.append(try self.tag(at: $0)) }, author: author,
                             backoff: .none, message: "bump") { wd in
                edits += 1
                if edits == 1 { try self.bump(url, credentials: creds, index: 3, tag: "v1b", pushBranch: self.bot) }
                return try Fixtures.setTag(index: 3, tag: "v2")(wd)
            }
        }
        XCTAssertEqual(checked, ["v1", "v1b"])
        XCTAssertEqual(edits, 2)
        XCTAssertEqual(r.attempts, 2)
        XCTAssertTrue(r.pushed)
        XCTAssertTrue(log.text.contains("moved on the remote (refs/heads/\(bot) is "), log.text)
        try assertLanded(bare, index: 3, tag: "v2", branch: bot)
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "\(bot)~1"), main)
    }
}
