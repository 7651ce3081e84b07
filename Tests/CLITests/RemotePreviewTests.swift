import Foundation
import XCTest

/// `--dry-run` / `--check` with `--repo URL`: a clone is planned, the diff or the drift is reported, and nothing
/// is committed or pushed. `--repo URL` without a mode is a usage error.
final class RemotePreviewTests: XCTestCase {
    let app = SampleApp.image
    let path = "apps/app/overlays/production/kustomization.yaml"

    func testDryRunAndCheckAgainstACloneCommitNothing() throws {
        let server = try GitDaemonRepo(files: [path: SampleApp.overlay("1.0.0", comment: "bumped"), "other/values.yaml": "image:\n  repository: x\n"])
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        let head = try server.git(["rev-parse", "main"])
        let refs = try server.git(["for-each-ref"])

        let dry = try CLI.run(["set", "--dry-run", "--repo", server.url, "-f", "apps/app/overlays/production", "\(app):2.0"], in: cwd)
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.hasPrefix("--- a/\(path)\n+++ b/\(path)\n@@ "), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("\n-    newTag: \"1.0.0\" # bumped\n+    newTag: \"2.0\" # bumped\n"), dry.stdout)

        let drift = try CLI.run(["set", "--check", "--repo", server.url, "-f", "apps/app/overlays/production", "--dotenv", "c.env", "\(app):2.0"], in: cwd)
        XCTAssertEqual(drift.status, 2, drift.stderr)
        XCTAssertTrue(drift.stdout.contains("\(path):5: "), drift.stdout)
        let dotenv = try String(contentsOf: cwd.appendingPathComponent("c.env"), encoding: .utf8)
        XCTAssertTrue(dotenv.contains("IMAGEBUMP_CHANGED=true\n"), dotenv)

        let upToDate = try CLI.run(["set", "--check", "--repo", server.url, "\(app):1.0.0"], in: cwd)
        XCTAssertEqual(upToDate.status, 0, upToDate.stderr + upToDate.stdout)

        XCTAssertEqual(try server.git(["rev-parse", "main"]), head, "nothing pushed")
        XCTAssertEqual(try server.git(["for-each-ref"]), refs, "no branch created")
        XCTAssertEqual(try server.file(path), SampleApp.overlay("1.0.0", comment: "bumped"))
    }

    func testRepoURLWithoutAModeIsAUsageErrorNamingTheModes() throws {
        let server = try GitDaemonRepo(files: [path: SampleApp.overlay("1.0.0", comment: "bumped")])
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        let r = try CLI.run(["set", "--repo", server.url, "\(app):2.0"], in: cwd)
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("needs a mode: --push, --merge-request, --dry-run or --check"), r.stderr)
        XCTAssertFalse(r.stderr.contains("--commit without --push"), r.stderr)
        let both = try CLI.run(["set", "--dry-run", "--merge-request", "--repo", server.url, "\(app):2.0"], in: cwd)
        XCTAssertEqual(both.status, 64)
        XCTAssertTrue(both.stderr.contains("--dry-run writes nothing, so it cannot be combined with --merge-request"), both.stderr)
    }

    func testMissingTokenNamesTheChosenVariable() throws {
        let server = try GitDaemonRepo(files: [path: SampleApp.overlay("1.0.0", comment: "bumped")])
        defer { server.stop() }
        let cwd = try Fixtures.scratch()
        let r = try CLI.runProgram(CLI.binary.path, ["set", "--merge-request", "--token-env", "GITOPS_TOKEN", "--repo", server.url,
                                                     "--forge", "gitlab", "--api-url", "http://127.0.0.1:9/api/v4", "\(app):2.0"],
                                   in: cwd, unset: ["GITOPS_TOKEN", "IMAGEBUMP_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN", "GITHUB_TOKEN"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("GITOPS_TOKEN is not set"), r.stderr)
        XCTAssertFalse(r.stderr.contains("IMAGEBUMP_TOKEN"), r.stderr)
    }
}
