import Foundation
import TestSupport
import XCTest

/// What a run of the built `imagebump` printed and how it ended.
typealias CLIResult = ProgramResult

/// Runs the built `imagebump` binary in a scratch directory.
enum CLI {
    static var binary: URL {
        // the test bundle sits next to the products in .build/<config>/
        var dir = Bundle(for: Marker.self).bundleURL
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("imagebump")
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        fatalError("imagebump binary not found next to the test bundle")
    }

    @discardableResult
    static func run(_ args: [String], in cwd: URL, env: [String: String] = [:]) throws -> CLIResult {
        try runProgram(binary.path, args, in: cwd, env: env)
    }

    static func runProgram(_ path: String, _ args: [String], in cwd: URL, env: [String: String] = [:], unset: [String] = []) throws -> CLIResult {
        // no CI platform's variables leak in from the job running the tests: a test names the platform it plays
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !["GITLAB_", "GITHUB_", "CI_"].contains { key.hasPrefix($0) }
        }
        for k in unset { environment[k] = nil }
        for (k, v) in env { environment[k] = v }
        // stderr through a file: a run that fills both pipes cannot block while stdout is read
        return try TestSupport.runProgram(path, args, in: cwd.path, environment: environment)
    }

    private final class Marker {}
}

/// The repository's `examples/` directory and scratch copies of it.
enum Fixtures {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var examples: URL { repoRoot.appendingPathComponent("examples") }

    /// A new directory in TMPDIR, removed when the running test finishes.
    static func scratch(_ name: String = "cli") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imagebump-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        ScratchCleanup.shared.add(dir)
        return dir
    }

    static func copyExamples() throws -> URL {
        let dir = try scratch("examples")
        let dest = dir.appendingPathComponent("gitops")
        try FileManager.default.copyItem(at: examples, to: dest)
        return dest
    }

    /// Every file under `dir` with its bytes, to prove nothing was written.
    static func snapshot(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in e where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            out[url.path] = try Data(contentsOf: url)
        }
        return out
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}

/// Removes the scratch directories made during a test once it has finished, passed or failed (after its tearDown,
/// so a server serving one is stopped first): a test run leaves nothing in TMPDIR.
final class ScratchCleanup: NSObject, XCTestObservation, @unchecked Sendable {
    static let shared: ScratchCleanup = {
        let c = ScratchCleanup()
        XCTestObservationCenter.shared.addTestObserver(c)
        return c
    }()

    private let lock = NSLock()
    private var made: [URL] = []

    func add(_ dir: URL) { lock.lock(); made.append(dir); lock.unlock() }

    func testCaseDidFinish(_ testCase: XCTestCase) {
        lock.lock(); let done = made; made = []; lock.unlock()
        for dir in done { try? FileManager.default.removeItem(at: dir) }
    }
}
