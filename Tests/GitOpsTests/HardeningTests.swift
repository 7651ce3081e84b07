import XCTest
@testable import GitOps

final class ResultBox<T>: @unchecked Sendable { var result: Result<T, Error>? }

extension ServerTestCase {
    /// Runs `body` on another thread and waits at most `limit` seconds for it (a hang fails the test instead of
    /// hanging the suite; tearDown then stops the servers, which ends the hung call).
    func bounded<T>(_ limit: TimeInterval, _ body: @escaping @Sendable () throws -> T) -> Result<T, Error>? {
        let box = ResultBox<T>(), done = DispatchSemaphore(value: 0)
        Thread { box.result = Result { try body() }; done.signal() }.start()
        guard done.wait(timeout: .now() + limit) == .success else { XCTFail("still running after \(limit) s"); return nil }
        return box.result
    }

    /// Bumps `url` expecting a timeout error about `url` (within 60 s); returns it with its phase and detail.
    func timeout(_ url: String, _ creds: GitCredentials, _ timeouts: NetworkTimeouts,
                 file: StaticString = #filePath, line: UInt = #line) -> (error: Error, phase: String, detail: String)? {
        let outcome = bounded(60) { try Self.bump(url, credentials: creds, tag: "never", timeouts: timeouts) }
        guard case .failure(let error)? = outcome else {
            XCTFail("expected a timeout, got \(String(describing: outcome))", file: file, line: line); return nil
        }
        guard case let GitOpsError.timedOut(remote, phase, detail) = error else { XCTFail("\(error)", file: file, line: line); return nil }
        XCTAssertEqual(remote, url, file: file, line: line)
        return (error, phase, detail)
    }

    /// B (127.0.0.2) serves the repo and would accept the token, recording every request in `record`; A
    /// (127.0.0.1) only redirects there.
    func redirectToAnotherOrigin() throws -> (a: ServerProcess, b: ServerProcess, record: String) {
        try Fixtures.makeBareRepo(root: dir)
        let record = dir + "/other-origin-requests.log"
        let b = try Fixtures.startHTTP(root: dir, password: canary, bind: "127.0.0.2", recordAuth: record, logDir: dir)
        servers.append(b)
        let a = try Fixtures.startHTTP(root: dir, password: nil, redirectTo: "http://127.0.0.2:\(b.port)", logDir: dir)
        servers.append(a)
        return (a, b, record)
    }
}

/// Credentials go only to the origin the user named; a stalled remote ends the run with a clear error.
final class HardeningTests: ServerTestCase {
    func testRedirectToAnotherOriginIsRefusedAndTheOtherServerGetsNoCredentials() throws {
        let (a, b, record) = try redirectToAnotherOrigin()
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
        let (a, _, record) = try redirectToAnotherOrigin()
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
        let (bare, marker, http, before) = try hangingHTTPRepo()
        let url = "http://127.0.0.1:\(http.port)/config.git"
        let creds = GitCredentials(environment: env(token: canary))
        guard let (error, phase, _) = timeout(url, creds, NetworkTimeouts(connect: 5, idle: 1)) else { return }
        XCTAssertEqual(phase, "pushing to")
        XCTAssertTrue("\(error)".hasPrefix("timed out pushing to \(url): no data from 127.0.0.1:\(http.port) for 1 s"), "\(error)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: marker), "the server received the push")
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "main"), before)
    }

    func testUnansweredConnectTimesOut() throws {
        // A listener whose accept queue is full: the kernel drops further SYNs, so connecting never completes.
        let listener = try Fixtures.silentListener(backlog: 0)
        defer { close(listener.fd) }
        let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(filler) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(listener.port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let url = "http://127.0.0.1:\(listener.port)/config.git"
        let creds = GitCredentials(environment: env(token: nil))
        guard let (_, phase, detail) = timeout(url, creds, NetworkTimeouts(connect: 1, idle: 30)) else { return }
        XCTAssertEqual(phase, "cloning")
        XCTAssertEqual(detail, "no connection to 127.0.0.1:\(listener.port) within 1 s")
    }

    func testStalledSSHPushTimesOut() throws {
        // libssh2 reads the socket itself: the stream's watchdog ends the connection when nothing moves.
        let bare = try Fixtures.makeBareRepo(root: dir)
        let hook = bare + "/hooks/pre-receive"
        try "#!/bin/sh\nsleep 15\nexit 1\n".write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        let ssh = try Fixtures.startSSHD(dir: dir)
        servers.append(ssh.server)
        let before = try Fixtures.git("--git-dir", bare, "rev-parse", "main")
        let url = "ssh://root@localhost:\(ssh.port)\(bare)"
        let creds = GitCredentials(sshKeyPath: ssh.clientKey, knownHostsPath: ssh.knownHosts, environment: env(token: nil))
        guard let (_, phase, detail) = timeout(url, creds, NetworkTimeouts(connect: 5, idle: 2)) else { return }
        XCTAssertEqual(phase, "pushing to")
        XCTAssertTrue(detail.hasPrefix("no data from localhost:\(ssh.port) for 2 s"), detail)
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "main"), before)
    }

    func testSilentServerTimesOutWhileCloning() throws {
        let listener = try Fixtures.silentListener()
        defer { close(listener.fd) }
        let url = "http://127.0.0.1:\(listener.port)/config.git"
        let creds = GitCredentials(environment: env(token: nil))
        guard let (_, phase, _) = timeout(url, creds, NetworkTimeouts(connect: 5, idle: 1)) else { return }
        XCTAssertEqual(phase, "cloning")
    }
}
