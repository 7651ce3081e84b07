import XCTest
import TestSupport
import Foundation
@testable import ImageRules

/// kubectl kustomize as the oracle for every kustomization case: the planned kustomization must render the
/// new image (and the original must not already have).
final class KustomizeOracleTests: XCTestCase {
    static let deployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: oracle}
    spec:
      selector: {matchLabels: {app: oracle}}
      template:
        metadata: {labels: {app: oracle}}
        spec:
          containers:
          - {name: a, image: registry.example.com/app:1.0.0}
          - {name: b, image: web:3.0}
          - {name: c, image: ghcr.io/acme/worker:0.8}
          - {name: d, image: postgres:15}
          - {name: e, image: foo:v0}
          - {name: f, image: nginx:1.19}

    """

    struct Case {
        let name: String
        let kustomization: String
        var file = "kustomization.yaml"
        let specs: [String]
        var add = false
        /// image strings the rendered output must contain after the edit
        let renders: [String]
    }

    static let cases: [Case] = [
        Case(name: "tag bump drops the stale digest",
             kustomization: "resources: [deploy.yaml]\nimages:\n- name: registry.example.com/app\n  newTag: 1.0.1\n  digest: \(digestA)\n",
             specs: ["registry.example.com/app:1.1.0"], renders: ["image: registry.example.com/app:1.1.0\n"]),
        Case(name: "--add with two specs (one images: list)",
             kustomization: "resources:\n- deploy.yaml\n", specs: ["web:3.1", "ghcr.io/acme/worker:0.9"], add: true,
             renders: ["image: web:3.1\n", "image: ghcr.io/acme/worker:0.9\n"]),
        Case(name: "--add into a flow kustomization",
             kustomization: "{resources: [deploy.yaml]}\n", specs: ["web:3.1", "foo@\(digestB)"], add: true,
             renders: ["image: web:3.1\n", "image: foo@\(digestB)\n"]),
        Case(name: "flow entry gets newTag and digest",
             kustomization: "resources: [deploy.yaml]\nimages: [{name: web}]\n", specs: ["web:3.2@\(digestA)"],
             renders: ["image: web:3.2@\(digestA)\n"]),
        Case(name: "a top-level images: list alone is a kustomization",
             kustomization: "images: [{name: foo, newTag: v1}]\n", file: "kustomization-4711.yaml", specs: ["foo:v2"],
             renders: ["image: foo:v2\n"]),
        Case(name: "tag written in name selects; digest replaced, newTag added",
             kustomization: "resources: [deploy.yaml]\nimages:\n- name: postgres:15\n  digest: \(digestA)\n",
             specs: ["postgres:16@\(digestB)"], renders: ["image: postgres:16@\(digestB)\n"]),
        Case(name: "#17.8 a tag in name and a digest bump of that tag: only the digest changes",
             kustomization: "resources: [deploy.yaml]\nimages:\n- name: postgres:15\n  digest: \(digestA)\n",
             specs: ["postgres:15@\(digestB)"], renders: ["image: postgres@\(digestB)\n"]),
        Case(name: "#17.6 an empty newTag is written in place, keeping its comment",
             kustomization: "resources: [deploy.yaml]\nimages:\n- name: web\n  newTag:  # set by CI\n", specs: ["web:3.4"],
             renders: ["image: web:3.4\n"]),
        Case(name: "tag and digest written in newName move to newTag/digest",
             kustomization: "resources: [deploy.yaml]\nimages:\n- name: postgres\n  newName: acme/postgres:15@\(digestA)\n",
             specs: ["acme/postgres:16"], renders: ["image: acme/postgres:16\n"]),
        Case(name: "a digest-only bump drops newTag",
             kustomization: "resources: [deploy.yaml]\nimages:\n- name: web\n  newTag: \"3.0\"\n", specs: ["web@\(digestB)"],
             renders: ["image: web@\(digestB)\n"]),
        Case(name: "a rename given with the normalised name sets newName",
             kustomization: "resources: [deploy.yaml]\nimages:\n- name: nginx\n  newTag: \"1.19\"\n",
             specs: ["docker.io/library/nginx=ghcr.io/acme/nginx:1.25.3"], renders: ["image: ghcr.io/acme/nginx:1.25.3\n"]),
        Case(name: "a Flux-marked tag is edited once, by the kustomize rule",
             kustomization: "resources: [deploy.yaml]\nimages:\n- name: foo\n  newTag: v0 # {\"$imagepolicy\": \"ns:foo:tag\"}\n",
             specs: ["foo:v5"], renders: ["image: foo:v5\n"]),
        Case(name: "a Flux-marked digest is emptied, not removed",
             kustomization: "resources: [deploy.yaml]\nimages:\n- name: web\n  newTag: \"3.0\"\n  digest: \"\(digestA)\" # {\"$imagepolicy\": \"ns:web:digest\"}\n",
             specs: ["web:3.3"], renders: ["image: web:3.3\n"]),
    ]

    func testKubectlKustomizeRendersTheNewImageForEveryKustomizationCase() throws {
        _ = try Kustomize.kubectl()
        for c in Self.cases {
            let (out, plan) = try bump(c.kustomization, c.specs, file: c.file, add: c.add)
            XCTAssertEqual(plan.matchedSpecs.count, c.specs.count, c.name)
            // kubectl reads only kustomization.yaml; a file recognised by its keys alone gets the resource prepended
            let wrap = { (k: String) in c.file == "kustomization.yaml" ? k : "resources: [deploy.yaml]\n" + k }
            let before = try render(wrap(c.kustomization))
            let after = try render(wrap(out))
            for image in c.renders {
                XCTAssertFalse(before.contains(image), "\(c.name): \(image) already rendered before the edit")
                XCTAssertTrue(after.contains(image), "\(c.name): kubectl kustomize did not render \(image):\n\(after)\n--- from ---\n\(out)")
            }
        }
    }

    func render(_ kustomization: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ib-kustomize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.deployment.write(to: dir.appendingPathComponent("deploy.yaml"), atomically: true, encoding: .utf8)
        try kustomization.write(to: dir.appendingPathComponent("kustomization.yaml"), atomically: true, encoding: .utf8)
        return try Kustomize.render(dir.path, context: kustomization)
    }
}
