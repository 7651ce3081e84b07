import XCTest
@testable import GitOps

final class ResultBox<T>: @unchecked Sendable { var result: Result<T, Error>? }

/// Credentials go only to the origin the user named; a stalled remote ends the run with a clear error.
final class HardeningTests: ServerTestCase {
    /// Runs `body` on another thread and waits at most `limit` seconds for it (a hang fails the test instead of
    /// hanging the suite; tearDown then stops the servers, which ends the hung call).
    func bounded<T>(_ limit: TimeInterval, _ body: @escaping @Sendable () throws -> T) -> Result<T, Error>? {
        let box = ResultBox<T>(), done = DispatchSemaphore(value: 0)
        Thread { box.result = Result { try body() }; done.signal() }.start()
        guard done.wait(timeout: .now() + limit) == .success else { XCTFail("still running after \(limit) s"); return nil }
        return box.result
    }

    func testRedirectToAnotherOriginIsRefusedAndTheOtherServerGetsNoCredentials() throws {
        try Fixtures.makeBareRepo(root: dir)
        let record = dir + "/other-origin-requests.log"
        // B (127.0.0.2) serves the repo and would accept the token; A (127.0.0.1) only redirects there.
        let b = try Fixtures.startHTTP(root: dir, password: canary, bind: "127.0.0.2", recordAuth: record, logDir: dir)
        servers.append(b)
        let a = try Fixtures.startHTTP(root: dir, password: nil, redirectTo: "http://127.0.0.2:\(b.port)", logDir: dir)
        servers.append(a)
        let url = "http://127.0.0.1:\(a.port)/config.git"
        let log = ProgressLog()
        XCTAssertThrowsError(try bump(url, credentials: GitCredentials(environment: env(token: canary)), tag: "2.0",
                                      progress: log)) { error in
            guard case let GitOpsError.redirectRefused(from, target) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(from, url)
            XCTAssertEqual(target, "127.0.0.2:\(b.port)")
            XCTAssertTrue("\(error)".contains(url) && "\(error)".contains("127.0.0.2:\(b.port)"), "\(error)")
            assertNoCanary("\(error)", log.text)
        }
        let seen = (try? String(contentsOfFile: record, encoding: .utf8)) ?? ""
        XCTAssertFalse(seen.contains("AUTH "), "the other origin received credentials: \(seen)")
        XCTAssertEqual(seen, "", "the other origin got a connection")
    }

    func testRedirectWithURLCredentialsSendsThemNowhereElse() throws {
        try Fixtures.makeBareRepo(root: dir)
        let record = dir + "/other-origin-requests.log"
        let b = try Fixtures.startHTTP(root: dir, password: canary, bind: "127.0.0.2", recordAuth: record, logDir: dir)
        servers.append(b)
        let a = try Fixtures.startHTTP(root: dir, password: nil, redirectTo: "http://127.0.0.2:\(b.port)", logDir: dir)
        servers.append(a)
        XCTAssertThrowsError(try bump("http://bot:\(canary)@127.0.0.1:\(a.port)/config.git",
                                      credentials: GitCredentials(environment: env(token: nil)), tag: "2.0")) { error in
            guard case GitOpsError.redirectRefused = error else { return XCTFail("\(error)") }
            assertNoCanary("\(error)")
        }
        XCTAssertEqual((try? String(contentsOfFile: record, encoding: .utf8)) ?? "", "")
    }

    func testTokenOverPlainHTTPWarnsOnce() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let http = try Fixtures.startHTTP(root: dir, password: canary, logDir: dir)
        servers.append(http)
        let log = ProgressLog()
        try bump("http://127.0.0.1:\(http.port)/config.git", credentials: GitCredentials(environment: env(token: canary)),
                 tag: "plain", progress: log)
        try assertLanded(bare, index: 0, tag: "plain")
        let warnings = log.text.components(separatedBy: "\n").filter { $0.hasPrefix("warning: ") }
        XCTAssertEqual(warnings.count, 1, log.text)  // clone and push both sent the token: one warning
        XCTAssertTrue(warnings.first?.contains("plain http://") ?? false, log.text)
        assertNoCanary(log.text)
    }

    func testStalledReceivePackTimesOutNamingRemoteAndPhase() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let marker = dir + "/hung"
        let http = try Fixtures.startHTTP(root: dir, password: canary, hangMarker: marker, logDir: dir)
        servers.append(http)
        let before = try Fixtures.git("--git-dir", bare, "rev-parse", "main")
        let url = "http://127.0.0.1:\(http.port)/config.git"
        let creds = GitCredentials(environment: env(token: canary))
        let outcome = bounded(60) {
            try Self.bump(url, credentials: creds, tag: "never", timeouts: NetworkTimeouts(connect: 5, idle: 1))
        }
        guard case .failure(let error)? = outcome else { return XCTFail("expected a timeout, got \(String(describing: outcome))") }
        guard case let GitOpsError.timedOut(remote, phase, _) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(remote, url)
        XCTAssertEqual(phase, "pushing to")
        XCTAssertTrue("\(error)".hasPrefix("timed out pushing to \(url): no data from 127.0.0.1:\(http.port) for 1 s"), "\(error)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: marker), "the server received the push")
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "main"), before)
    }

    func testSilentServerTimesOutWhileCloning() throws {
        let listener = try Fixtures.silentListener()
        defer { close(listener.fd) }
        let url = "http://127.0.0.1:\(listener.port)/config.git"
        let creds = GitCredentials(environment: env(token: nil))
        let outcome = bounded(60) {
            try Self.bump(url, credentials: creds, tag: "never", timeouts: NetworkTimeouts(connect: 5, idle: 1))
        }
        guard case .failure(let error)? = outcome else { return XCTFail("expected a timeout, got \(String(describing: outcome))") }
        guard case let GitOpsError.timedOut(remote, phase, _) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(remote, url)
        XCTAssertEqual(phase, "cloning")
    }
}
