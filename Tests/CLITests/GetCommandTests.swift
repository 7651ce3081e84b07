import Foundation
import XCTest
import TestSupport

/// #18.7 `imagebump get` answers "what runs where": each overlay's rendered images (checked against kubectl
/// kustomize), column headers, a JSON schema, and `--repo` (a read-only clone, no token) through imagebump-git.
final class GetCommandTests: XCTestCase {
    let app = "registry.example.com/team/sample-app"

    func json(_ r: CLIResult, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], file: file, line: line)
    }

    /// overlay → its references, from get's JSON.
    func references(_ document: [String: Any]) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for e in document["environments"] as? [[String: Any]] ?? [] {
            for i in e["images"] as? [[String: Any]] ?? [] {
                var ref = i["image"] as? String ?? ""
                if let t = i["tag"] as? String { ref += ":" + t }
                if let d = i["digest"] as? String { ref += "@" + d }
                out[i["overlay"] as? String ?? "", default: []].insert(ref)
            }
        }
        return out
    }

    func testAnImageSetOnlyInABaseIsShownAndTheBasePlaceholderIsNot() throws {
        let repo = try Fixtures.copyExamples()
        // the worker's overlays without images: entries: it runs its base's tag
        for env in ["dev", "staging", "production"] {
            try Fixtures.write("resources:\n  - ../../base\nnamespace: worker-\(env)\n",
                               to: repo.appendingPathComponent("apps/worker/overlays/\(env)/kustomization.yaml"))
        }
        let r = try CLI.run(["get", "-f", "apps/worker/overlays/staging", "-f", "apps/sample-app/overlays/staging"], in: repo)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
        PATH                              OVERLAY                           IMAGE                                      SET AT
        apps/worker/overlays/staging      apps/worker/overlays/staging      registry.example.com/team/worker:2.4.0     apps/worker/base/cronjob.yaml:14
        apps/sample-app/overlays/staging  apps/sample-app/overlays/staging  \(app):1.20  apps/sample-app/overlays/staging/kustomization.yaml:7

        """)
        XCTAssertFalse(r.stdout.contains(":latest"), "the base's placeholder is not what runs")
        // --image narrows the rows; a directory of overlays lists each overlay and never the base itself
        let worker = try json(CLI.run(["get", "-f", "apps", "--image", "registry.example.com/team/worker", "--output", "json"], in: repo))
        XCTAssertEqual(references(worker), ["apps/worker/overlays/dev": ["registry.example.com/team/worker:2.4.0"],
                                            "apps/worker/overlays/staging": ["registry.example.com/team/worker:2.4.0"],
                                            "apps/worker/overlays/production": ["registry.example.com/team/worker:2.4.0"]])
        let row = try XCTUnwrap((worker["environments"] as? [[String: Any]])?.first?["images"] as? [[String: Any]]).first
        XCTAssertEqual(row?["workloads"] as? [String], ["CronJob/worker"])
    }

    /// Every overlay of examples/ and a tree with components, renames and a tag selector: get's references are
    /// exactly the image: lines kubectl kustomize renders.
    func testEffectiveImagesAreWhatKubectlKustomizeRenders() throws {
        _ = try Kustomize.kubectl()
        let repo = try Fixtures.copyExamples()
        let digest = "sha256:" + String(repeating: "c", count: 64)
        try Fixtures.write("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              initContainers:
                - {name: migrate, image: "registry.example.com/team/api:latest"}
              containers:
                - {name: api, image: "registry.example.com/team/api:latest"}
                - {name: proxy, image: "envoyproxy/envoy:v1.30.0"}
                - {name: db, image: "postgres:15"}

        """, to: repo.appendingPathComponent("apps/api/base/deployment.yaml"))
        try Fixtures.write("resources: [deployment.yaml]\nimages:\n- {name: postgres:15, newTag: \"15.6\"}\n",
                           to: repo.appendingPathComponent("apps/api/base/kustomization.yaml"))
        try Fixtures.write("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n- {name: envoyproxy/envoy, newName: mirror.example.com/envoy, newTag: v1.31.2}\n",
                           to: repo.appendingPathComponent("apps/api/components/mirror/kustomization.yaml"))
        try Fixtures.write("resources: [../../base]\ncomponents: [../../components/mirror]\nimages:\n- {name: registry.example.com/team/api, newTag: 2.0.1, digest: \"\(digest)\"}\n- {name: mirror.example.com/envoy, newTag: v1.31.3}\n",
                           to: repo.appendingPathComponent("apps/api/overlays/prod/kustomization.yaml"))
        try Fixtures.write("resources: [../prod]\nimages:\n- {name: registry.example.com/team/api, newName: registry.example.com/team/api-canary}\n",
                           to: repo.appendingPathComponent("apps/api/overlays/canary/kustomization.yaml"))
        // a directory lists the overlays no other one there pulls in (canary pulls in prod: prod is named itself)
        let got = references(try json(CLI.run(["get", "-f", "apps", "-f", "apps/api/overlays/prod", "--output", "json"], in: repo)))
        XCTAssertEqual(got.count, 8, "\(got.keys.sorted())")
        for (overlay, refs) in got {
            let rendered = Set(try Kustomize.render(overlay, in: repo.path).split(separator: "\n").compactMap { line -> String? in
                let t = line.trimmingCharacters(in: .whitespaces)
                guard t.hasPrefix("image: ") || t.hasPrefix("- image: ") else { return nil }
                return String(t[t.range(of: "image: ")!.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            })
            XCTAssertEqual(refs, rendered, overlay)
        }
        XCTAssertEqual(got["apps/api/overlays/canary"], ["registry.example.com/team/api-canary:2.0.1@\(digest)", "mirror.example.com/envoy:v1.31.3", "postgres:15.6"])
    }

    func testRepoIsAReadOnlyCloneWithoutATokenAndMatchesTheLocalAnswer() throws {
        let repo = try Fixtures.copyExamples()
        var files: [String: String] = [:]
        let e = FileManager.default.enumerator(atPath: repo.path)!
        for case let rel as String in e where rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") {
            files[rel] = try String(contentsOf: repo.appendingPathComponent(rel), encoding: .utf8)
        }
        let server = try GitDaemonRepo(files: files, name: "platform/gitops.git")
        defer { server.stop() }
        let before = try server.git(["for-each-ref"])
        let cwd = try Fixtures.scratch()
        let local = try CLI.run(["get"], in: repo)
        XCTAssertEqual(local.status, 0, local.stderr)
        // no token variable set at all: a public repository needs none
        let tokens = ["IMAGEBUMP_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN", "GITHUB_TOKEN"]
        let remote = try CLI.runProgram(CLI.binary.path, ["get", "--repo", server.url, "--timeout", "30"], in: cwd, unset: tokens)
        XCTAssertEqual(remote.status, 0, remote.stderr)
        XCTAssertEqual(remote.stdout, local.stdout)
        XCTAssertTrue(remote.stdout.hasPrefix("ENVIRONMENT  OVERLAY"), remote.stdout)
        let one = try json(CLI.runProgram(CLI.binary.path, ["get", "--repo", server.url, "--env", "production", "--output", "json"], in: cwd, unset: tokens))
        XCTAssertEqual(references(one)["apps/sample-app/overlays/production"]?.first?.hasPrefix("\(app):1.19.4@sha256:"), true, "\(one)")
        XCTAssertEqual(try server.git(["for-each-ref"]), before, "nothing pushed")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cwd.path), [], "nothing written to the working directory")

        // the edit-only executable hands --repo over to imagebump-git and links no libgit2 itself
        let ldd = try CLI.runProgram("/usr/bin/env", ["ldd", CLI.binary.path], in: cwd)
        XCTAssertFalse(ldd.stdout.contains("libgit2"), ldd.stdout)

        // a base outside the repository is refused with the kustomization's place, exit 1
        try Fixtures.write("resources:\n  - ../../../../../outside\n", to: repo.appendingPathComponent("apps/sample-app/overlays/dev/kustomization.yaml"))
        let bad = try CLI.run(["get", "--env", "dev"], in: repo)
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stdout, "")
        XCTAssertTrue(bad.stderr.contains("apps/sample-app/overlays/dev/kustomization.yaml:2:5: ../../../../../outside: leaves the repository; refused"), bad.stderr)
    }

    func testJSONValidatesAgainstTheGetSchema() throws {
        let repo = try Fixtures.copyExamples()
        try Fixtures.write("image:\n  repository: registry.example.com/team/chart\n  tag: 0.9.1\n", to: repo.appendingPathComponent("helm/values.yaml"))
        var documents: [Any] = []
        for args in [["get"], ["get", "--env", "staging"], ["get", "-f", "apps", "-f", "helm"], ["get", "-f", "apps/worker", "--image", "none.example.com/x"]] {
            documents.append(try json(CLI.run(args + ["--output", "json"], in: repo)))
        }
        XCTAssertEqual(try SchemaCheck.errors(documents, schema: "schema/get.schema.json").filter { !$0.isEmpty }, [])
        // the schema is not vacuous: a row without its overlay, and an unknown key, are rejected
        let bad: [Any] = [["environments": [["name": "dev", "images": [["image": "a", "tag": NSNull(), "digest": NSNull(), "file": "f", "line": 1, "workloads": []]]]]],
                          ["environments": [], "extra": true]]
        XCTAssertEqual(try SchemaCheck.errors(bad, schema: "schema/get.schema.json").map(\.isEmpty), [false, false])
    }
}

/// Python's jsonschema (an independent implementation) over documents; throws when the validator cannot run.
enum SchemaCheck {
    static func errors(_ documents: [Any], schema: String) throws -> [[String]] {
        let dir = try Fixtures.scratch("schema")
        let data = dir.appendingPathComponent("documents.json")
        try JSONSerialization.data(withJSONObject: documents).write(to: data)
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        print(json.dumps([[e.message for e in validator.iter_errors(d)] for d in json.load(open(sys.argv[2]))]))
        """
        let r = try CLI.runProgram("/usr/bin/env", ["python3", "-c", script, Fixtures.repoRoot.appendingPathComponent(schema).path, data.path], in: dir)
        guard r.status == 0, let errors = try? JSONDecoder().decode([[String]].self, from: Data(r.stdout.utf8)), errors.count == documents.count else {
            throw SchemaValidatorFailed(output: r.stdout + r.stderr)
        }
        return errors
    }
}

struct SchemaValidatorFailed: Error { let output: String }
