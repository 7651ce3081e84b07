import XCTest
@testable import GitOps

/// Pushes of file:// clones move the branch only from the commit they were built on (LocalPush.swift).
final class LocalPushTests: ServerTestCase {
    /// 12 publishers at once, each its own file:// clone and its own line: every one lands (libgit2's local
    /// transport overwrote the ref, and some "pushed" bumps were lost), the history is linear.
    func testConcurrentFileURLPushesAllLand() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let url = "file://\(bare)"
        let creds = GitCredentials(environment: env(token: nil))
        let n = 12
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var results: [Int: Result<PublishResult, Error>] = [:]
        }
        let box = Results()
        let group = DispatchGroup()
        for i in 0..<n {
            group.enter()
            let t = Thread {
                let r = Result { try ServerTestCase.bump(url, credentials: creds, index: i, tag: "local-\(i)", retries: 30, backoff: .none) }
                box.lock.lock(); box.results[i] = r; box.lock.unlock()
                group.leave()
            }
            t.stackSize = 4 << 20
            t.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success)
        for i in 0..<n {
            switch box.results[i] {
            case .success(let r)?: XCTAssertTrue(r.pushed, "publisher \(i)")
            case .failure(let e)?: XCTFail("publisher \(i) failed: \(e)")
            case nil: XCTFail("publisher \(i) did not finish")
            }
        }
        XCTAssertEqual(try Fixtures.show(bare, "main:\(Fixtures.valuesFile)"), Fixtures.values((0..<n).map { "local-\($0)" } + Array(repeating: "v0", count: 20 - n)))
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-list", "--count", "main"), "\(n + 1)")
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-list", "--merges", "--count", "main"), "0")
        _ = try Fixtures.run(["git", "--git-dir", bare, "fsck", "--no-progress"])
    }

    /// A bot branch (force push with a lease) over file:// is created, then replaced, never clobbered blindly.
    func testBotBranchOverFileURL() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let url = "file://\(bare)"
        let creds = GitCredentials(environment: env(token: nil))
        try bump(url, credentials: creds, index: 3, tag: "bot-1", pushBranch: "imagebump/bot")
        let r = try bump(url, credentials: creds, index: 3, tag: "bot-2", pushBranch: "imagebump/bot")
        XCTAssertTrue(r.pushed)
        try assertLanded(bare, index: 3, tag: "bot-2", branch: "imagebump/bot")
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "imagebump/bot~1"), try Fixtures.git("--git-dir", bare, "rev-parse", "main"))
    }
}
