import Foundation
import XCTest

/// Links in a config repo (issue 12 items 1 and 2), end to end: the real executables against a real git daemon.
/// A link that leaves the clone is refused before anything is read; a link inside it is edited at its target,
/// and the target is what is committed and pushed.
final class RepoLinkTests: XCTestCase {
    let app = "registry.example.com/team/app"

    /// Adds a commit with these links (path → link text) to the server's main.
    func commitLinks(_ links: [String: String], to server: GitDaemonRepo) throws {
        let work = try Fixtures.scratch("links").appendingPathComponent("w")
        try Git.run(["clone", "-q", server.bare.path, work.path])
        for (path, dest) in links {
            let u = work.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: u.path, withDestinationPath: dest)
        }
        try Git.run(["-C", work.path, "add", "-A"])
        try Git.run(["-C", work.path, "-c", "user.name=seed", "-c", "user.email=seed@localhost", "commit", "-qm", "links"])
        try Git.run(["-C", work.path, "push", "-q", "origin", "main"])
    }

    func testEveryReportedChangeIsInThePushedTreeWhenTheFileIsALink() throws {
        let server = try GitDaemonRepo(files: ["base/app.yaml": "image: \(app):1.0\n", "apps/own.yaml": "image: \(app):1.0\n"])
        defer { server.stop() }
        try commitLinks(["apps/app.yaml": "../base/app.yaml"], to: server)
        let r = try CLI.run(["set", "--push", "--repo", server.url, "--output", "json", "\(app):2.0"], in: try Fixtures.scratch())
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let changes = json["changes"] as! [[String: Any]]
        XCTAssertEqual(Set(changes.map { $0["file"] as! String }), ["base/app.yaml", "apps/own.yaml"], "reported by their real paths")
        for c in changes {
            let file = c["file"] as! String
            XCTAssertEqual(try server.file(file), "image: \(app):2.0\n", "the reported change to \(file) is in the pushed tree")
        }
        XCTAssertTrue(try server.git(["ls-tree", "main", "apps/app.yaml"]).hasPrefix("120000 "), "the link is still a link")
    }

    func testInPlaceCommitThroughALinkIsCommittedNotReverted() throws {
        let server = try GitDaemonRepo(files: ["base/app.yaml": "image: \(app):1.0\n"])
        defer { server.stop() }
        try commitLinks(["apps/app.yaml": "../base/app.yaml"], to: server)
        let checkout = try Fixtures.scratch("inplace").appendingPathComponent("c")
        try Git.run(["clone", "-q", server.bare.path, checkout.path])
        let r = try CLI.run(["set", "--commit", "--repo", checkout.path, "-f", "apps/app.yaml", "\(app):2.0"], in: checkout)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("base/app.yaml:1: container"), r.stdout)
        XCTAssertEqual(try Git.output(["-C", checkout.path, "show", "HEAD:base/app.yaml"]), "image: \(app):2.0\n")
        XCTAssertEqual(try String(contentsOf: checkout.appendingPathComponent("base/app.yaml"), encoding: .utf8), "image: \(app):2.0\n",
                       "the working tree keeps the edit")
        XCTAssertEqual(try Git.output(["-C", checkout.path, "status", "--porcelain"]), "")
    }

    /// A hostile repo's links and -f paths that leave the clone: refused with the name, the file outside never
    /// opened, nothing pushed.
    func testLinksAndPathsLeavingTheCloneAreRefusedBeforeAnyRead() throws {
        let outside = try Fixtures.scratch("outside")
        let victim = outside.appendingPathComponent("values.yaml")
        try Fixtures.write("image: \(app):1.0\n", to: victim)
        let server = try GitDaemonRepo(files: ["apps/own.yaml": "image: \(app):1.0\n"])
        defer { server.stop() }
        try commitLinks(["apps/abs.yaml": victim.path, "apps/up.yaml": String(repeating: "../", count: 12) + String(victim.path.dropFirst()),
                         "apps/dir": outside.path], to: server)
        let before = try server.git(["rev-parse", "main"])
        let watcher = try Inotify()
        try watcher.watch(victim.path, Inotify.open)
        let cases: [([String], String)] = [
            (["-f", "apps/abs.yaml"], "apps/abs.yaml: is a link that leads outside the repository"),
            (["-f", "apps/up.yaml"], "apps/up.yaml: is a link that leads outside the repository"),
            (["-f", "apps/dir"], "apps/dir: is a link that leads outside the repository"),
            ([], "apps/abs.yaml: is a link that leads outside the repository"),
            (["-f", victim.path], "\(victim.path): is outside the repository"),
            (["-f", "../../../../../../../../.." + victim.path], "is outside the repository"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(["set", "--push", "--repo", server.url] + args + ["\(app):2.0"], in: try Fixtures.scratch())
            XCTAssertEqual(r.status, 1, "\(args): \(r.stdout)")
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("imagebump-clone-"), "no temporary clone path in \(r.stderr)")
        }
        XCTAssertEqual(watcher.events(timeoutMs: 0).count, 0, "the file outside was never opened")
        XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), "image: \(app):1.0\n")
        XCTAssertEqual(try server.git(["rev-parse", "main"]), before, "nothing pushed")
    }
}

extension RepoLinkTests {
    /// A push with -f checks out only the named paths: a link's target elsewhere in the repo is not on disk. The run
    /// says how to name it, and with the target named too the change lands at the target.
    func testSparseCloneNamesTheMissingLinkTargetAndLandsItWhenNamed() throws {
        let server = try GitDaemonRepo(files: ["base/app.yaml": "image: \(app):1.0\n"])
        defer { server.stop() }
        try commitLinks(["apps/app.yaml": "../base/app.yaml"], to: server)
        let cwd = try Fixtures.scratch()
        let r = try CLI.run(["set", "--push", "--repo", server.url, "-f", "apps/app.yaml", "\(app):2.0"], in: cwd)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("apps/app.yaml: is a link whose target ../base/app.yaml is not on disk (a --repo clone checks out only the -f paths: name the target with -f too)"), r.stderr)
        let ok = try CLI.run(["set", "--push", "--repo", server.url, "-f", "apps/app.yaml", "-f", "base/app.yaml", "\(app):2.0"], in: cwd)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(try server.file("base/app.yaml"), "image: \(app):2.0\n")
    }
}
