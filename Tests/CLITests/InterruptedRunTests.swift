import Foundation
import XCTest

/// A running `imagebump set` on a large tree, interrupted by a real signal or raced by a real concurrent writer
/// (issue 12 items 5 and 6). The test acts when inotify shows the first staged temp file, i.e. while imagebump is
/// still planning the rest of the tree (every rename waits until all files are planned).
final class InterruptedRunTests: XCTestCase {
    let dirs = 8, filesPerDir = 250

    /// `root/dNN/fNNN.yaml`, each holding `image: app:1`.
    func bigTree() throws -> URL {
        let root = try Fixtures.scratch("big").appendingPathComponent("tree")
        for d in 0..<dirs {
            let dir = root.appendingPathComponent(String(format: "d%02d", d))
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for f in 0..<filesPerDir {
                try Data("image: app:1\n".utf8).write(to: dir.appendingPathComponent(String(format: "f%03d.yaml", f)))
            }
        }
        return root
    }

    /// Root-relative paths of every entry whose name contains `marker`.
    func entries(_ root: URL, containing marker: String) -> [String] {
        (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).filter { $0.contains(marker) }.sorted()
    }

    func yamlContents(_ root: URL) throws -> Set<String> {
        var out: Set<String> = []
        for rel in FileManager.default.enumerator(atPath: root.path)!.allObjects as! [String] where rel.hasSuffix(".yaml") {
            out.insert(try String(contentsOf: root.appendingPathComponent(rel), encoding: .utf8))
        }
        return out
    }

    /// Starts `imagebump set app:2` in `root` and returns once a staged temp file appeared (or the bound ran out).
    func startAndWaitForFirstTempFile(_ root: URL, watching: [String]) throws -> (Process, Pipe, String?) {
        let inotify = try Inotify()
        for d in watching { try inotify.watch(root.appendingPathComponent(d).path, Inotify.create) }
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["set", "app:2"]
        p.currentDirectoryURL = root
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        for _ in 0..<600 { // at most 60 s
            if let e = inotify.events(timeoutMs: 100).first(where: { $0.name.contains(".imagebump-tmp-") }) { return (p, err, e.name) }
            if !p.isRunning { break }
        }
        return (p, err, nil)
    }

    func testSIGTERMRemovesStagedTempFilesAndWritesNothing() throws {
        let root = try bigTree()
        let (p, _, temp) = try startAndWaitForFirstTempFile(root, watching: (0..<dirs).map { String(format: "d%02d", $0) })
        XCTAssertNotNil(temp, "imagebump staged a temp file")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        XCTAssertEqual(p.terminationStatus, SIGTERM, "ended by the signal it received")
        XCTAssertEqual(entries(root, containing: "imagebump"), [], "every staged temp file removed")
        XCTAssertEqual(try yamlContents(root), ["image: app:1\n"], "nothing written")
    }

    func testLeftoversOfASIGKILLedRunAreNotFoundCountedOrEdited() throws {
        let root = try bigTree()
        let (p, _, temp) = try startAndWaitForFirstTempFile(root, watching: (0..<dirs).map { String(format: "d%02d", $0) })
        XCTAssertNotNil(temp)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let leftovers = entries(root, containing: ".imagebump-tmp-")
        XCTAssertFalse(leftovers.isEmpty, "SIGKILL cannot be caught: its temp files stay")
        XCTAssertTrue(leftovers.allSatisfy { $0.split(separator: "/").last!.hasPrefix(".f") }, "named after their target: \(leftovers.prefix(3))")
        let before = try leftovers.map { try Data(contentsOf: root.appendingPathComponent($0)) }

        let r = try CLI.run(["set", "app:2"], in: root)
        XCTAssertEqual(r.status, 0, r.stderr)
        let n = dirs * filesPerDir
        XCTAssertTrue(r.stdout.hasSuffix("updated \(n) files (\(n) changes)\n"), "only the real files counted: \(r.stdout.suffix(80))")
        XCTAssertEqual(entries(root, containing: ".imagebump-tmp-"), leftovers, "the next run leaves them alone")
        XCTAssertEqual(try leftovers.map { try Data(contentsOf: root.appendingPathComponent($0)) }, before, "not edited")
    }

    func testFileRewrittenByAConcurrentWriterIsNotOverwritten() throws {
        let root = try bigTree()
        try Fixtures.write("image: app:1\n", to: root.appendingPathComponent("a/a.yaml")) // planned first
        let (p, err, temp) = try startAndWaitForFirstTempFile(root, watching: ["a"])
        XCTAssertEqual(temp?.hasPrefix(".a.yaml.imagebump-tmp-"), true, "\(temp ?? "no temp file")")
        // the other writer: rewrites a.yaml in place while imagebump plans the rest of the tree
        let h = try FileHandle(forWritingTo: root.appendingPathComponent("a/a.yaml"))
        try h.write(contentsOf: Data("image: app:7\n".utf8)); try h.close()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 1, stderr)
        XCTAssertTrue(stderr.contains("a/a.yaml: changed by another process since imagebump read it; nothing written"), stderr)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("a/a.yaml"), encoding: .utf8), "image: app:7\n", "the other writer's update kept")
        XCTAssertEqual(try yamlContents(root), ["image: app:1\n", "image: app:7\n"], "nothing of the run written")
        XCTAssertEqual(entries(root, containing: "imagebump"), [])
    }
}
