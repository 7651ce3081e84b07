import Foundation
import XCTest

/// File names are bytes: a name that is not UTF-8 where a YAML file could be refuses the run, naming it in git's
/// quoting, rather than being skipped without a word (issue 16 item 7). The real executables, a real git daemon.
final class FileNameBytesTests: XCTestCase {
    let app = "registry.example.com/team/app"

    /// Creates `dir/<bytes>` (a file, or a directory when `text` is nil): a name a Swift `String` cannot hold.
    func make(_ dir: URL, _ name: [UInt8], text: String? = nil) throws {
        let path = Array(dir.path.utf8) + [0x2F] + name + [0]
        let ok = path.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { p -> Bool in
                guard let text else { return mkdir(p.baseAddress!, 0o755) == 0 }
                let fd = open(p.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                defer { close(fd) }
                return fd >= 0 && write(fd, text, text.utf8.count) == text.utf8.count
            }
        }
        XCTAssertTrue(ok, "creating \(name) in \(dir.path): \(String(cString: strerror(errno)))")
    }

    func testALocalRunRefusesANonUTF8YAMLNameAndWritesNothing() throws {
        let dir = try Fixtures.scratch("bytes")
        try Fixtures.write("image: \(app):1\n", to: dir.appendingPathComponent("a.yaml"))
        try make(dir, [0x62, 0xFF] + Array(".yaml".utf8), text: "image: \(app):1\n")
        let before = try Fixtures.snapshot(dir)
        let r = try CLI.run(["set", "\(app):2"], in: dir)
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertEqual(r.stderr, "imagebump: error: \"b\\377.yaml\": the name is not UTF-8: imagebump cannot name it in a report, a diff or a commit, and does not skip it; rename it\n")
        XCTAssertEqual(try Fixtures.snapshot(dir), before, "nothing written, not even a.yaml")

        // a directory so named may hold YAML files: refused too, with its path
        let dir2 = try Fixtures.scratch("bytes")
        try FileManager.default.createDirectory(at: dir2.appendingPathComponent("apps"), withIntermediateDirectories: true)
        try make(dir2.appendingPathComponent("apps"), [0xC3, 0x28])
        let r2 = try CLI.run(["set", "--output", "json", "\(app):2"], in: dir2)
        XCTAssertEqual(r2.status, 1)
        XCTAssertTrue(r2.stderr.hasPrefix("imagebump: error: \"apps/\\303(\": the name is not UTF-8"), r2.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r2.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["status"] as? String, "failed")

        // a name that could not be YAML is no concern of discovery's, as any other non-YAML file
        let dir3 = try Fixtures.scratch("bytes")
        try Fixtures.write("image: \(app):1\n", to: dir3.appendingPathComponent("a.yaml"))
        try make(dir3, Array("notes-".utf8) + [0xFF] + Array(".txt".utf8), text: "image: \(app):1\n")
        let r3 = try CLI.run(["set", "\(app):2"], in: dir3)
        XCTAssertEqual(r3.status, 0, r3.stderr)
        XCTAssertTrue(r3.stdout.hasSuffix("updated 1 file (1 change)\n"), r3.stdout)
    }

    func testAPushRefusesANonUTF8NameInTheCloneAndRemovesTheClone() throws {
        let server = try GitDaemonRepo(files: ["apps/a.yaml": "image: \(app):1\n"])
        defer { server.stop() }
        let work = try Fixtures.scratch("bytes").appendingPathComponent("w")
        try Git.run(["clone", "-q", server.bare.path, work.path])
        try make(work.appendingPathComponent("apps"), [0xFF, 0x2E] + Array("yaml".utf8), text: "image: \(app):1\n")
        try Git.run(["-C", work.path, "add", "-A"])
        try Git.run(["-C", work.path, "-c", "user.name=s", "-c", "user.email=s@localhost", "commit", "-qm", "latin-1 name"])
        try Git.run(["-C", work.path, "push", "-q", "origin", "main"])
        let head = try server.git(["rev-parse", "main"])
        let tmp = try Fixtures.scratch("tmpdir")
        let r = try CLI.run(["set", "--push", "--repo", server.url, "--dotenv", "out.env", "\(app):2"], in: tmp, env: ["TMPDIR": tmp.path])
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stderr.contains("\"apps/\\377.yaml\": the name is not UTF-8"), r.stderr)
        XCTAssertEqual(try server.git(["rev-parse", "main"]), head, "nothing pushed")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), ["out.env"], "the clone, with that name in it, is gone")
        XCTAssertTrue(try String(contentsOf: tmp.appendingPathComponent("out.env"), encoding: .utf8).contains("IMAGEBUMP_STATUS=failed"))
    }
}
