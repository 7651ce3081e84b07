import Foundation
import XCTest
import TestSupport
import Support

/// `--output json` of every mode — success, drift, failure — validates against schema/report.schema.json
/// (checked with Python's jsonschema, an independent implementation), and failures print one object too.
final class ReportSchemaTests: XCTestCase {
    let app = SampleApp.image
    let token = "schema-token-8d2c61"

    /// Runs imagebump with --output json; returns the one JSON document on stdout.
    func report(_ args: [String], in cwd: URL, env: [String: String] = [:], status: Int32,
                file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let r = try CLI.run(args + ["--output", "json"], in: cwd, env: env)
        XCTAssertEqual(r.status, status, "\(args): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stdout.filter { $0 == "\n" }.count, 1, "one line on stdout: \(r.stdout)", file: file, line: line)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        return try XCTUnwrap(object as? [String: Any], file: file, line: line)
    }

    func testEveryModeAndEveryFailureValidatesAgainstTheSchema() throws {
        var documents: [[String: Any]] = []
        let repo = try Fixtures.copyExamples()
        let dev = "apps/sample-app/overlays/dev"
        documents.append(try report(["set", "--dry-run", "-f", dev, "\(app):1.30"], in: repo, status: 0))
        documents.append(try report(["set", "--check", "-f", dev, "\(app):1.30"], in: repo, status: 2))
        documents.append(try report(["set", "-f", dev, "\(app):1.30"], in: repo, status: 0))
        documents.append(try report(["set", "--check", "-f", dev, "\(app):1.30"], in: repo, status: 0))
        // several environments: one entry each
        let several = try report(["set", "--check", "--env", "dev,staging", "\(app):1.30"], in: repo, status: 2)
        XCTAssertEqual((several["environments"] as? [[String: Any]])?.map { $0["status"] as? String }, ["ok", "drift"])
        documents.append(several)
        documents.append(try report(["set", "--env", "dev,staging", "\(app):1.30"], in: repo, status: 0))
        // failures: a parse error (file and line), a bad spec, nothing matched
        try Fixtures.write("spec:\n  image: \(app):1.0\n  bad: [unclosed\n", to: repo.appendingPathComponent("broken/x.yaml"))
        let parse = try report(["set", "-f", "broken", "\(app):1.31"], in: repo, status: 1)
        let parseError = try XCTUnwrap(parse["error"] as? [String: Any])
        XCTAssertEqual(parseError["file"] as? String, "broken/x.yaml")
        XCTAssertNotNil(parseError["line"] as? Int)
        XCTAssertEqual(parse["changed"] as? Bool, false)
        documents.append(parse)
        documents.append(try report(["set", "-f", dev, "\(app):bad tag"], in: repo, status: 1))
        documents.append(try report(["set", "-f", dev, "registry.example.com/none:1"], in: repo, status: 1))

        // git modes against a git daemon and the fake forge
        let server = try GitDaemonRepo(files: ["apps/app/kustomization.yaml": SampleApp.overlay("1.0.0")], name: "team/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: token)
        defer { forge.stop() }
        try forge.reset(["gitlab_projects": ["team/config"]])
        let cwd = try Fixtures.scratch()
        let env = ["IMAGEBUMP_TOKEN": token]
        documents.append(try report(["set", "--dry-run", "--repo", server.url, "\(app):2.0"], in: cwd, env: env, status: 0))
        documents.append(try report(["set", "--check", "--repo", server.url, "\(app):2.0"], in: cwd, env: env, status: 2))
        documents.append(try report(["set", "--push", "--repo", server.url, "\(app):2.0"], in: cwd, env: env, status: 0))
        documents.append(try report(["set", "--push", "--repo", server.url, "\(app):2.0"], in: cwd, env: env, status: 0))
        let mrArgs = ["set", "--merge-request", "--repo", server.url, "--forge", "gitlab", "--api-url", forge.baseURL + "/api/v4"]
        let opened = try report(mrArgs + ["\(app):2.1"], in: cwd, env: env, status: 0)
        XCTAssertNotNil(opened["mergeRequest"])
        documents.append(opened)
        // 2.1 reaches main directly: the open merge request is closed as superseded
        documents.append(try report(["set", "--push", "--repo", server.url, "\(app):2.1"], in: cwd, env: env, status: 0))
        let superseded = try report(mrArgs + ["\(app):2.1"], in: cwd, env: env, status: 0)
        XCTAssertNotNil(superseded["supersededMergeRequest"], "\(superseded)")
        documents.append(superseded)
        // the merge request API fails after the bot branch was pushed (creating the pull request is refused): the
        // report says what did happen
        try forge.reset(["gitlab_projects": ["team/config"], "github_repos": ["team/config"]])
        try forge.fault(method: "POST", path: "/pulls$", status: 422, body: ["message": "Validation Failed"])
        let brokenAPI = ["set", "--merge-request", "--repo", server.url, "--forge", "github", "--api-url", forge.baseURL]
        let partial = try report(brokenAPI + ["\(app):2.2"], in: cwd, env: env, status: 1)
        XCTAssertEqual(partial["status"] as? String, "failed")
        XCTAssertEqual(partial["changed"] as? Bool, true, "the commit was pushed before the API failed")
        XCTAssertEqual(partial["pushed"] as? Bool, true)
        let branch = try XCTUnwrap(partial["branch"] as? String)
        XCTAssertEqual(partial["commit"] as? String, try server.git(["rev-parse", branch]).trimmingCharacters(in: .whitespacesAndNewlines))
        documents.append(partial)
        // a local checkout: --commit
        let checkout = try Fixtures.scratch().appendingPathComponent("checkout")
        _ = try Git.output(["clone", "-q", server.url, checkout.path])
        documents.append(try report(["set", "--commit", "--repo", checkout.path, "\(app):3.0"], in: cwd, status: 0))

        XCTAssertEqual(Set(documents.compactMap { $0["mode"] as? String }),
                       ["write", "dry-run", "check", "push", "merge-request", "commit"], "every mode covered")
        XCTAssertEqual(Set(documents.compactMap { $0["status"] as? String }), ["ok", "drift", "failed"])
        for d in documents { XCTAssertEqual(d["version"] as? String, BuildInfo.description) }
        try validate(documents)
    }

    /// What the forge answered about auto-merge reaches the report: the fake GitHub refuses it ("Auto merge is not
    /// allowed for this repository"), so `autoMergeEnabled` is false and `warnings` says why, in the JSON and in the
    /// step summary; GitLab sets it (true). The report used to drop both (only stderr had the warning).
    func testAutoMergeStateAndTheForgesWarningsAreReported() throws {
        let server = try GitDaemonRepo(files: ["apps/app/kustomization.yaml": SampleApp.overlay("1.0.0")], name: "octo/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: token)
        defer { forge.stop() }
        try forge.reset(["gitlab_projects": ["octo/config"], "github_repo_settings": ["octo/config": ["allow_auto_merge": false]]])
        let cwd = try Fixtures.scratch()
        let summaryFile = cwd.appendingPathComponent("summary")
        let env = ["IMAGEBUMP_TOKEN": token, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summaryFile.path]
        let github = try report(["set", "--merge-request", "--auto-merge", "--repo", server.url, "--forge", "github",
                                 "--api-url", forge.baseURL, "\(app):2.0"], in: cwd, env: env, status: 0)
        let mr = try XCTUnwrap(github["mergeRequest"] as? [String: Any], "\(github)")
        XCTAssertEqual(mr["autoMergeEnabled"] as? Bool, false, "\(mr)")
        let warnings = try XCTUnwrap(mr["warnings"] as? [String], "\(mr)")
        XCTAssertTrue(warnings.contains { $0.contains("Auto merge is not allowed") }, "\(warnings)")
        let summary = try String(contentsOf: summaryFile, encoding: .utf8)
        XCTAssertTrue(summary.contains("Auto-merge: **not enabled**"), summary)
        XCTAssertTrue(summary.contains("Auto merge is not allowed"), summary)

        let gitlab = try report(["set", "--merge-request", "--auto-merge", "--repo", server.url, "--forge", "gitlab",
                                 "--api-url", forge.baseURL + "/api/v4", "-f", "apps/app", "\(app):2.1"],
                                in: cwd, env: ["IMAGEBUMP_TOKEN": token], status: 0)
        let set = try XCTUnwrap(gitlab["mergeRequest"] as? [String: Any], "\(gitlab)")
        XCTAssertEqual(set["autoMergeEnabled"] as? Bool, true, "\(set)")
        // a run without --auto-merge says nothing about it
        let plain = try report(["set", "--merge-request", "--repo", server.url, "--forge", "gitlab",
                                "--api-url", forge.baseURL + "/api/v4", "--branch", "main", "-f", "apps", "\(app):2.2"],
                               in: cwd, env: ["IMAGEBUMP_TOKEN": token], status: 0)
        XCTAssertNil((plain["mergeRequest"] as? [String: Any])?["autoMergeEnabled"], "\(plain)")
        try validate([github, gitlab, plain])
    }

    /// --verify and --pin-digest against the real registry: the JSON report, the dotenv report and the GitHub
    /// outputs carry each image's digest and whether it was found, also for a run a registry refused; a run that
    /// asks no registry reports no images.
    func testTheRegistriesAnswersAreInTheReportTheDotenvAndTheOutputs() throws {
        let s = try RegistryFixture(test: self)
        let dir = try s.checkout()
        let out = dir.appendingPathComponent("github-output")
        func run(_ args: [String], status: Int32) throws -> (json: [String: Any], dotenv: [String: String], github: [String: String]) {
            try Data().write(to: out)
            let env = s.env.merging(["GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": out.path]) { $1 }
            let json = try report(["set", "--dotenv", "r.env"] + args, in: dir, env: env, status: status)
            let dotenv = try GitLabDotenv.parse(try String(contentsOf: dir.appendingPathComponent("r.env"), encoding: .utf8))
            let github = try GitHubRunner.outputs(try String(contentsOf: out, encoding: .utf8))
            return (json, Dictionary(dotenv, uniquingKeysWith: { $1 }), Dictionary(github, uniquingKeysWith: { $1 }))
        }
        let pinned = try run(["--pin-digest"] + s.auth + ["-f", "app", "\(s.api):1.2.0", "\(s.web):2.0.0"], status: 0)
        let images = try XCTUnwrap(pinned.json["images"] as? [[String: Any]])
        XCTAssertEqual(images.map { $0["image"] as? String }, ["\(s.api):1.2.0@\(s.apiDigest)", "\(s.web):2.0.0@\(s.webIndex)"])
        XCTAssertEqual(images.map { $0["digest"] as? String }, [s.apiDigest, s.webIndex])
        XCTAssertEqual(images.map { $0["verified"] as? Bool }, [true, true])
        let digests = "\(s.api)@\(s.apiDigest) \(s.web)@\(s.webIndex)"
        XCTAssertEqual(pinned.dotenv["IMAGEBUMP_DIGESTS"], digests)
        XCTAssertEqual(pinned.dotenv["IMAGEBUMP_VERIFIED"], "true")
        XCTAssertEqual(pinned.github["digests"], digests)
        XCTAssertEqual(pinned.github["verified"], "true")

        let refused = try run(["--verify"] + s.auth + ["-f", "app", "\(s.api):1.2.0", "\(s.web):9.9.9"], status: 1)
        let checked = try XCTUnwrap(refused.json["images"] as? [[String: Any]])
        XCTAssertEqual(checked.map { $0["image"] as? String }, ["\(s.api):1.2.0", "\(s.web):9.9.9"])
        XCTAssertEqual(checked.map { $0["digest"] as? String }, [s.apiDigest, nil])
        XCTAssertEqual(checked.map { $0["verified"] as? Bool }, [true, false])
        XCTAssertEqual(refused.dotenv["IMAGEBUMP_VERIFIED"], "false")
        XCTAssertEqual(refused.dotenv["IMAGEBUMP_DIGESTS"], "\(s.api)@\(s.apiDigest)")
        XCTAssertEqual(refused.github["verified"], "false")

        let unasked = try run(["-f", "app", "\(s.api):1.2.0"], status: 0)
        XCTAssertNil(unasked.json["images"])
        XCTAssertEqual(unasked.dotenv["IMAGEBUMP_VERIFIED"], "")
        XCTAssertEqual(unasked.github["digests"], "")
        try validate([pinned.json, refused.json, unasked.json])
    }

    /// Fails (never skips) when a document does not validate or the validator cannot run.
    func validate(_ documents: [[String: Any]]) throws {
        let errors = try schemaErrors(documents)
        XCTAssertEqual(errors.filter { !$0.isEmpty }, [], "schema validation: \(errors)")
    }

    func testTheSchemaRejectsAReportThatBreaksIt() throws {
        let bad: [[String: Any]] = [["version": "1", "mode": "push", "status": "failed", "changed": false, "changes": []]]
        XCTAssertNotEqual(try schemaErrors(bad), [[]], "a failed report without an error is rejected")
    }

    /// The schema's complaints about each document (`SchemaCheck`: Python's jsonschema); throws when it cannot run.
    func schemaErrors(_ documents: [[String: Any]]) throws -> [[String]] {
        try SchemaCheck.errors(documents, schema: "schema/report.schema.json")
    }
}
