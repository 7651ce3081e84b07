import Foundation
import TestSupport
import XCTest

/// `--phase-timeout` and `--max-pack-size` reach the git transport: a hostile git:// server (Tests/GitOpsTests/
/// Fixtures/hostile_git_server.py, loopback) that trickles or sends without end is stopped with an error that
/// names the phase, the remote and the option (#16.13, #24.3).
final class NetworkLimitTests: XCTestCase {
    /// Starts the hostile server in `mode`; returns it and its port (it stops by itself after 60 s).
    func hostile(_ mode: String) throws -> (LoopbackScript, Int) {
        let server = try LoopbackScript(LoopbackScript.gitFixture("hostile_git_server.py"),
                                        ["--mode", mode, "--max-seconds", "60", "--max-bytes", "\(256 << 20)"])
        addTeardownBlock { server.stop() }
        return (server, server.port)
    }

    func testPhaseTimeoutEndsATrickle() throws {
        let (_, port) = try hostile("trickle")
        let url = "git://127.0.0.1:\(port)/config.git"
        let r = try CLI.run(["set", "--push", "--repo", url, "--phase-timeout", "2", "-f", "deploy", "registry.example.com/app:2"],
                            in: try Fixtures.scratch())
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("timed out cloning \(url): not done with 127.0.0.1:\(port) within 2 s"
                                        + " (raise the limit with --phase-timeout SECONDS)"), r.stderr)
    }

    func testMaxPackSizeStopsAnEndlessPack() throws {
        let (_, port) = try hostile("endless-pack")
        let url = "git://127.0.0.1:\(port)/config.git"
        let tmp = try Fixtures.scratch("tmpdir")
        let r = try CLI.run(["set", "--push", "--repo", url, "--max-pack-size", "2", "-f", "deploy", "registry.example.com/app:2"],
                            in: try Fixtures.scratch(), env: ["TMPDIR": tmp.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("stopped cloning \(url): the server sent more than 2 MiB, the limit for one transfer"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), [])
    }

    /// The application's history (`--source-repo URL`, fetched for the stale-run guard) is fetched under the same
    /// limits as the config repo: a trickling source server is given up after --phase-timeout, not the default.
    func testPhaseTimeoutBoundsTheSourceRepositoryFetch() throws {
        let (_, port) = try hostile("trickle")
        let url = "git://127.0.0.1:\(port)/app.git"
        let old = String(repeating: "a", count: 40), new = String(repeating: "b", count: 40)
        let dir = try Fixtures.scratch()
        try Fixtures.write("image: registry.example.com/app:\(old)\n", to: dir.appendingPathComponent("deploy.yaml"))
        let r = try CLI.run(["set", "--source-repo", url, "--phase-timeout", "2", "-f", "deploy.yaml",
                             "registry.example.com/app:\(new)"], in: dir)
        XCTAssertTrue(r.stderr.contains("not done with 127.0.0.1:\(port) within 2 s"), r.stderr)
    }

    func testLimitsOutOfRangeAreUsageErrors() throws {
        let cwd = try Fixtures.scratch()
        for (option, value) in [("--phase-timeout", "0"), ("--phase-timeout", "86401"), ("--max-pack-size", "0")] {
            let r = try CLI.run(["set", "--push", "--repo", "git://127.0.0.1:1/x.git", option, value, "registry.example.com/app:2"], in: cwd)
            XCTAssertEqual(r.status, 64, "\(option) \(value): \(r.stderr)")
            // the option's name is on the command line and in the refusal's Help: line; the error itself names the value
            XCTAssertTrue(r.stderr.contains("The value '\(value)' is invalid for '\(option) <"), r.stderr)
        }
    }
}
