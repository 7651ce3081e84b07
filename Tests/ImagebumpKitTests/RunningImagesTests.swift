import Foundation
import XCTest
import ImagebumpKit

/// #18.7: what an overlay runs is its bases' workloads with every `images:` entry applied, inner first (kustomize's
/// order); only paths inside the repository are followed. kubectl kustomize checks the same trees in CLITests.
final class RunningImagesTests: XCTestCase {
    var repo: Scratch!
    override func setUpWithError() throws { repo = try Scratch() }
    override func tearDown() { repo.remove() }

    let deployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      template:
        spec:
          initContainers:
            - {name: init, image: "registry.test/init:1"}
          containers:
            - name: web
              image: registry.test/web:latest
            - {name: side, image: "registry.test/side@sha256:\(String(repeating: "a", count: 64))"}

    """

    func rows(_ paths: [String]) throws -> [String] {
        try RunningImages.collect(root: repo.path, paths: paths).map { "\($0.overlay) \($0.found.reference) \($0.found.place) \($0.workloads.joined(separator: ","))" }
    }

    func testOverlaysOverrideBasesComponentsAndTheLatestPlaceholderIsGone() throws {
        try repo.write(deployment, "app/base/deploy.yaml")
        try repo.write("resources: [deploy.yaml]\nimages:\n- {name: registry.test/init, newTag: \"2\"}\n", "app/base/kustomization.yaml")
        // a component renames side and pins it by tag (digest dropped, as kustomize drops it for newTag)
        try repo.write("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n- name: registry.test/side\n  newName: mirror.test/side\n  newTag: v3\n", "app/components/mirror/kustomization.yaml")
        try repo.write("""
        resources:
          - ../../base
        components:
          - ../../components/mirror
        images:
          - name: registry.test/web
            newTag: 1.4.2
          - name: mirror.test/side
            digest: sha256:\(String(repeating: "b", count: 64))
          - name: registry.test/nothing-runs-this
            newTag: "9"

        """, "app/overlays/prod/kustomization.yaml")
        XCTAssertEqual(try rows(["app/overlays/prod"]), [
            "app/overlays/prod registry.test/init:2 app/base/kustomization.yaml:3 Deployment/web",
            "app/overlays/prod registry.test/web:1.4.2 app/overlays/prod/kustomization.yaml:7 Deployment/web",
            "app/overlays/prod mirror.test/side@sha256:\(String(repeating: "b", count: 64)) app/overlays/prod/kustomization.yaml:9 Deployment/web",
        ])
        // the kustomization file names its overlay too; a directory of overlays lists each overlay, not the base
        XCTAssertEqual(try rows(["app/overlays/prod/kustomization.yaml"]), try rows(["app/overlays/prod"]))
        XCTAssertEqual(try rows(["app"]), try rows(["app/overlays/prod"]))
    }

    func testATagInNameSelectsOnlyThatTag() throws {
        try repo.write("kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: \"db:15\"}\n  - {name: b, image: \"db:16\"}\n", "k/pod.yaml")
        try repo.write("resources: [pod.yaml]\nimages:\n- {name: \"db:15\", newTag: \"15.4\"}\n", "k/kustomization.yaml")
        XCTAssertEqual(try rows(["k"]), ["k db:15.4 k/kustomization.yaml:3 Pod/p", "k db:16 k/pod.yaml:6 Pod/p"])
    }

    func testFilesOutsideKustomizationsAreListedAsWritten() throws {
        try repo.write("image:\n  repository: registry.test/chart\n  tag: 0.9.1\n", "helm/values-prod.yaml")
        let r = try RunningImages.collect(root: repo.path, paths: ["helm"])
        XCTAssertEqual(r.map(\.found.reference), ["registry.test/chart:0.9.1"])
        XCTAssertEqual(r.first?.overlay, "helm/values-prod.yaml")
        XCTAssertEqual(r.first?.workloads, [])
    }

    func testPathsThatLeaveTheRepositoryRemoteBasesAndCyclesAreRefusedWithTheirPlace() throws {
        let outside = try Scratch()
        defer { outside.remove() }
        try outside.write(deployment, "base/deploy.yaml")
        try outside.write("resources: [deploy.yaml]\n", "base/kustomization.yaml")
        let escape = outside.url.path.split(separator: "/").map { _ in ".." }.joined(separator: "/") + outside.url.path
        try repo.write("resources:\n  - \(escape)/base\n", "a/kustomization.yaml")
        try repo.write("resources:\n  - https://github.com/acme/bases//web?ref=v1\n", "b/kustomization.yaml")
        try repo.write("resources:\n  - ../d\n", "c/kustomization.yaml")
        try repo.write("resources:\n  - ../c\n", "d/kustomization.yaml")
        try repo.link("e/base", to: outside.url.appendingPathComponent("base").path)
        try repo.write("resources:\n  - base\n", "e/kustomization.yaml")
        func error(_ path: String) -> String {
            do { return "no error: \(try rows([path]))" } catch { return "\(error)" }
        }
        XCTAssertEqual(error("a"), "a/kustomization.yaml:2:5: \(escape)/base: leaves the repository; refused")
        XCTAssertEqual(error("b"), "b/kustomization.yaml:2:5: https://github.com/acme/bases//web?ref=v1: a remote base is not followed (get reads only this repository)")
        XCTAssertTrue(error("c").hasPrefix("c/kustomization.yaml: is part of a cycle of kustomizations"), error("c"))
        XCTAssertTrue(error("e").hasPrefix("e/base: is a link that leads outside"), error("e"))
        XCTAssertFalse(error("e").contains(repo.path), "no absolute root path: \(error("e"))")
    }
}
