import Foundation
import XCTest
import TestSupport

/// imagebump.yaml protects what it declares (#18.3): a run must name what it changes (-f or --env), and a file of an
/// environment with `mode: merge-request` never reaches its branch by a direct push — locally, against a git daemon
/// and the fake forge, with the real executables.
final class EnvironmentProtectionTests: XCTestCase {
    let app = SampleApp.image

    /// dev and staging pushed, production behind a merge request on main; `extra` joins production's keys.
    func configRepo(production extra: String = "") -> [String: String] {
        ["imagebump.yaml": "environments:\n  dev: {files: [envs/dev]}\n  staging: {files: [envs/staging]}\n  production:\n    files: [envs/production]\n    mode: merge-request\n\(extra)promotion: [dev, staging, production]\n",
         "envs/dev/kustomization.yaml": SampleApp.overlay("1.3.0"), "envs/staging/kustomization.yaml": SampleApp.overlay("1.2.0"),
         "envs/production/kustomization.yaml": SampleApp.overlay("1.1.0")]
    }

    func testARunWithNeitherFilesNorEnvIsAnErrorListingTheEnvironments() throws {
        let repo = try Fixtures.copyExamples()
        try Git.run(["init", "-q", repo.path])
        let before = try Fixtures.snapshot(repo)
        for args in [["set", "\(app):9.9.9"], ["set", "--dry-run", "\(app):9.9.9"], ["set", "--check", "\(app):9.9.9"]] {
            let r = try CLI.run(args, in: repo.appendingPathComponent("apps"))
            XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("no -f and no --env: imagebump.yaml has the environments dev, staging, production; name one with --env (or the files to change with -f)"), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(args)")
        }
        XCTAssertEqual(try Fixtures.snapshot(repo), before, "nothing written")
        // -f . names the whole repository on purpose
        let all = try CLI.run(["set", "--dry-run", "-f", ".", "\(app):9.9.9"], in: repo)
        XCTAssertEqual(all.status, 0, all.stderr)

        let server = try GitDaemonRepo(files: configRepo())
        defer { server.stop() }
        let head = try server.git(["rev-parse", "main"])
        let r = try CLI.run(["set", "--push", "--repo", server.url, "\(app):1.4.0"], in: try Fixtures.scratch())
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("no -f and no --env: imagebump.yaml has the environments dev, staging, production"), r.stderr)
        XCTAssertEqual(try server.git(["rev-parse", "main"]), head, "nothing pushed")
    }

    func testADirectPushToAFileOfAMergeRequestEnvironmentIsRefusedNamingIt() throws {
        let server = try GitDaemonRepo(files: configRepo())
        defer { server.stop() }
        let head = try server.git(["rev-parse", "main"])
        let cwd = try Fixtures.scratch()
        // -f production (a sparse clone: imagebump.yaml is read all the same), and a directory holding it
        for files in [["-f", "envs/production"], ["-f", "envs/production/kustomization.yaml"], ["-f", "envs"]] {
            let r = try CLI.run(["set", "--push", "--repo", server.url, "--output", "json"] + files + ["\(app):1.4.0"], in: cwd)
            XCTAssertEqual(r.status, 1, "\(files): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("envs/production/kustomization.yaml belongs to environment production, which imagebump.yaml puts behind a merge request (mode: merge-request): a direct push to main is refused; change it with --env production, which opens its merge request"), "\(files): \(r.stderr)")
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(json["status"] as? String, "failed")
            XCTAssertNil(json["commit"], "nothing committed: \(r.stdout)")
            XCTAssertEqual(try server.git(["rev-parse", "main"]), head, "\(files): nothing pushed")
        }
        // --env dev with -f production: -f wins, and so does the protection
        let named = try CLI.run(["set", "--push", "--repo", server.url, "--env", "dev", "-f", "envs/production", "\(app):1.4.0"], in: cwd)
        XCTAssertEqual(named.status, 1, named.stderr)
        XCTAssertTrue(named.stderr.contains("belongs to environment production"), named.stderr)
        // a push-mode environment is pushed to
        let staging = try CLI.run(["set", "--push", "--repo", server.url, "-f", "envs/staging", "\(app):1.4.0"], in: cwd)
        XCTAssertEqual(staging.status, 0, staging.stderr)
        XCTAssertTrue(try server.file("envs/staging/kustomization.yaml").contains("1.4.0"))
        XCTAssertTrue(try server.file("envs/production/kustomization.yaml").contains("1.1.0"))
    }

    func testAMergeRequestIntoAnotherBranchThanTheEnvironmentsIsRefused() throws {
        let token = "protect-token-71ac"
        let server = try GitDaemonRepo(files: configRepo(production: "    branch: main\n"), name: "team/config.git")
        defer { server.stop() }
        try server.git(["branch", "next", "main"])
        let forge = try FakeForge(token: token)
        defer { forge.stop() }
        try forge.reset(["gitlab_projects": ["team/config"]])
        let env = ["IMAGEBUMP_TOKEN": token]
        let mr = ["set", "--merge-request", "--repo", server.url, "--forge", "gitlab", "--api-url", forge.baseURL + "/api/v4", "-f", "envs/production"]
        let wrong = try CLI.run(mr + ["--branch", "next", "\(app):1.4.0"], in: try Fixtures.scratch(), env: env)
        XCTAssertEqual(wrong.status, 1, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("a merge request into next is refused (production lives on main)"), wrong.stderr)
        XCTAssertEqual(try server.git(["branch", "--list"]).split(separator: "\n").count, 2, "no bot branch pushed")
        XCTAssertFalse(try forge.requests().contains { $0.method == "POST" }, "no merge request opened")
        let right = try CLI.run(mr + ["\(app):1.4.0"], in: try Fixtures.scratch(), env: env)
        XCTAssertEqual(right.status, 0, right.stderr)
        XCTAssertTrue(try forge.requests().contains { $0.method == "POST" && $0.path.hasSuffix("/merge_requests") })
    }
}
