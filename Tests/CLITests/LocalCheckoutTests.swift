import Foundation
import TestSupport
import XCTest

/// A local checkout used in place (`--repo .`): its submodules and its untracked files are the user's, never
/// imagebump's to commit or overwrite (issue 24 items 1 and 2). The real executables, real git servers.
final class LocalCheckoutTests: XCTestCase {
    let app = "registry.example.com/team/app"

    /// A checkout of a parent repository holding an initialised submodule at `vendor/sub`; both hold the image.
    func checkoutWithSubmodule() throws -> (checkout: URL, gitlink: String) {
        let sub = try GitDaemonRepo(files: ["deploy.yaml": "image: \(app):1.0\n"], name: "sub.git")
        defer { sub.stop() }
        let parent = try GitDaemonRepo(files: ["apps/app.yaml": "image: \(app):1.0\n"], name: "parent.git")
        defer { parent.stop() }
        let checkout = try Fixtures.scratch("submodule").appendingPathComponent("c")
        try Git.run(["clone", "-q", parent.bare.path, checkout.path])
        try Git.run(["-C", checkout.path, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.bare.path, "vendor/sub"])
        try Git.run(["-C", checkout.path, "-c", "user.name=seed", "-c", "user.email=seed@localhost", "commit", "-qm", "submodule"])
        return (checkout, try Git.output(["-C", checkout.path, "rev-parse", "HEAD:vendor/sub"]))
    }

    func testCommitInACheckoutWithASubmoduleNeverTouchesTheSubmodule() throws {
        let (checkout, gitlink) = try checkoutWithSubmodule()
        let r = try CLI.run(["set", "--commit", "--repo", ".", "--output", "json", "\(app):2.0"], in: checkout)
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((json["changes"] as! [[String: Any]]).map { $0["file"] as! String }, ["apps/app.yaml"], "the submodule is not searched")
        XCTAssertEqual(try Git.output(["-C", checkout.path, "show", "HEAD:apps/app.yaml"]), "image: \(app):2.0\n")
        XCTAssertTrue(try Git.output(["-C", checkout.path, "ls-tree", "HEAD", "vendor/sub"]).hasPrefix("160000 commit "),
                      "the submodule entry stays a gitlink")
        XCTAssertEqual(try Git.output(["-C", checkout.path, "rev-parse", "HEAD:vendor/sub"]), gitlink, "at the same commit")
        XCTAssertEqual(try Git.output(["-C", checkout.path, "ls-tree", "-r", "--name-only", "HEAD"]), ".gitmodules\napps/app.yaml\nvendor/sub\n")
        XCTAssertEqual(try String(contentsOf: checkout.appendingPathComponent("vendor/sub/deploy.yaml"), encoding: .utf8), "image: \(app):1.0\n")
    }

    func testAPathInsideASubmoduleIsRefusedByName() throws {
        let (checkout, _) = try checkoutWithSubmodule()
        let head = try Git.output(["-C", checkout.path, "rev-parse", "HEAD"])
        for path in ["vendor/sub/deploy.yaml", "vendor/sub", "./vendor/sub/"] {
            let r = try CLI.run(["set", "--commit", "--repo", ".", "-f", path, "\(app):2.0"], in: checkout)
            XCTAssertEqual(r.status, 1, "\(path): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("\(path): is inside the submodule vendor/sub"), r.stderr)
            XCTAssertEqual(try Git.output(["-C", checkout.path, "rev-parse", "HEAD"]), head, "nothing committed")
            XCTAssertEqual(try String(contentsOf: checkout.appendingPathComponent("vendor/sub/deploy.yaml"), encoding: .utf8), "image: \(app):1.0\n")
        }
    }

    /// The checkout is behind its origin, whose new commit adds notes.yaml; the checkout has its own untracked
    /// notes.yaml. The push is rejected, and its retry would write the remote's notes.yaml over the user's.
    func testARetryThatWouldOverwriteAnUntrackedFileIsRefusedByName() throws {
        let server = try GitDaemonRepo(files: ["apps/app.yaml": "image: \(app):1.0\n"])
        defer { server.stop() }
        let checkout = try Fixtures.scratch("untracked").appendingPathComponent("c")
        try Git.run(["clone", "-q", server.url, checkout.path])
        let other = try Fixtures.scratch("other").appendingPathComponent("o")
        try Git.run(["clone", "-q", server.url, other.path])
        try Fixtures.write("remote: notes\n", to: other.appendingPathComponent("notes.yaml"))
        try Git.run(["-C", other.path, "add", "notes.yaml"])
        try Git.run(["-C", other.path, "-c", "user.name=o", "-c", "user.email=o@localhost", "commit", "-qm", "notes"])
        try Git.run(["-C", other.path, "push", "-q", "origin", "main"])
        let remoteHead = try server.git(["rev-parse", "main"])
        let mine = checkout.appendingPathComponent("notes.yaml")
        try Fixtures.write("my own notes, never committed\n", to: mine)
        let localHead = try Git.output(["-C", checkout.path, "rev-parse", "HEAD"])

        let r = try CLI.run(["set", "--push", "--repo", ".", "-f", "apps/app.yaml", "--dotenv", "../out.env", "\(app):2.0"], in: checkout)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("adds notes.yaml, untracked in"), r.stderr)
        XCTAssertFalse(r.stdout.contains("pushed"), r.stdout)
        XCTAssertEqual(try String(contentsOf: mine, encoding: .utf8), "my own notes, never committed\n", "the user's file is kept")
        XCTAssertEqual(try server.git(["rev-parse", "main"]), remoteHead, "nothing pushed")
        XCTAssertEqual(try Git.output(["-C", checkout.path, "rev-parse", "HEAD"]), localHead, "the checkout is where it was")
        XCTAssertEqual(try Git.output(["-C", checkout.path, "status", "--porcelain"]), "?? notes.yaml\n")
        let dotenv = try String(contentsOf: checkout.appendingPathComponent("../out.env"), encoding: .utf8)
        XCTAssertTrue(dotenv.contains("IMAGEBUMP_STATUS=failed"), dotenv)

        // git refuses the same: the case is real, not one imagebump made up
        let pull = try TestSupport.runProgram("/usr/bin/git", ["-C", checkout.path, "pull", "-q", "--ff-only"])
        XCTAssertNotEqual(pull.status, 0)
        XCTAssertTrue(pull.stderr.contains("untracked working tree files would be overwritten"), pull.stderr)
    }
}
