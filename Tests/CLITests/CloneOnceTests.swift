import Foundation
import XCTest
import TestSupport

/// `promote --repo URL` and `set --env --repo URL` read imagebump.yaml and the environments' files in the clone they
/// then edit: one clone per run (issue 19.5), counted as the temporary clone directories the run creates.
final class CloneOnceTests: XCTestCase {
    let app = "registry.example.com/team/sample-app"

    func files() -> [String: String] {
        func overlay(_ tag: String) -> String { "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: \(app)\n    newTag: \(tag)\n" }
        return ["imagebump.yaml": "environments:\n  dev: {files: [envs/dev]}\n  staging: {files: [envs/staging]}\npromotion: [dev, staging]\n",
                "envs/dev/kustomization.yaml": overlay("1.3.0"), "envs/staging/kustomization.yaml": overlay("1.2.0")]
    }

    /// Runs `args` with a temporary directory of its own, and returns the run and the clones it made there.
    func run(_ args: [String]) throws -> (CLIResult, clones: Int) {
        let tmp = try Fixtures.scratch("tmp")
        let watcher = try Inotify()
        try watcher.watch(tmp.path, Inotify.create)
        let r = try CLI.run(args, in: try Fixtures.scratch(), env: ["TMPDIR": tmp.path])
        var created: [String] = []
        while case let events = watcher.events(timeoutMs: 0), !events.isEmpty { created += events.map(\.name) }
        return (r, created.filter { $0.hasPrefix("imagebump-clone-") }.count)
    }

    func testPromoteClonesOnce() throws {
        let server = try GitDaemonRepo(files: files())
        defer { server.stop() }
        let (r, clones) = try run(["promote", "dev", "staging", "--push", "--repo", server.url])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try server.file("envs/staging/kustomization.yaml").contains("newTag: 1.3.0"))
        XCTAssertEqual(clones, 1, "FROM and TO are read in the clone that is pushed: \(r.stderr)")
    }

    func testSetEnvClonesOnce() throws {
        let server = try GitDaemonRepo(files: files())
        defer { server.stop() }
        let (r, clones) = try run(["set", "--env", "staging", "--push", "--repo", server.url, "\(app):2.0.0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try server.file("envs/staging/kustomization.yaml").contains("newTag: 2.0.0"))
        XCTAssertEqual(clones, 1, "the environment is read in the clone that is pushed: \(r.stderr)")
        // a preview too
        let (preview, previewClones) = try run(["set", "--env", "dev", "--dry-run", "--repo", server.url, "\(app):2.0.0"])
        XCTAssertEqual(preview.status, 0, preview.stderr)
        XCTAssertTrue(preview.stdout.contains("+    newTag: 2.0.0"), preview.stdout)
        XCTAssertEqual(previewClones, 1)
    }
}
