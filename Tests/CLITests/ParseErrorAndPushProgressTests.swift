import Foundation
import XCTest

/// Two leftovers of issue #8, through the real binaries: a parse error is the only error (no "no match" after it),
/// and a push to a local (file://) remote prints no made-up byte count.
final class ParseErrorAndPushProgressTests: XCTestCase {
    let app = "registry.example.com/team/app"

    func overlay(_ name: String) -> String {
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n# \(name)\nimages:\n  - name: \(app)\n    newTag: \"1.0\"\n"
    }

    func testAParseErrorInOneOfTheFilesIsTheOnlyError() throws {
        let files = ["good.yaml": "image: \(app):1.0\n", "bad.yaml": "image: [\(app):1.0\nfoo: : bar\n"]
        let server = try GitDaemonRepo(files: files)
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        for (name, text) in files { try Fixtures.write(text, to: cwd.appendingPathComponent(name)) }
        let runs = [
            ("local", try CLI.run(["set", "-f", "good.yaml", "-f", "bad.yaml", "\(app):2.0", "other.example.com/x:1"], in: cwd)),
            ("clone", try CLI.run(["set", "--dry-run", "--repo", server.url, "-f", "good.yaml", "-f", "bad.yaml", "\(app):2.0",
                                   "other.example.com/x:1"], in: cwd)),
        ]
        for (how, r) in runs {
            XCTAssertEqual(r.status, 1, "\(how): \(r.stderr)")
            let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("imagebump: error:") }
            XCTAssertEqual(errors, ["imagebump: error: bad.yaml:2:4: did not find expected ',' or ']' while parsing a flow sequence that starts at line 1, column 8"],
                           "\(how): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("no match"), "\(how): \(r.stderr)")
        }
        XCTAssertEqual(try String(contentsOf: cwd.appendingPathComponent("good.yaml"), encoding: .utf8), files["good.yaml"],
                       "nothing written")
    }

    /// libgit2's local transport reports 4 B for any pack it writes; no byte count is shown for it. A network push
    /// still shows the count the transport sent.
    func testPushProgressShowsNoMadeUpByteCount() throws {
        let dirs = ["a", "b", "c", "d", "e", "f"]
        let server = try GitDaemonRepo(files: Dictionary(uniqueKeysWithValues: dirs.map { ("\($0)/kustomization.yaml", overlay($0)) }))
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        let local = try CLI.run(["set", "--push", "--repo", "file://" + server.bare.path, "\(app):2.0"], in: cwd)
        XCTAssertEqual(local.status, 0, local.stderr)
        // a commit, the root tree, and per directory a tree and a blob
        XCTAssertTrue(local.stderr.contains("writing objects: 100% (14/14)\n"), local.stderr)
        let network = try CLI.run(["set", "--push", "--repo", server.url, "\(app):3.0"], in: cwd)
        XCTAssertEqual(network.status, 0, network.stderr)
        let line = try XCTUnwrap(network.stderr.split(separator: "\n").first { $0.hasPrefix("writing objects:") }, network.stderr)
        XCTAssertTrue(line.hasPrefix("writing objects: 100% (14/14) ("), String(line))
        // the pack sent: 14 compressed objects, a header and a checksum are well over 4 B
        let count = line.split(separator: "(").last.map { $0.dropLast().split(separator: " ") } ?? []
        let bytes = count.count == 2 ? (Double(count[0]) ?? 0) * (count[1] == "KiB" ? 1024 : count[1] == "B" ? 1 : 0) : 0
        XCTAssertGreaterThan(bytes, 14 * 20, String(line))
    }
}
