import XCTest
@testable import ImagebumpKit

final class UnifiedDiffTests: XCTestCase {
    func testHunkWithContextAndHeaders() {
        let old = (1...10).map { "line \($0)\n" }.joined()
        let new = old.replacingOccurrences(of: "line 5\n", with: "line five\n")
        let d = UnifiedDiff.render(path: "a/k.yaml", old: Array(old.utf8), new: Array(new.utf8))
        XCTAssertEqual(d, """
        --- a/a/k.yaml
        +++ b/a/k.yaml
        @@ -2,7 +2,7 @@
         line 2
         line 3
         line 4
        -line 5
        +line five
         line 6
         line 7
         line 8

        """)
    }

    func testSeparateHunksAndMissingFinalNewline() {
        let old = (1...20).map { "l\($0)" }.joined(separator: "\n")
        let new = old.replacingOccurrences(of: "l2\n", with: "L2\n").replacingOccurrences(of: "l20", with: "L20")
        let d = UnifiedDiff.render(path: "x", old: Array(old.utf8), new: Array(new.utf8))
        XCTAssertTrue(d.contains("@@ -1,5 +1,5 @@\n"), d)
        XCTAssertTrue(d.contains("@@ -17,4 +17,4 @@\n"), d)
        XCTAssertTrue(d.hasSuffix("-l20\n\\ No newline at end of file\n+L20\n\\ No newline at end of file\n"), d)
    }

    func testRemovedLinesAndColours() {
        let d = UnifiedDiff.render(path: "k", old: Array("a\nb\nc\n".utf8), new: Array("a\nc\n".utf8), colors: .ansi)
        XCTAssertTrue(d.contains("@@ -1,3 +1,2 @@"), d)
        XCTAssertTrue(d.contains("\u{1B}[31m-b\u{1B}[0m\n"), d)
    }

    func testPatchAppliesWithGitApply() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ib-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = "images:\r\n- name: app\r\n  newTag: v1 # c\r\nx: 1"
        let new = old.replacingOccurrences(of: "v1", with: "\"1.20\"")
        try Data(old.utf8).write(to: dir.appendingPathComponent("k.yaml"))
        try Data(UnifiedDiff.render(path: "k.yaml", old: Array(old.utf8), new: Array(new.utf8)).utf8).write(to: dir.appendingPathComponent("p.diff"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        p.arguments = ["apply", "p.diff"]
        p.currentDirectoryURL = dir
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("k.yaml")), Data(new.utf8))
    }
}

final class ByteSearchTests: XCTestCase {
    func testContains() {
        XCTAssertTrue(contains(Array("image: ghcr.io/org/app:1".utf8), Array("app".utf8)))
        XCTAssertTrue(contains(Array("aab".utf8), Array("ab".utf8)))
        XCTAssertTrue(contains(Array("xyz".utf8), Array("xyz".utf8)))
        XCTAssertFalse(contains(Array("ap ap".utf8), Array("app".utf8)))
        XCTAssertFalse(contains(Array("ap".utf8), Array("app".utf8)))
        XCTAssertTrue(contains([], []))
    }
}
