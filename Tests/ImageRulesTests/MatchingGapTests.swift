import XCTest
@testable import ImageRules

/// The silent-wrong cases of issue 9, one behaviour per test.
final class MatchingGapTests: XCTestCase {
    func testAddWithSeveralSpecsWritesOneImagesList() throws {
        let text = "resources:\n  - deploy.yaml\nnamePrefix: dev-\n"
        let (out, plan) = try bump(text, ["web:3.1", "ghcr.io/acme/worker:0.9"], add: true)
        XCTAssertEqual(out, text + "images:\n- name: web\n  newTag: \"3.1\"\n- name: ghcr.io/acme/worker\n  newTag: \"0.9\"\n")
        XCTAssertEqual(plan.matchedSpecs, [0, 1])
        XCTAssertEqual(plan.changes.map(\.new), ["web:3.1", "ghcr.io/acme/worker:0.9"])
    }

    func testAddIntoFlowKustomizationAddsAFlowEntry() throws {
        let (out, _) = try bump("{resources: [deploy.yaml]}\n", ["web:3.1", "api@\(digestA)"], add: true)
        XCTAssertEqual(out, "{resources: [deploy.yaml], images: [{name: web, newTag: \"3.1\"}, {name: api, digest: \(digestA)}]}\n")
        let (empty, _) = try bump("{}\n", ["web:v2"], add: true)
        XCTAssertEqual(empty, "{images: [{name: web, newTag: v2}]}\n")
        let (emptyList, _) = try bump("resources: [deploy.yaml]\nimages: []\n", ["web:v2"], add: true)
        XCTAssertEqual(emptyList, "resources: [deploy.yaml]\nimages: [{name: web, newTag: v2}]\n")
    }

    func testTopLevelImagesListIsAKustomizationWhateverTheFileName() throws {
        let (out, plan) = try bump("images: [{name: foo, newTag: v1}]\n", ["foo:v2"], file: "overlays/kustomization-4711.yaml")
        XCTAssertEqual(out, "images: [{name: foo, newTag: v2}]\n")
        XCTAssertEqual(plan.changes.first?.kind, .kustomize)
    }

    func testFluxDigestMarkerFollowsTheFullReferenceMarkerOfItsPolicy() throws {
        let old = "sha256:" + String(repeating: "0", count: 64), new = "sha256:" + String(repeating: "0", count: 63) + "1"
        let text = """
        app:
          image: registry.local/app:v1 # {"$imagepolicy": "apps:app-policy"}
          pin: \(old) # {"$imagepolicy": "apps:app-policy:digest"}
        other:
          pin: \(old) # {"$imagepolicy": "apps:other:digest"}

        """
        let (out, plan) = try bump(text, ["registry.local/app:v2@\(new)"], file: "values.yaml")
        XCTAssertEqual(out, """
        app:
          image: registry.local/app:v2@\(new) # {"$imagepolicy": "apps:app-policy"}
          pin: \(new) # {"$imagepolicy": "apps:app-policy:digest"}
        other:
          pin: \(old) # {"$imagepolicy": "apps:other:digest"}

        """)
        XCTAssertEqual(plan.changes.map(\.kind), [.fluxMarker, .fluxMarker])
        // a tag-only bump empties the stale digest of the same policy instead of leaving it pinned
        let (tagOnly, _) = try bump(text, ["registry.local/app:v3"], file: "values.yaml")
        XCTAssertTrue(tagOnly.contains("  pin: \"\" # {\"$imagepolicy\": \"apps:app-policy:digest\"}"), tagOnly)
    }

    func testExistingShortDigestAndTemplatedTagAreStillTargets() throws {
        let text = """
        containers:
          - image: nginx@sha256:111111111111111111
          - image: nginx:1.25
          - image: some.registry.io/app:{GENERATED_TAG}
          - image: "{{ .Values.image }}"

        """
        let (out, plan) = try bump(text, ["nginx:1.27", "some.registry.io/app:4.2"], file: "pod.yaml")
        XCTAssertEqual(out, """
        containers:
          - image: nginx:1.27
          - image: nginx:1.27
          - image: some.registry.io/app:4.2
          - image: "{{ .Values.image }}"

        """)
        XCTAssertEqual(plan.changes.map(\.old), ["nginx@sha256:111111111111111111", "nginx:1.25", "some.registry.io/app:{GENERATED_TAG}"])
    }

    func testHelmTagLivesUnderTheKeyTheMappingAlreadyHas() throws {
        let version = "image:\n  registry: quay.io\n  repository: acme/api\n  version: 2.0.1\n"
        XCTAssertEqual(try bump(version, ["quay.io/acme/api:2.1.0"], file: "values.yaml").0,
                       "image:\n  registry: quay.io\n  repository: acme/api\n  version: 2.1.0\n")
        let imageTag = "api:\n  repository: quay.io/acme/api\n  imageTag: \"7\"\n"
        XCTAssertEqual(try bump(imageTag, ["quay.io/acme/api:8"], file: "values.yaml").0,
                       "api:\n  repository: quay.io/acme/api\n  imageTag: \"8\"\n")
        let none = "api:\n  repository: quay.io/acme/api\n"
        XCTAssertEqual(try bump(none, ["quay.io/acme/api:8"], file: "values.yaml").0, none + "  tag: \"8\"\n")
    }

    func testImageVolumeReferenceIsAnImage() throws {
        let text = """
        apiVersion: v1
        kind: Pod
        spec:
          containers:
          - name: main
            image: busybox:1.36
          volumes:
          - name: models
            image:
              reference: registry.local/ml/weights:2024.1
              pullPolicy: IfNotPresent

        """
        let (out, plan) = try bump(text, ["registry.local/ml/weights:2024.2"], file: "pod.yaml")
        XCTAssertEqual(out, text.replacingOccurrences(of: "weights:2024.1", with: "weights:2024.2"))
        XCTAssertEqual(plan.changes.map(\.kind), [.container])
        XCTAssertEqual(plan.changes.first?.line, 10)
    }

    func testKeysEndingInImageThatHoldAReferenceAreTargets() throws {
        let text = """
        sidecarImage: docker.io/library/busybox:1.36.0
        initImage: "busybox:1.35"
        backup_image: busybox
        pullImage: true
        imageName: busybox:1.0
        helperImage: alpine:3.19

        """
        let (out, plan) = try bump(text, ["busybox:1.37.0"], file: "values.yaml")
        XCTAssertEqual(out, """
        sidecarImage: docker.io/library/busybox:1.37.0
        initImage: "busybox:1.37.0"
        backup_image: busybox:1.37.0
        pullImage: true
        imageName: busybox:1.0
        helperImage: alpine:3.19

        """)
        XCTAssertEqual(plan.changes.map(\.kind), [.key, .key, .key])
    }

    func testTagInKustomizeNameSelectsAndTagInNewNameMovesToNewTag() throws {
        let selector = "images:\n- name: postgres:15\n  digest: \(digestA)\n"
        let (out, plan) = try bump(selector, ["postgres:16@\(digestB)"])
        XCTAssertEqual(out, "images:\n- name: postgres:15\n  digest: \(digestB)\n  newTag: \"16\"\n")
        XCTAssertEqual(plan.changes.first?.old, "postgres:15@\(digestA)")

        let inline = "images:\n- name: postgres\n  newName: acme/postgres:15@\(digestA)\n"
        let (moved, plan2) = try bump(inline, ["acme/postgres:16@\(digestB)"])
        XCTAssertEqual(moved, "images:\n- name: postgres\n  newName: acme/postgres\n  newTag: \"16\"\n  digest: \(digestB)\n")
        XCTAssertEqual(plan2.changes.first?.old, "acme/postgres:15@\(digestA)")
        XCTAssertEqual(plan2.changes.first?.new, "acme/postgres:16@\(digestB)")

        // a rename keeps the tag, moved out of newName with it
        let (renamed, _) = try bump("images:\n- name: postgres\n  newName: acme/postgres:15\n", ["postgres=mirror.local/postgres"])
        XCTAssertEqual(renamed, "images:\n- name: postgres\n  newName: mirror.local/postgres\n  newTag: \"15\"\n")
    }
}
