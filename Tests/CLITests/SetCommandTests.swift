import Foundation
import TestSupport
import XCTest
import Support
import ImagebumpCLI

final class SetCommandTests: XCTestCase {
    let app = "registry.example.com/team/sample-app"

    func testDryRunPrintsDiffAndWritesNothing() throws {
        let repo = try Fixtures.copyExamples()
        let before = try Fixtures.snapshot(repo)
        let r = try CLI.run(["set", "--dry-run", "-f", "apps/sample-app/overlays/production", "\(app):1.21.0"], in: repo, env: ["NO_COLOR": "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("--- a/apps/sample-app/overlays/production/kustomization.yaml\n+++ b/apps/sample-app/overlays/production/kustomization.yaml\n@@ "), r.stdout)
        XCTAssertTrue(r.stdout.contains("\n-    newTag: 1.19.4\n-    digest: sha256:"))
        XCTAssertTrue(r.stdout.contains("\n+    newTag: 1.21.0\n"))
        XCTAssertFalse(r.stdout.contains("\u{1B}["), "no colour when not a TTY")
        XCTAssertEqual(try Fixtures.snapshot(repo), before)
        let json = try CLI.run(["set", "--dry-run", "--output", "json", "-f", "apps/sample-app/overlays/production", "\(app):1.21.0"], in: repo)
        XCTAssertEqual(json.status, 0)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)), "stdout is one JSON document: \(json.stdout)")
        XCTAssertEqual(try Fixtures.snapshot(repo), before)
    }

    func testColourOnlyOnATerminalAndNeverWithNoColor() {
        XCTAssertTrue(Console.colorEnabled(isTTY: true, noColor: nil, term: "xterm-256color"))
        XCTAssertFalse(Console.colorEnabled(isTTY: false, noColor: nil, term: "xterm"))
        XCTAssertFalse(Console.colorEnabled(isTTY: true, noColor: "1", term: "xterm"))
        XCTAssertFalse(Console.colorEnabled(isTTY: true, noColor: "", term: "xterm"), "NO_COLOR set to anything, even empty")
        XCTAssertFalse(Console.colorEnabled(isTTY: true, noColor: nil, term: "dumb"))
    }

    func testWriteChangesOnlyTheValueBytesAndReportsJSON() throws {
        let repo = try Fixtures.copyExamples()
        let path = repo.appendingPathComponent("apps/sample-app/overlays/dev/kustomization.yaml")
        let original = try String(contentsOf: path, encoding: .utf8)
        let r = try CLI.run(["set", "-f", "apps/sample-app/overlays/dev", "--output", "json", "\(app):1.20"], in: repo)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try String(contentsOf: path, encoding: .utf8), original.replacingOccurrences(of: "\"3f9c2ab\"", with: "\"1.20\""))
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["changed"] as? Bool, true)
        let changes = json["changes"] as! [[String: Any]]
        XCTAssertEqual(changes.count, 1)
        XCTAssertEqual(changes[0]["file"] as? String, "apps/sample-app/overlays/dev/kustomization.yaml")
        XCTAssertEqual(changes[0]["line"] as? Int, 8)
        XCTAssertEqual(changes[0]["kind"] as? String, "kustomize")
        XCTAssertEqual(changes[0]["image"] as? String, app)
        XCTAssertEqual(changes[0]["old"] as? String, "\(app):3f9c2ab")
        XCTAssertEqual(changes[0]["new"] as? String, "\(app):1.20")

        // second run: already up to date, nothing changes, exit 0
        let again = try CLI.run(["set", "-f", "apps/sample-app/overlays/dev", "--output", "json", "\(app):1.20"], in: repo)
        XCTAssertEqual(again.status, 0)
        XCTAssertEqual(again.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                       "{\"changed\":false,\"changes\":[],\"filesSearched\":1,\"mode\":\"write\",\"status\":\"ok\",\"version\":\"\(BuildInfo.description)\"}")
    }

    func testCheckExitCodes() throws {
        let repo = try Fixtures.copyExamples()
        let before = try Fixtures.snapshot(repo)
        let drift = try CLI.run(["set", "--check", "-f", "apps/sample-app/overlays/staging", "\(app):1.21"], in: repo)
        XCTAssertEqual(drift.status, 2)
        XCTAssertEqual(try Fixtures.snapshot(repo), before)
        let ok = try CLI.run(["set", "--check", "-f", "apps/sample-app/overlays/staging", "\(app):1.20"], in: repo)
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    func testUnmatchedSpecFailsAndWritesNothing() throws {
        let repo = try Fixtures.copyExamples()
        let before = try Fixtures.snapshot(repo)
        let r = try CLI.run(["set", "-f", "apps", "\(app):2.0", "registry.example.com/team/typo:2.0"], in: repo)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no match for registry.example.com/team/typo"), r.stderr)
        XCTAssertTrue(r.stderr.contains("YAML files under apps"), r.stderr)
        XCTAssertEqual(try Fixtures.snapshot(repo), before, "one unmatched spec: nothing written at all")
        let allowed = try CLI.run(["set", "-f", "apps", "--allow-missing", "registry.example.com/team/typo:2.0"], in: repo)
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
    }

    func testBadInputNamesFileLineColumnAndWritesNothing() throws {
        let repo = try Fixtures.copyExamples()
        try Fixtures.write("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: \(app):1\n   name: x\n", to: repo.appendingPathComponent("apps/zz-broken.yaml"))
        let before = try Fixtures.snapshot(repo)
        let r = try CLI.run(["set", "-f", "apps", "\(app):2.0"], in: repo)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("apps/zz-broken.yaml:6:"), r.stderr)
        XCTAssertEqual(try Fixtures.snapshot(repo), before)

        // a broken file that cannot mention the image is not parsed, so it does not fail the run
        try Fixtures.write("a: [unclosed\n", to: repo.appendingPathComponent("apps/zz-broken.yaml"))
        let unrelated = try CLI.run(["set", "--check", "-f", "apps", "\(app):2.0"], in: repo)
        XCTAssertEqual(unrelated.status, 2, unrelated.stderr)

        var bad = Data("image: \(app):1\nname: ".utf8); bad.append(contentsOf: [0xFF, 0x0A])
        try bad.write(to: repo.appendingPathComponent("apps/zz-broken.yaml"))
        let utf = try CLI.run(["set", "-f", "apps", "\(app):2.0"], in: repo)
        XCTAssertEqual(utf.status, 1)
        XCTAssertTrue(utf.stderr.contains("apps/zz-broken.yaml:2:7: invalid UTF-8"), utf.stderr)
    }

    func testIllegalSpecAndUsageErrors() throws {
        let repo = try Fixtures.copyExamples()
        let before = try Fixtures.snapshot(repo)
        for spec in ["\(app):1.0\nimage: evil", "\(app):\"1\"", "\(app):{x}", "\(app):1 #x"] {
            let r = try CLI.run(["set", "-f", "apps", spec], in: repo)
            XCTAssertEqual(r.status, 1, spec)
            XCTAssertTrue(r.stderr.contains("invalid image spec"), r.stderr)
        }
        let twice = try CLI.run(["set", "-f", "apps", "nginx:1", "docker.io/library/nginx:2"], in: repo)
        XCTAssertEqual(twice.status, 1)
        XCTAssertTrue(twice.stderr.contains("name the same image"), twice.stderr)
        XCTAssertEqual(try CLI.run(["set", "-f", "apps"], in: repo).status, 64)
        XCTAssertEqual(try CLI.run(["set", "--bogus", "\(app):1"], in: repo).status, 64)
        let missing = try CLI.run(["set", "-f", "nope.yaml", "\(app):1"], in: repo)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("nope.yaml"))
        XCTAssertEqual(try Fixtures.snapshot(repo), before)
    }

    func testDirectoryWalkSkipsHiddenDirsKeepsModeAndSymlinksStayInside() throws {
        let dir = try Fixtures.scratch()
        let tree = dir.appendingPathComponent("tree")
        try Fixtures.write("image: app:1\n", to: tree.appendingPathComponent("a.yml"))
        try Fixtures.write("image: app:1\n", to: tree.appendingPathComponent(".git/x.yaml"))
        try Fixtures.write("image: app:1\n", to: tree.appendingPathComponent("notes.txt"))
        try Fixtures.write("image: app:1\n", to: dir.appendingPathComponent("outside.yaml"))
        try Fixtures.write("image: app:1\n", to: tree.appendingPathComponent("real/inside.yaml"))
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("out-link.yaml").path, withDestinationPath: "../outside.yaml")
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("in-link.yaml").path, withDestinationPath: "real/inside.yaml")
        chmod(tree.appendingPathComponent("a.yml").path, 0o640)
        let r = try CLI.run(["set", "-f", "tree", "app:2"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        func read(_ p: String) throws -> String { try String(contentsOf: dir.appendingPathComponent(p), encoding: .utf8) }
        XCTAssertEqual(try read("tree/a.yml"), "image: app:2\n")
        XCTAssertEqual(try read("tree/real/inside.yaml"), "image: app:2\n")
        XCTAssertEqual(try read("tree/.git/x.yaml"), "image: app:1\n")
        XCTAssertEqual(try read("tree/notes.txt"), "image: app:1\n")
        XCTAssertEqual(try read("outside.yaml"), "image: app:2\n", "a link out of the tree but inside the root (the working directory) is edited at its target")
        let attrs = try FileManager.default.attributesOfItem(atPath: tree.appendingPathComponent("a.yml").path)
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o640)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: tree.appendingPathComponent("in-link.yaml").path), "real/inside.yaml")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: tree.path).filter { $0.contains(".imagebump-") }
        XCTAssertEqual(leftovers, [])
    }

    func testAddAppendsKustomizeEntry() throws {
        let repo = try Fixtures.copyExamples()
        let k = "apps/worker/overlays/production/kustomization.yaml"
        // an overlay without images: (the worker then runs its base's tag)
        let before = "resources:\n  - ../../base\nnamespace: worker-production\n"
        try Fixtures.write(before, to: repo.appendingPathComponent(k))
        let r = try CLI.run(["set", "--add", "-f", k, "registry.example.com/team/worker:2.5.0"], in: repo)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try String(contentsOf: repo.appendingPathComponent(k), encoding: .utf8),
                       before + "images:\n- name: registry.example.com/team/worker\n  newTag: 2.5.0\n")
    }

    func testOversizedFileIsRefusedQuickly() throws {
        let dir = try Fixtures.scratch()
        let big = dir.appendingPathComponent("big.yaml")
        guard FileManager.default.createFile(atPath: big.path, contents: nil) else { return XCTFail("could not create \(big.path)") }
        let h = try FileHandle(forWritingTo: big)
        let line = Data("- image: app:1\n".utf8)
        var chunk = Data(); for _ in 0..<65536 { chunk.append(line) }
        for _ in 0..<110 { h.write(chunk) } // ~108 MB
        try h.close()
        let r = try CLI.run(["set", "-f", "big.yaml", "app:2"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("big.yaml: file is 10"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--max-file-size"), r.stderr)
    }

    func testKubectlRendersTheBumpedOverlay() throws {
        _ = try Kustomize.kubectl()
        let repo = try Fixtures.copyExamples()
        let r = try CLI.run(["set", "-f", "apps/sample-app/overlays/production", "\(app):1.22.0@sha256:" + String(repeating: "c", count: 64)], in: repo)
        XCTAssertEqual(r.status, 0, r.stderr)
        let rendered = try Kustomize.render(repo.appendingPathComponent("apps/sample-app/overlays/production").path)
        XCTAssertTrue(rendered.contains("image: \(app):1.22.0@sha256:" + String(repeating: "c", count: 64)), rendered)
    }
}
