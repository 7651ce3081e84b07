import Foundation
import XCTest
import TestSupport

/// imagebump.yaml in use: `set --env`, `promote` (local, --dry-run, --push to a git daemon, --merge-request against
/// the fake forge), `get`, and config errors, with the real executables.
final class EnvironmentCommandTests: XCTestCase {
    let app = "registry.example.com/team/sample-app"
    let staging = "apps/sample-app/overlays/staging/kustomization.yaml"
    let production = "apps/sample-app/overlays/production/kustomization.yaml"
    let dev = "apps/sample-app/overlays/dev/kustomization.yaml"

    func text(_ repo: URL, _ path: String) throws -> String { try String(contentsOf: repo.appendingPathComponent(path), encoding: .utf8) }

    func testConfigErrorNamesFileLineAndColumnAndNothingRuns() throws {
        let repo = try Fixtures.copyExamples()
        try Fixtures.write("environments:\n  dev: {files: [apps/sample-app/overlays/dev]}\n  staging:\n    files: [apps/sample-app/overlays/staging]\n    reviewer: [x]\n",
                           to: repo.appendingPathComponent("imagebump.yaml"))
        let before = try Fixtures.snapshot(repo)
        for args in [["get"], ["set", "--env", "dev", "\(app):9.9.9"], ["promote", "dev", "staging"]] {
            let r = try CLI.run(args, in: repo)
            XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("imagebump.yaml:5:5: unknown key reviewer in environment staging"), "\(args): \(r.stderr)")
        }
        XCTAssertEqual(try Fixtures.snapshot(repo), before)
        // --config names another file, relative to the working directory
        try Fixtures.write("environments:\n  qa: {files: [apps/nowhere]}\n", to: repo.appendingPathComponent("apps/other.yaml"))
        let r = try CLI.run(["get", "--config", "other.yaml"], in: repo.appendingPathComponent("apps"))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("other.yaml:2:16: apps/nowhere (environment qa) does not exist in the repository"), r.stderr)
    }

    func testSetEnvEditsOnlyThatEnvironmentFromAnySubdirectory() throws {
        let repo = try Fixtures.copyExamples()
        try Git.run(["init", "-q", repo.path]) // the repository root is where imagebump.yaml is looked for
        let prodBefore = try text(repo, production), devBefore = try text(repo, dev)
        let r = try CLI.run(["set", "--env", "staging", "\(app):1.21.0"], in: repo.appendingPathComponent("apps/sample-app"))
        XCTAssertEqual(r.status, 0, r.stderr)
        let stagingText = try text(repo, staging)
        XCTAssertTrue(stagingText.contains("newTag: \"1.21.0\"}"), stagingText)
        XCTAssertEqual(try text(repo, production), prodBefore)
        XCTAssertEqual(try text(repo, dev), devBefore)
        XCTAssertTrue(r.stdout.contains("\(staging):"), r.stdout)

        let unknown = try CLI.run(["set", "--env", "qa", "\(app):1.21.0"], in: repo)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no environment qa in imagebump.yaml (it has: dev, staging, production)"), unknown.stderr)
    }

    func testGetJSONAndText() throws {
        let repo = try Fixtures.copyExamples()
        let r = try CLI.run(["get", "--output", "json"], in: repo)
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let envs = try XCTUnwrap(json["environments"] as? [[String: Any]])
        XCTAssertEqual(envs.map { $0["name"] as? String }, ["dev", "staging", "production"])
        let prod = try XCTUnwrap((envs[2]["images"] as? [[String: Any]])?.first)
        XCTAssertEqual(prod["image"] as? String, app)
        XCTAssertEqual(prod["tag"] as? String, "1.19.4")
        XCTAssertEqual((prod["digest"] as? String)?.hasPrefix("sha256:4b9f3a7d"), true)
        XCTAssertEqual(prod["file"] as? String, production)
        XCTAssertEqual(prod["line"] as? Int, 9)
        let stag = try XCTUnwrap((envs[1]["images"] as? [[String: Any]])?.first)
        XCTAssertTrue(stag["digest"] is NSNull, "absent digest is null: \(stag)")

        let one = try CLI.run(["get", "--env", "staging"], in: repo)
        XCTAssertEqual(one.stdout, """
        ENVIRONMENT  OVERLAY                           IMAGE                                      SET AT
        staging      apps/sample-app/overlays/staging  \(app):1.20  \(staging):7
        staging      apps/worker/overlays/staging      registry.example.com/team/worker:2.5.0     apps/worker/overlays/staging/kustomization.yaml:6

        """)
        let path = try CLI.run(["get", "-f", "apps/sample-app/overlays/dev", "--output", "json"], in: repo)
        XCTAssertEqual(path.status, 0, path.stderr)
        XCTAssertTrue(path.stdout.hasPrefix(#"{"environments":[{"images":[{"digest":null,"file":"apps/sample-app/overlays/dev/kustomization.yaml","image":"registry.example.com/team/sample-app","line":8,"overlay":"apps/sample-app/overlays/dev","tag":"3f9c2ab","workloads":["Deployment/sample-app"]}],"name":"apps/sample-app/overlays/dev"}]}"#), path.stdout)
    }

    func testPromoteLocallyDryRunAndOrder() throws {
        let repo = try Fixtures.copyExamples()
        let before = try Fixtures.snapshot(repo)
        let dry = try CLI.run(["promote", "staging", "production", "--dry-run"], in: repo, env: ["NO_COLOR": "1"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains("-    newTag: 1.19.4\n-    digest: sha256:"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("+    newTag: \"1.20\"\n"), dry.stdout)
        XCTAssertEqual(try Fixtures.snapshot(repo), before, "--dry-run writes nothing")

        let skip = try CLI.run(["promote", "dev", "production"], in: repo)
        XCTAssertEqual(skip.status, 1)
        XCTAssertTrue(skip.stderr.contains("promoting dev → production skips staging in the promotion order dev → staging → production of imagebump.yaml (use --skip-order to promote anyway)"), skip.stderr)
        XCTAssertEqual(try Fixtures.snapshot(repo), before)

        let r = try CLI.run(["promote", "staging", "production"], in: repo)
        XCTAssertEqual(r.status, 0, r.stderr)
        let prod = try text(repo, production)
        XCTAssertTrue(prod.contains("    newTag: \"1.20\"\n"), prod)
        XCTAssertFalse(prod.contains("digest:"), "the stale digest goes: \(prod)")
        XCTAssertTrue(prod.contains("value: 4"), "the rest of the file is kept")

        // again: nothing to do; and the downgrade guard holds for promotions too
        let promoted = try Fixtures.snapshot(repo)
        let again = try CLI.run(["promote", "staging", "production"], in: repo)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("already up to date"), again.stdout)
        XCTAssertEqual(try Fixtures.snapshot(repo), promoted, "nothing written")
        try Fixtures.write(try text(repo, staging).replacingOccurrences(of: "\"1.20\"", with: "0.9.0"), to: repo.appendingPathComponent(staging))
        try Fixtures.write(try text(repo, production).replacingOccurrences(of: "\"1.20\"", with: "1.0.0"), to: repo.appendingPathComponent(production))
        let down = try CLI.run(["promote", "staging", "production"], in: repo)
        XCTAssertEqual(down.status, 1)
        XCTAssertTrue(down.stderr.contains("refusing to downgrade \(app) from 1.0.0 to 0.9.0 (use --allow-downgrade to roll back)"), down.stderr)
        XCTAssertTrue(try text(repo, production).contains("newTag: 1.0.0"), "the refused downgrade wrote nothing")
        let rollback = try CLI.run(["promote", "staging", "production", "--allow-downgrade"], in: repo)
        XCTAssertEqual(rollback.status, 0, rollback.stderr)
        XCTAssertTrue(rollback.stdout.contains("\(app):1.0.0 -> \(app):0.9.0"), rollback.stdout)
        let rolledBack = try text(repo, production)
        XCTAssertTrue(rolledBack.contains("newTag: 0.9.0"), rolledBack)
    }

    /// A config repo with three environments on one branch, production behind a merge request.
    func configRepoFiles(dev: String, staging: String, production: String) -> [String: String] {
        func overlay(_ tag: String) -> String { "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: \(app)\n    newTag: \(tag)\n" }
        return ["imagebump.yaml": "environments:\n  dev: {files: [envs/dev]}\n  staging: {files: [envs/staging]}\n  production:\n    files: [envs/production]\n    mode: merge-request\n    labels: [deploy]\npromotion: [dev, staging, production]\n",
                "envs/dev/kustomization.yaml": overlay(dev), "envs/staging/kustomization.yaml": overlay(staging),
                "envs/production/kustomization.yaml": overlay(production)]
    }

    func testPromotePushesToTheGitDaemonRepo() throws {
        let server = try GitDaemonRepo(files: configRepoFiles(dev: "1.3.0", staging: "1.2.0", production: "1.1.0"))
        defer { server.stop() }
        // a preview of a promotion to production (mode: merge-request) clones, shows the diff, publishes nothing
        let head = try server.git(["rev-parse", "main"])
        let preview = try CLI.run(["promote", "staging", "production", "--dry-run", "--repo", server.url], in: try Fixtures.scratch(), env: ["NO_COLOR": "1"])
        XCTAssertEqual(preview.status, 0, preview.stderr)
        XCTAssertTrue(preview.stdout.contains("-    newTag: 1.1.0\n+    newTag: 1.2.0\n"), preview.stdout)
        XCTAssertEqual(try server.git(["rev-parse", "main"]), head)
        XCTAssertEqual(try server.git(["branch", "--list"]).trimmingCharacters(in: .whitespacesAndNewlines), "* main", "no bot branch pushed")

        let r = try CLI.run(["promote", "dev", "staging", "--push", "--repo", server.url], in: try Fixtures.scratch())
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try server.file("envs/staging/kustomization.yaml").contains("newTag: 1.3.0"))
        XCTAssertTrue(try server.file("envs/production/kustomization.yaml").contains("newTag: 1.1.0"))
        let message = try server.git(["log", "-1", "--format=%B", "main"])
        XCTAssertTrue(message.hasPrefix("chore(deploy): promote dev → staging\n\n- `envs/staging/kustomization.yaml`: `\(app):1.2.0` → `\(app):1.3.0`\n"), message)
    }

    func testPromoteToProductionOpensOneMergeRequestAndSetEnvPushBecomesOne() throws {
        let canary = "canary-token-envs-5e2"
        let server = try GitDaemonRepo(files: configRepoFiles(dev: "1.3.0", staging: "1.2.0", production: "1.1.0"), name: "team/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: canary)
        defer { forge.stop() }
        try forge.reset(["gitlab_projects": ["team/config"]])
        let env = ["IMAGEBUMP_TOKEN": canary, "GITLAB_CI": "true", "CI_API_V4_URL": forge.baseURL + "/api/v4"]
        let cwd = try Fixtures.scratch()
        let args = ["promote", "staging", "production", "--push", "--repo", server.url, "--output", "json"]
        let r1 = try CLI.run(args, in: cwd, env: env)
        XCTAssertEqual(r1.status, 0, r1.stderr)
        let j1 = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r1.stdout.utf8)) as? [String: Any])
        let mr1 = try XCTUnwrap(j1["mergeRequest"] as? [String: Any], "mode: merge-request turns --push into a merge request: \(r1.stdout)")
        XCTAssertEqual(mr1["created"] as? Bool, true)
        let branch = try XCTUnwrap(j1["branch"] as? String)
        XCTAssertTrue(branch.hasPrefix("imagebump/main/production/sample-app-"), "keyed by target, environment and images, as set --env: \(branch)")
        XCTAssertTrue(try server.file("envs/production/kustomization.yaml", at: branch).contains("newTag: 1.2.0"))
        XCTAssertTrue(try server.file("envs/production/kustomization.yaml").contains("newTag: 1.1.0"), "production's branch is never pushed to")
        let post = try XCTUnwrap(try forge.requests().first { $0.method == "POST" && $0.path.hasSuffix("/merge_requests") })
        XCTAssertEqual(post.json["title"] as? String, "chore(deploy): promote staging → production")
        XCTAssertTrue((post.json["description"] as? String)?.hasPrefix("Promote staging → production:\n\n- `envs/production/kustomization.yaml`: `\(app):1.1.0` → `\(app):1.2.0`") == true, "\(post.json)")
        XCTAssertEqual(post.json["labels"] as? String, "deploy")

        // staging moves on; the re-run updates the same merge request
        let staging = try XCTUnwrap(configRepoFiles(dev: "", staging: "1.2.1", production: "")["envs/staging/kustomization.yaml"])
        let seed = try Fixtures.scratch("seed")
        try Git.run(["clone", "-q", server.url, seed.path])
        try Fixtures.write(staging, to: seed.appendingPathComponent("envs/staging/kustomization.yaml"))
        try Git.run(["-C", seed.path, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qam", "staging 1.2.1"])
        try Git.run(["-C", seed.path, "push", "-q", "origin", "main"])
        let r2 = try CLI.run(args, in: cwd, env: env)
        XCTAssertEqual(r2.status, 0, r2.stderr)
        let j2 = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r2.stdout.utf8)) as? [String: Any])
        let mr2 = try XCTUnwrap(j2["mergeRequest"] as? [String: Any])
        XCTAssertEqual(mr2["number"] as? Int, mr1["number"] as? Int, "the same merge request")
        XCTAssertEqual(mr2["created"] as? Bool, false)
        XCTAssertTrue(try server.file("envs/production/kustomization.yaml", at: branch).contains("newTag: 1.2.1"))
        XCTAssertEqual(try forge.requests().filter { $0.method == "POST" && $0.path.hasSuffix("/merge_requests") }.count, 1)

        // set --env production --push: also a merge request, never a push to main
        let mainBefore = try server.git(["rev-parse", "main"])
        let r3 = try CLI.run(["set", "--env", "production", "--push", "--repo", server.url, "--output", "json", "\(app):1.2.2"], in: cwd, env: env)
        XCTAssertEqual(r3.status, 0, r3.stderr)
        let j3 = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r3.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((j3["mergeRequest"] as? [String: Any])?["number"] as? Int, mr1["number"] as? Int, "set --env production updates promote's MR: \(r3.stdout)")
        XCTAssertEqual(j3["branch"] as? String, branch)
        XCTAssertEqual(try server.git(["rev-parse", "main"]), mainBefore)
        for r in [r1, r2, r3] { XCTAssertFalse(r.stdout.contains(canary) || r.stderr.contains(canary)) }
    }
}
