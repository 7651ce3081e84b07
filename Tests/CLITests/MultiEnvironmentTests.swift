import Foundation
import XCTest
import TestSupport

/// `--env` repeatable or a comma list (#18.4): each environment is reached its own way in one run, and the report
/// has one entry per environment; and a target keeps its environment's root (#23.1: `promote` from a subdirectory).
final class MultiEnvironmentTests: XCTestCase {
    let app = SampleApp.image

    func configRepo() -> [String: String] {
        ["imagebump.yaml": "environments:\n  dev: {files: [envs/dev]}\n  staging: {files: [envs/staging]}\n  production:\n    files: [envs/production]\n    mode: merge-request\n    labels: [deploy]\npromotion: [dev, staging, production]\n",
         "envs/dev/kustomization.yaml": SampleApp.overlay("1.3.0"), "envs/staging/kustomization.yaml": SampleApp.overlay("1.2.0"),
         "envs/production/kustomization.yaml": SampleApp.overlay("1.1.0")]
    }

    func testEachEnvironmentIsReachedItsOwnWayWithOneReportEntryEach() throws {
        let token = "multi-env-token-3f1"
        let server = try GitDaemonRepo(files: configRepo(), name: "team/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: token)
        defer { forge.stop() }
        try forge.reset(["gitlab_projects": ["team/config"]])
        let cwd = try Fixtures.scratch()
        let dotenv = cwd.appendingPathComponent("out.env").path
        let env = ["IMAGEBUMP_TOKEN": token, "GITLAB_CI": "true", "CI_API_V4_URL": forge.baseURL + "/api/v4"]
        let before = try server.git(["rev-list", "--count", "main"])
        let r = try CLI.run(["set", "--env", "dev,staging", "--env", "production", "--push", "--repo", server.url,
                             "--output", "json", "--dotenv", dotenv, "\(app):1.4.0"], in: cwd, env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try server.file("envs/dev/kustomization.yaml").contains("\"1.4.0\""))
        XCTAssertTrue(try server.file("envs/staging/kustomization.yaml").contains("\"1.4.0\""))
        XCTAssertTrue(try server.file("envs/production/kustomization.yaml").contains("\"1.1.0\""), "production is never pushed to")
        XCTAssertEqual(Int(try server.git(["rev-list", "--count", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)),
                       Int(before.trimmingCharacters(in: .whitespacesAndNewlines))! + 2, "one commit each for dev and staging")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let entries = try XCTUnwrap(json["environments"] as? [[String: Any]], r.stdout)
        XCTAssertEqual(entries.map { $0["environment"] as? String }, ["dev", "staging", "production"])
        XCTAssertEqual(entries.map { $0["mode"] as? String }, ["push", "push", "merge-request"])
        XCTAssertEqual(entries.map { $0["pushed"] as? Bool }, [true, true, true])
        XCTAssertNil(entries[0]["mergeRequest"])
        let mr = try XCTUnwrap(entries[2]["mergeRequest"] as? [String: Any])
        XCTAssertEqual(mr["created"] as? Bool, true)
        XCTAssertTrue(try server.file("envs/production/kustomization.yaml", at: try XCTUnwrap(entries[2]["branch"] as? String)).contains("\"1.4.0\""))
        XCTAssertEqual(json["changed"] as? Bool, true)
        XCTAssertEqual(try SchemaCheck.errors([json], schema: "schema/report.schema.json"), [[]], "the report validates against schema/report.schema.json")
        XCTAssertEqual((json["changes"] as? [Any])?.count, 3)
        XCTAssertEqual(try forge.requests().filter { $0.method == "POST" && $0.path.hasSuffix("/merge_requests") }.count, 1)
        let post = try XCTUnwrap(try forge.requests().first { $0.method == "POST" && $0.path.hasSuffix("/merge_requests") })
        XCTAssertEqual(post.json["labels"] as? String, "deploy", "production's own merge request options")
        let lines = try String(contentsOfFile: dotenv, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("IMAGEBUMP_CHANGED=true"), "\(lines)")
        XCTAssertTrue(lines.contains("IMAGEBUMP_DEV_CHANGED=true"), "\(lines)")
        XCTAssertTrue(lines.contains("IMAGEBUMP_STAGING_BRANCH=main"), "\(lines)")
        XCTAssertTrue(lines.contains("IMAGEBUMP_PRODUCTION_MR_URL=\(mr["url"] as? String ?? "?")"), "\(lines)")
        XCTAssertFalse(r.stdout.contains(token) || r.stderr.contains(token))
    }

    func testLocalRunsEditEveryNamedEnvironmentUnderItsName() throws {
        let repo = try Fixtures.copyExamples()
        try Git.run(["init", "-q", repo.path])
        let r = try CLI.run(["set", "--env", "dev", "--env", "staging", "\(app):1.30.0"], in: repo.appendingPathComponent("apps"))
        XCTAssertEqual(r.status, 0, r.stderr)
        for e in ["dev", "staging"] {
            let text = try String(contentsOf: repo.appendingPathComponent("apps/sample-app/overlays/\(e)/kustomization.yaml"), encoding: .utf8)
            XCTAssertTrue(text.contains("1.30.0"), "\(e): \(text)")
        }
        XCTAssertFalse(try String(contentsOf: repo.appendingPathComponent("apps/sample-app/overlays/production/kustomization.yaml"), encoding: .utf8).contains("1.30.0"))
        XCTAssertTrue(r.stdout.hasPrefix("environment dev:\napps/sample-app/overlays/dev/kustomization.yaml:"), r.stdout)
        XCTAssertTrue(r.stdout.contains("\nenvironment staging:\napps/sample-app/overlays/staging/kustomization.yaml:"), r.stdout)
        // one unknown name: nothing is written for the others either
        let before = try Fixtures.snapshot(repo)
        let bad = try CLI.run(["set", "--env", "dev,qa", "\(app):1.31.0"], in: repo)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("no environment qa in imagebump.yaml"), bad.stderr)
        XCTAssertEqual(try Fixtures.snapshot(repo), before)
    }

    func testPromoteFromASubdirectoryResolvesTheEnvironmentsFilesAtTheRepositoryRoot() throws {
        let repo = try Fixtures.copyExamples()
        try Git.run(["init", "-q", repo.path])
        let r = try CLI.run(["promote", "dev", "staging"], in: repo.appendingPathComponent("apps/sample-app"))
        XCTAssertEqual(r.status, 0, r.stderr)
        let staging = try String(contentsOf: repo.appendingPathComponent("apps/sample-app/overlays/staging/kustomization.yaml"), encoding: .utf8)
        XCTAssertTrue(staging.contains("3f9c2ab"), staging)
        XCTAssertTrue(r.stdout.contains("apps/sample-app/overlays/staging/kustomization.yaml:"), r.stdout)
    }
}
