import XCTest
@testable import GitOps

/// A server that keeps the connection busy without ever finishing ends the run at the phase's deadline, and one
/// that sends without end is stopped at the size limit (#16.13, #24.3).
final class HostileServerTests: ServerTestCase {
    func startHostile(_ mode: String, log: String) throws -> ServerProcess {
        let python = try Fixtures.require("python3")
        let server = try ServerProcess.start([python, Fixtures.fixturesDir + "/hostile_git_server.py", "--mode", mode,
                                              "--log", log, "--max-seconds", "90", "--max-bytes", "\(256 << 20)"],
                                             env: ProcessInfo.processInfo.environment, port: nil, logDir: dir)
        servers.append(server)
        return server
    }

    /// Runs `body` with $TMPDIR set to an empty directory of this test's; returns that directory.
    func withOwnTMPDIR(_ body: () -> Void) -> String {
        let tmp = dir + "/tmpdir"
        try? FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let before = ProcessInfo.processInfo.environment["TMPDIR"]
        setenv("TMPDIR", tmp, 1)
        defer { if let before { setenv("TMPDIR", before, 1) } else { unsetenv("TMPDIR") } }
        body()
        return tmp
    }

    func testOneProgressBytePerSecondEndsAtThePhaseDeadline() throws {
        let server = try startHostile("trickle", log: dir + "/sent.log")
        let url = "git://127.0.0.1:\(server.port)/config.git"
        // the idle limit never fires (a byte comes every second): only the deadline can end this clone
        guard let (error, phase, detail) = timeout(url, GitCredentials(environment: env(token: nil)),
                                                   NetworkTimeouts(connect: 5, idle: 30, phase: 3)) else { return }
        XCTAssertEqual(phase, "cloning")
        XCTAssertEqual(detail, "not done with 127.0.0.1:\(server.port) within 3 s")
        XCTAssertEqual("\(error)", "timed out cloning \(url): \(detail) (raise the limit with --phase-timeout SECONDS)")
    }

    func testAnEndlessPackIsStoppedAtTheSizeLimitAndLeavesNothingInTMPDIR() throws {
        let log = dir + "/sent.log"
        let server = try startHostile("endless-pack", log: log)
        let url = "git://127.0.0.1:\(server.port)/config.git"
        let limits = NetworkTimeouts(connect: 5, idle: 30, phase: 60, maxPackBytes: 4 << 20)
        var outcome: Result<PublishResult, Error>?
        let credentials = GitCredentials(environment: env(token: nil))
        let tmp = withOwnTMPDIR {
            outcome = bounded(60) { try Self.bump(url, credentials: credentials, tag: "never", timeouts: limits) }
        }
        guard case .failure(let error)? = outcome else { return XCTFail("expected the limit, got \(String(describing: outcome))") }
        guard case let GitOpsError.receiveLimitExceeded(remote, phase, limit) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(remote, url)
        XCTAssertEqual(phase, "cloning")
        XCTAssertEqual(limit, 4 << 20)
        XCTAssertTrue("\(error)".hasPrefix("stopped cloning \(url): the server sent more than 4 MiB"), "\(error)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp), [], "the partial clone was left behind")
        server.stop()  // the connection is closed; its line is in the log once the server ends
        let sent = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let bytes = sent.split(separator: "\n").compactMap { Int($0.split(separator: " ").last ?? "") }.max() ?? 0
        XCTAssertLessThan(bytes, 64 << 20, "the client kept reading after the limit: \(sent)")
    }

    func testKeepalivesDuringASlowPreReceiveHookEndAtThePhaseDeadline() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        try Fixtures.run(["git", "--git-dir", bare, "config", "receive.keepAlive", "1"])
        let hook = bare + "/hooks/pre-receive"
        // a hook that takes long and says so: keepalives, then a progress dot every second, keep the push alive
        try "#!/bin/sh\ni=0\nwhile [ $i -lt 40 ]; do sleep 1; echo . >&2; i=$((i+1)); done\nexit 1\n"
            .write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        let daemon = try Fixtures.startGitDaemon(root: dir, logDir: dir)
        servers.append(daemon)
        let before = try Fixtures.git("--git-dir", bare, "rev-parse", "main")
        let url = "git://127.0.0.1:\(daemon.port)/config.git"
        guard let (_, phase, detail) = timeout(url, GitCredentials(environment: env(token: nil)),
                                               NetworkTimeouts(connect: 5, idle: 3, phase: 6)) else { return }
        XCTAssertEqual(phase, "pushing to")
        XCTAssertEqual(detail, "not done with 127.0.0.1:\(daemon.port) within 6 s; the push was not confirmed: re-running is safe")
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "main"), before)
    }
}
