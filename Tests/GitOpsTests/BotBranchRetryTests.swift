import XCTest
@testable import GitOps

/// The retry of a rejected push to a bot branch rebuilds the branch while it is checked out (`resetBranch`).
/// libgit2 refuses to force-move the branch HEAD is on ("cannot force update branch … current HEAD"), which made
/// the loser of two runs pushing one bot branch fail about one run in four; HEAD is now detached first.
final class BotBranchRetryTests: ServerTestCase {
    /// The race made deterministic: a lock on the bot branch in the server's repository (what a concurrent push
    /// holds while it updates the ref) makes the first push fail with "failed to update ref", a retryable refusal;
    /// the lock is gone by the second attempt. The retry resets the checked-out bot branch and lands.
    func testRetriedPushRebuildsTheCheckedOutBotBranch() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let http = try Fixtures.startHTTP(root: dir, password: canary, logDir: dir)
        servers.append(http)
        let url = "http://127.0.0.1:\(http.port)/config.git"
        let creds = GitCredentials(environment: env(token: canary))
        let bot = "imagebump/bot"
        try bump(url, credentials: creds, index: 3, tag: "first", pushBranch: bot) // the bot branch exists, as for a re-run
        let lockDir = bare + "/refs/heads/imagebump"
        try FileManager.default.createDirectory(atPath: lockDir, withIntermediateDirectories: true)
        let lock = lockDir + "/bot.lock"
        defer { try? FileManager.default.removeItem(atPath: lock) }

        var attempts: [Bool] = [] // whether the lock was there, per edit
        let log = ProgressLog()
        let main = try Fixtures.git("--git-dir", bare, "rev-parse", "main")
        let r = try ConfigRepo.with(location: url, credentials: creds, progress: log.sink) { repo in
            try repo.publish(pushBranch: bot, author: GitAuthor(name: "Test Bot", email: "bot@localhost"), backoff: .none,
                             message: "bump") { wd in
                if attempts.isEmpty {
                    XCTAssertTrue(FileManager.default.createFile(atPath: lock, contents: nil))
                } else {
                    try FileManager.default.removeItem(atPath: lock)
                }
                attempts.append(attempts.isEmpty)
                return try Fixtures.setTag(index: 3, tag: "second")(wd)
            }
        }
        XCTAssertEqual(attempts, [true, false], "one rejected push, one retry")
        XCTAssertEqual(r.attempts, 2)
        XCTAssertTrue(r.pushed)
        XCTAssertEqual(r.branch, bot)
        XCTAssertTrue(log.text.contains("failed to update ref"), log.text)
        try assertLanded(bare, index: 3, tag: "second", branch: bot)
        // rebuilt from main's head, not stacked on the old bot commit
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "\(bot)~1"), main)
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "main"), main, "main untouched")
    }
}
