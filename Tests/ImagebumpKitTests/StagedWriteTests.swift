import Foundation
import TestSupport
import XCTest
import Support
@testable import ImagebumpKit

/// Multi-file writes are all or nothing (issue 12 item 5 and the "atomically" of issue 8), staged temp files are
/// registered for removal on a signal and named for imagebump (item 6), owner and group are kept (item 11).
final class StagedWriteTests: XCTestCase {
    var repo: Scratch!
    override func setUpWithError() throws {
        repo = try Scratch()
        for n in ["a", "b", "c"] { try repo.write("image: app:1\n# \(n)\n", "\(n).yaml") }
    }
    override func tearDown() { repo.remove() }

    func inode(_ rel: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: repo.path + "/" + rel)[.systemFileNumber] as! NSNumber).intValue
    }

    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: repo.path).filter { $0.contains("imagebump") }
    }

    func testFileChangedSinceReadIsRefusedAndNothingOfTheRunIsWritten() throws {
        let plan = try SetJob.plan(request(["app:2"], root: repo.path), retention: .stage)
        XCTAssertEqual(plan.writtenPaths, ["a.yaml", "b.yaml", "c.yaml"])
        // another writer rewrites c.yaml in place, same size, after imagebump read it
        let h = try FileHandle(forWritingTo: repo.url.appendingPathComponent("c.yaml"))
        try h.write(contentsOf: Data("image: app:7\n# c\n".utf8)); try h.close()
        XCTAssertThrowsError(try SetJob.write(plan)) { e in
            XCTAssertEqual("\(e)", "c.yaml: changed by another process since imagebump read it; nothing written (run again)")
        }
        XCTAssertEqual(try repo.read("a.yaml"), "image: app:1\n# a\n")
        XCTAssertEqual(try repo.read("b.yaml"), "image: app:1\n# b\n")
        XCTAssertEqual(try repo.read("c.yaml"), "image: app:7\n# c\n", "the other writer's update is kept")
        XCTAssertEqual(try leftovers(), [])
    }

    func testFileReplacedByRenameSinceReadIsRefused() throws {
        let plan = try SetJob.plan(request(["app:2"], root: repo.path), retention: .stage)
        try repo.write("image: app:1\n# a\n", "a.yaml.new") // same bytes, new inode
        XCTAssertEqual(rename(repo.path + "/a.yaml.new", repo.path + "/a.yaml"), 0)
        XCTAssertThrowsError(try SetJob.write(plan))
        XCTAssertEqual(try repo.read("b.yaml"), "image: app:1\n# b\n")
    }

    func testFailedRenameRollsBackTheFilesAlreadyReplaced() throws {
        let plan = try SetJob.plan(request(["app:2"], root: repo.path), retention: .stage)
        let before = try inode("a.yaml")
        unlink(plan.staged[1].temp) // b's rename will fail (ENOENT) after a's succeeded
        XCTAssertThrowsError(try SetJob.write(plan)) { e in
            XCTAssertTrue("\(e)".hasPrefix("b.yaml: cannot replace file: "), "\(e)")
        }
        XCTAssertEqual(try repo.read("a.yaml"), "image: app:1\n# a\n", "a.yaml restored")
        XCTAssertEqual(try inode("a.yaml"), before, "the original file itself is back")
        XCTAssertEqual(try repo.read("c.yaml"), "image: app:1\n# c\n")
        XCTAssertEqual(try leftovers(), [], "no temp or original copies left")
        XCTAssertFalse(TempCleanup.registeredPaths.contains { $0.hasPrefix(repo.path) })
    }

    func testStagedFilesAreRegisteredForSignalCleanupAndNamedForImagebump() throws {
        let plan = try SetJob.plan(request(["app:2"], root: repo.path), retention: .stage)
        let registered = Set(TempCleanup.registeredPaths)
        for s in plan.staged {
            XCTAssertTrue(registered.contains(s.temp), s.temp)
            let name = String(s.temp.split(separator: "/").last!)
            XCTAssertTrue(name.contains(".imagebump-tmp-"), name)
            XCTAssertFalse(FileDiscovery.isYAMLName(name), "a leftover is never discovered: \(name)")
        }
        try SetJob.write(plan)
        XCTAssertFalse(TempCleanup.registeredPaths.contains { $0.hasPrefix(repo.path) }, "unregistered once renamed")
        XCTAssertEqual(try repo.read("b.yaml"), "image: app:2\n# b\n")
        XCTAssertEqual(try leftovers(), [])
    }

    func testOwnerGroupAndModeAreKeptOnTheReplacedFile() throws {
        guard geteuid() == 0 else { throw unavailable("needs root to give a file to another owner") }
        let path = repo.path + "/a.yaml"
        XCTAssertEqual(chown(path, 4321, 8765), 0)
        XCTAssertEqual(chmod(path, 0o640), 0)
        let plan = try SetJob.plan(request(["app:2"], root: repo.path, ["a.yaml"]), retention: .stage)
        try SetJob.write(plan)
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        XCTAssertEqual(st.st_uid, 4321)
        XCTAssertEqual(st.st_gid, 8765)
        XCTAssertEqual(st.st_mode & 0o7777, 0o640)
        XCTAssertEqual(try repo.read("a.yaml"), "image: app:2\n# a\n")
    }
}
