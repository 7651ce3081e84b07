import TestSupport
import XCTest
@testable import GitOps

/// SIGTERM/SIGINT sent to a running `imagebump-git` remove what it made in TMPDIR (the temporary clone; an SSH key
/// from IMAGEBUMP_SSH_KEY is never written there).
final class SignalTests: ServerTestCase {
    /// The built `imagebump-git`, next to the test bundle.
    static var binary: String? {
        var dir = Bundle(for: SignalTests.self).bundleURL
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("imagebump-git").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    func testSignalDuringPushRemovesTheTemporaryClone() throws {
        guard let binary = Self.binary else { throw unavailable("imagebump-git is not built") }
        let bare = dir + "/config.git"
        let seed = dir + "/seed"
        try Fixtures.run(["git", "init", "-q", "--bare", "-b", "main", bare])
        try Fixtures.run(["git", "init", "-q", "-b", "main", seed])
        try FileManager.default.createDirectory(atPath: seed + "/deploy", withIntermediateDirectories: true)
        try "image: registry.example.com/team/app:1.0\n".write(toFile: seed + "/deploy/app.yaml", atomically: true, encoding: .utf8)
        // a name that is not UTF-8 (not YAML, so the run goes on to the push): the clone holding it must go too
        let latin1 = Array((seed + "/deploy/notes-").utf8) + [0xE9] + Array(".txt".utf8) + [0]
        let fd = latin1.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) } }
        XCTAssertGreaterThanOrEqual(fd, 0); close(fd)
        try Fixtures.run(["git", "add", "-A"], cwd: seed)
        try Fixtures.run(["git", "commit", "-q", "-m", "seed"], cwd: seed)
        try Fixtures.run(["git", "push", "-q", bare, "main"], cwd: seed)

        for sig in [SIGTERM, SIGINT] {
            let marker = dir + "/hung-\(sig)"
            let http = try Fixtures.startHTTP(root: dir, password: canary, hangMarker: marker, logDir: dir)
            servers.append(http)
            let tmp = Fixtures.makeTempDir("signal-tmpdir")
            defer { try? FileManager.default.removeItem(atPath: tmp) }
            var e = env(token: canary)
            e["TMPDIR"] = tmp
            e["IMAGEBUMP_SSH_KEY"] = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n"
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = ["set", "--repo", "http://127.0.0.1:\(http.port)/config.git", "--push", "--timeout", "60",
                           "registry.example.com/team/app:2.0"]
            p.environment = e
            p.currentDirectoryURL = URL(fileURLWithPath: dir)
            p.standardInput = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            // The server has the push and does not answer: the run is inside git_remote_push.
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: marker) && p.isRunning && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
            XCTAssertTrue(FileManager.default.fileExists(atPath: marker), "the push never reached the server")
            let during = (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []
            XCTAssertTrue(during.contains { $0.hasPrefix("imagebump-clone-") }, "no temporary clone while pushing: \(during)")
            kill(p.processIdentifier, sig)
            let exitDeadline = Date().addingTimeInterval(15)
            while p.isRunning && Date() < exitDeadline { Thread.sleep(forTimeInterval: 0.02) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit(); XCTFail("signal \(sig) did not end the run") }
            XCTAssertEqual(p.terminationReason, .uncaughtSignal)
            XCTAssertEqual(p.terminationStatus, sig)
            let left = (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []
            XCTAssertEqual(left, [], "left in TMPDIR after signal \(sig)")
            http.stop()
        }
    }
}
