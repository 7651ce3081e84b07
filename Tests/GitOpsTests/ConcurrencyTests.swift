import XCTest
@testable import GitOps

final class ConcurrencyTests: ServerTestCase {
    /// 20 publishers (threads, each with its own clone) edit 20 different lines of the SAME file at once
    /// over authenticated smart HTTP: all land, history is linear, the file holds all 20 values.
    func testTwentyConcurrentPublishersAllLand() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let http = try Fixtures.startHTTP(root: dir, password: canary, logDir: dir)
        servers.append(http)
        let url = "http://127.0.0.1:\(http.port)/config.git"
        let creds = GitCredentials(environment: env(token: canary))
        let n = 20
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var results: [Int: Result<PublishResult, Error>] = [:]
            var logs: [ProgressLog] = []
        }
        let box = Results()
        let group = DispatchGroup()
        let start = Date()
        for i in 0..<n {
            group.enter()
            let log = ProgressLog()
            box.lock.lock(); box.logs.append(log); box.lock.unlock()
            let t = Thread {
                let r = Result { try ServerTestCase.bump(url, credentials: creds, index: i, tag: "conc-\(i)", progress: log) }
                box.lock.lock(); box.results[i] = r; box.lock.unlock()
                group.leave()
            }
            t.stackSize = 4 << 20
            t.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success)
        let elapsed = Date().timeIntervalSince(start)
        var attempts: [Int] = []
        for i in 0..<n {
            switch box.results[i] {
            case .success(let r)?:
                XCTAssertTrue(r.pushed, "publisher \(i)")
                attempts.append(r.attempts)
            case .failure(let e)?: XCTFail("publisher \(i) failed: \(e)"); assertNoCanary("\(e)")
            case nil: XCTFail("publisher \(i) did not finish")
            }
        }
        for log in box.logs { assertNoCanary(log.text) }
        let content = try Fixtures.show(bare, "main:\(Fixtures.valuesFile)")
        XCTAssertEqual(content, Fixtures.values((0..<n).map { "conc-\($0)" }))
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-list", "--count", "main"), "\(n + 1)")
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-list", "--merges", "--count", "main"), "0", "history must be linear")
        assertNoCanary(try Fixtures.git("--git-dir", bare, "log", "--format=%B", "main"))
        print("20 concurrent publishers: \(String(format: "%.1f", elapsed))s, attempts \(attempts.sorted())")

        // Re-running all 20 with the values in place: no commits.
        let head = try Fixtures.git("--git-dir", bare, "rev-parse", "main")
        let r = try bump(url, credentials: creds, index: 4, tag: "conc-4")
        XCTAssertNil(r.commit)
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "main"), head)
    }

    /// A publisher whose push is rejected because another landed first re-applies the edit on the new head;
    /// when the other already set the same value, it stops with no commit.
    func testRejectedPushReappliesOrStopsWhenAlreadyInPlace() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let url = "file://\(bare)"
        let creds = GitCredentials(environment: env(token: nil))
        // Repo A is cloned, then B lands a change; A's first push is rejected and A re-applies.
        let a = try ConfigRepo.prepare(location: url, credentials: creds)
        defer { a.close() }
        try bump(url, credentials: creds, index: 1, tag: "b-1")
        var calls = 0
        let ra = try a.publish(backoff: .none, message: "a") { wd in calls += 1; return try Fixtures.setTag(index: 2, tag: "a-2")(wd) }
        XCTAssertEqual(ra.attempts, 2); XCTAssertEqual(calls, 2); XCTAssertTrue(ra.pushed)
        try assertLanded(bare, index: 1, tag: "b-1")
        try assertLanded(bare, index: 2, tag: "a-2")

        // C is cloned, D sets the very value C wants: C's re-apply finds nothing to change → no commit.
        let c = try ConfigRepo.prepare(location: url, credentials: creds)
        defer { c.close() }
        try bump(url, credentials: creds, index: 5, tag: "same")
        let head = try Fixtures.git("--git-dir", bare, "rev-parse", "main")
        // C's working tree is stale, so its first edit does change the file and its push is rejected.
        let rc = try c.publish(backoff: .none, message: "c", edit: Fixtures.setTag(index: 5, tag: "same"))
        XCTAssertNil(rc.commit); XCTAssertEqual(rc.attempts, 2)
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "main"), head)

        // Bounded attempts: retries: 0 gives up after the first rejection.
        let d = try ConfigRepo.prepare(location: url, credentials: creds)
        defer { d.close() }
        try bump(url, credentials: creds, index: 6, tag: "e-6")
        XCTAssertThrowsError(try d.publish(retries: 0, backoff: .none, message: "d", edit: Fixtures.setTag(index: 7, tag: "d-7"))) { e in
            XCTAssertTrue("\(e)".contains("gave up after 1 attempts"), "\(e)")
        }
    }

    /// Sparse clone (checkoutPaths): only the edited file is on disk, yet commits keep every file,
    /// also across a rejected push and re-apply.
    func testSparseCheckoutKeepsOtherFilesAcrossReapply() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let url = "file://\(bare)"
        let creds = GitCredentials(environment: env(token: nil))
        let a = try ConfigRepo.prepare(location: url, credentials: creds, checkoutPaths: [Fixtures.valuesFile])
        defer { a.close() }
        XCTAssertTrue(FileManager.default.fileExists(atPath: a.workdir + "/" + Fixtures.valuesFile))
        XCTAssertFalse(FileManager.default.fileExists(atPath: a.workdir + "/README.md"))
        try bump(url, credentials: creds, index: 1, tag: "other")
        let r = try a.publish(backoff: .none, message: "sparse", edit: Fixtures.setTag(index: 2, tag: "sparse"))
        XCTAssertTrue(r.pushed); XCTAssertEqual(r.attempts, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: a.workdir + "/README.md"))
        try assertLanded(bare, index: 1, tag: "other")
        try assertLanded(bare, index: 2, tag: "sparse")
        XCTAssertEqual(try Fixtures.show(bare, "main:README.md"), "# config repo\n")
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "diff", "--name-only", "main~1", "main"), Fixtures.valuesFile)
    }
}
