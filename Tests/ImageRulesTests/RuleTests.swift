import XCTest
import Support
@testable import ImageRules

func bump(_ text: String, _ specs: [String], file: String = "kustomization.yaml", add: Bool = false) throws -> (String, FilePlan) {
    let planner = ImagePlanner(specs: try specs.map(ImageSpec.init(parsing:)))
    let plan = try planner.plan(file: file, bytes: Array(text.utf8), add: add)
    return (String(decoding: plan.updated, as: UTF8.self), plan)
}

let digestA = "sha256:" + String(repeating: "a", count: 64)
let digestB = "sha256:" + String(repeating: "b", count: 64)

final class KustomizeRuleTests: XCTestCase {
    func testTagBumpDropsStaleDigestAndKeepsComments() throws {
        let text = """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        images:
          # the app
          - name: registry.example.com/app
            newTag: 1.0.0 # current
            digest: \(digestA)
          - name: other
            newTag: "2"

        """
        let (out, plan) = try bump(text, ["registry.example.com/app:1.1.0"])
        XCTAssertEqual(out, text.replacingOccurrences(of: "1.0.0 # current\n    digest: \(digestA)", with: "1.1.0 # current"))
        XCTAssertEqual(plan.changes.count, 1)
        XCTAssertEqual(plan.changes[0].kind, .kustomize)
        XCTAssertEqual(plan.changes[0].line, 6)
        XCTAssertEqual(plan.changes[0].old, "registry.example.com/app:1.0.0@\(digestA)")
        XCTAssertEqual(plan.changes[0].new, "registry.example.com/app:1.1.0")
    }

    func testDigestOnlyDropsTagAndInsertsDigest() throws {
        let text = "images:\n- name: app\n  newTag: v1\nresources: [a.yaml]\n"
        let (out, _) = try bump(text, ["app@\(digestB)"])
        XCTAssertEqual(out, "images:\n- name: app\n  digest: \(digestB)\nresources: [a.yaml]\n")
    }

    func testMatchesByNewNameAndRenames() throws {
        let text = "images:\n  - name: nginx\n    newName: mirror.local/nginx\n    newTag: 1.19\n"
        let (out, _) = try bump(text, ["mirror.local/nginx:1.20"])
        XCTAssertEqual(out, "images:\n  - name: nginx\n    newName: mirror.local/nginx\n    newTag: \"1.20\"\n")
        let (out2, _) = try bump(text, ["nginx=ghcr.io/acme/nginx:1.25.3"])
        XCTAssertEqual(out2, "images:\n  - name: nginx\n    newName: ghcr.io/acme/nginx\n    newTag: 1.25.3\n")
        let (out3, _) = try bump("images:\n- name: docker.io/library/nginx\n  newTag: a\n", ["nginx=ghcr.io/x/nginx:b"])
        XCTAssertEqual(out3, "images:\n- name: docker.io/library/nginx\n  newTag: b\n  newName: ghcr.io/x/nginx\n")
    }

    func testFlowEntryInsertion() throws {
        let (out, _) = try bump("images: [{name: app}]\n", ["app:1.0@\(digestA)"])
        XCTAssertEqual(out, "images: [{name: app, newTag: \"1.0\", digest: \(digestA)}]\n")
    }

    func testAlreadyUpToDateIsMatchedButUnchanged() throws {
        let text = "images:\n- name: app\n  newTag: \"1.20\"\n"
        let (out, plan) = try bump(text, ["app:1.20"])
        XCTAssertEqual(out, text)
        XCTAssertFalse(plan.changed)
        XCTAssertEqual(plan.matchedSpecs, [0])
        XCTAssertTrue(plan.changes.isEmpty)
    }

    func testImagesListWithOtherKeysIsNotAKustomization() throws {
        let (_, plan) = try bump("images:\n- name: app\n  newTag: v1\n  pullPolicy: Always\n", ["app:v2"], file: "values.yaml")
        XCTAssertTrue(plan.matchedSpecs.isEmpty)
        let (_, typed) = try bump("kind: ConfigMap\nimages:\n- name: app\n  newTag: v1\n", ["app:v2"], file: "cm.yaml")
        XCTAssertTrue(typed.matchedSpecs.isEmpty)
    }

    func testFluxKustomizationSpecImages() throws {
        let text = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  images:\n    - name: app\n      newTag: v1\n"
        let (out, _) = try bump(text, ["app:v2"], file: "apps.yaml")
        XCTAssertEqual(out, text.replacingOccurrences(of: "newTag: v1", with: "newTag: v2"))
    }

    func testAddAppendsEntry() throws {
        let text = "resources:\n  - ../../base\nimages:\n  - name: other\n    newTag: v1\n"
        let (out, plan) = try bump(text, ["app:7"], add: true)
        XCTAssertEqual(out, text + "  - name: app\n    newTag: \"7\"\n")
        XCTAssertEqual(plan.matchedSpecs, [0])
        let (out2, _) = try bump("resources:\n- a.yaml\n", ["app:v7"], add: true)
        XCTAssertEqual(out2, "resources:\n- a.yaml\nimages:\n- name: app\n  newTag: v7\n")
    }
}

final class ContainerRuleTests: XCTestCase {
    func testWorkloadsOfEveryKind() throws {
        let text = """
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              initContainers:
                - name: init
                  image: "nginx:1.19"
              containers:
                - {name: web, image: 'docker.io/library/nginx:1.19@\(digestA)'}
                - name: side
                  image: busybox:1.36
              ephemeralContainers:
                - name: debug
                  image: nginx
        ---
        apiVersion: batch/v1
        kind: CronJob
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                    - image: index.docker.io/library/nginx:latest
        status:
          containerStatuses:
            - image: nginx:1.19
        """
        let (out, plan) = try bump(text, ["nginx:1.25.3"], file: "app.yaml")
        XCTAssertTrue(out.contains("image: \"nginx:1.25.3\"\n"))
        XCTAssertTrue(out.contains("image: 'docker.io/library/nginx:1.25.3'}"))
        XCTAssertTrue(out.contains("image: busybox:1.36"))
        XCTAssertTrue(out.contains("image: nginx:1.25.3\n"))
        XCTAssertTrue(out.contains("image: index.docker.io/library/nginx:1.25.3\n"))
        XCTAssertTrue(out.hasSuffix("    - image: nginx:1.19"), "status is left alone")
        XCTAssertEqual(plan.changes.map { $0.kind }, Array(repeating: ChangeKind.container, count: 4))
        XCTAssertEqual(plan.changes.map { $0.line }, [8, 10, 15, 25])
    }

    func testImageTagSiblingIsAHelmMapping() throws {
        let text = "image: docker.elastic.co/elasticsearch/elasticsearch\nimageTag: \"8.5.1\"\n"
        let (out, plan) = try bump(text, ["docker.elastic.co/elasticsearch/elasticsearch:8.6.0"], file: "values.yaml")
        XCTAssertEqual(out, "image: docker.elastic.co/elasticsearch/elasticsearch\nimageTag: \"8.6.0\"\n")
        XCTAssertEqual(plan.changes.first?.kind, .helm)
    }

    func testFluxImageRepositoryIsNotAnImageToRun() throws {
        let text = "apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImageRepository\nspec:\n  image: ghcr.io/org/app\n"
        let (out, plan) = try bump(text, ["ghcr.io/org/app:1.0"], file: "repo.yaml")
        XCTAssertEqual(out, text)
        XCTAssertTrue(plan.matchedSpecs.isEmpty)
    }

    func testTemplatedValuesAreSkipped() throws {
        let (_, plan) = try bump("image: \"{{ .Values.image }}\"\nb: ${IMAGE}\n", ["app:1"], file: "x.yaml")
        XCTAssertTrue(plan.matchedSpecs.isEmpty)
    }
}

final class HelmRuleTests: XCTestCase {
    func testBitnamiRegistryRepositoryTagDigest() throws {
        let text = """
        image:
          registry: docker.io
          repository: bitnami/nginx
          tag: 1.25.3-debian-11-r0
          digest: "\(digestA)"
        metrics:
          image:
            registry: docker.io
            repository: bitnami/nginx-exporter
            tag: 0.11.0
        """
        let (out, plan) = try bump(text, ["bitnami/nginx:1.25.4"], file: "values.yaml")
        XCTAssertEqual(out, text.replacingOccurrences(of: "1.25.3-debian-11-r0", with: "1.25.4").replacingOccurrences(of: "\"\(digestA)\"", with: "\"\""))
        XCTAssertEqual(plan.changes.first?.kind, .helm)
        XCTAssertEqual(plan.changes.first?.new, "docker.io/bitnami/nginx:1.25.4")
    }

    func testNestedComponentsAndNumericTag() throws {
        let text = "server:\n  image:\n    repository: ghcr.io/org/server\n    tag: 16\nworker:\n  image: {repository: ghcr.io/org/worker, tag: v1}\n"
        let (out, _) = try bump(text, ["ghcr.io/org/server:17", "ghcr.io/org/worker:v2"], file: "values.yaml")
        XCTAssertEqual(out, "server:\n  image:\n    repository: ghcr.io/org/server\n    tag: \"17\"\nworker:\n  image: {repository: ghcr.io/org/worker, tag: v2}\n")
    }

    func testRegistryImageTagDigestStyle() throws {
        let text = "controller:\n  image:\n    registry: registry.k8s.io\n    image: ingress-nginx/controller\n    tag: \"v1.15.1\"\n    digest: sha256:\(String(repeating: "5", count: 64))\n"
        let (out, plan) = try bump(text, ["registry.k8s.io/ingress-nginx/controller:v1.16.0"], file: "values.yaml")
        XCTAssertEqual(out, "controller:\n  image:\n    registry: registry.k8s.io\n    image: ingress-nginx/controller\n    tag: \"v1.16.0\"\n    digest: \"\"\n")
        XCTAssertEqual(plan.changes.first?.kind, .helm)
    }

    func testMissingTagIsInserted() throws {
        let (out, _) = try bump("image:\n  repository: ghcr.io/org/app\n  pullPolicy: IfNotPresent\n", ["ghcr.io/org/app:v3"], file: "values.yaml")
        XCTAssertEqual(out, "image:\n  repository: ghcr.io/org/app\n  pullPolicy: IfNotPresent\n  tag: v3\n")
    }

    func testHelmReleaseAndArgoValuesObject() throws {
        let hr = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  values:\n    image:\n      repository: ghcr.io/stefanprodan/podinfo\n      tag: 6.5.0\n"
        XCTAssertTrue(try bump(hr, ["ghcr.io/stefanprodan/podinfo:6.6.0"], file: "hr.yaml").0.contains("tag: 6.6.0"))
        let app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n    helm:\n      valuesObject:\n        image:\n          repository: ghcr.io/org/app\n          tag: a\n"
        XCTAssertTrue(try bump(app, ["ghcr.io/org/app:b"], file: "app.yaml").0.hasSuffix("tag: b\n"))
    }
}

final class ArgoAndFluxRuleTests: XCTestCase {
    func testArgoKustomizeImages() throws {
        let text = """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        spec:
          sources:
            - repoURL: https://git.example.com/x.git
              kustomize:
                images:
                  - nginx=nginx:1.21
                  - gcr.io/org/app:0.2
                  - "quay.io/other:1"
        """
        let (out, plan) = try bump(text, ["nginx:1.22", "gcr.io/org/app:0.3"], file: "app.yaml")
        XCTAssertEqual(out, text.replacingOccurrences(of: "nginx=nginx:1.21", with: "nginx=nginx:1.22").replacingOccurrences(of: "app:0.2", with: "app:0.3"))
        XCTAssertEqual(plan.changes.map { $0.kind }, [ChangeKind.argocd, .argocd])
    }

    func testArgoSourceOverrideFile() throws {
        let (out, _) = try bump("kustomize:\n  images:\n  - app=registry.local/app:1\n", ["app=registry.local/app:2"], file: ".argocd-source-app.yaml")
        XCTAssertEqual(out, "kustomize:\n  images:\n  - app=registry.local/app:2\n")
    }

    func testFluxMarkers() throws {
        let text = """
        image:
          repository: ghcr.io/stefanprodan/podinfo # {"$imagepolicy": "flux-system:podinfo:name"}
          tag: 5.0.0 # {"$imagepolicy": "flux-system:podinfo:tag"}
        sidecar: ghcr.io/org/side:1.0 # {"$imagepolicy": "flux-system:side"}
        custom:
          name: ghcr.io/org/custom # {"$imagepolicy": "apps:custom:name"}
          version: v1 # {"$imagepolicy": "apps:custom:tag"}
        """
        let (out, plan) = try bump(text, ["ghcr.io/stefanprodan/podinfo:6.0.0", "ghcr.io/org/side:1.1", "ghcr.io/org/custom:v2"], file: "values.yaml")
        XCTAssertEqual(out, text.replacingOccurrences(of: "5.0.0", with: "6.0.0").replacingOccurrences(of: "side:1.0", with: "side:1.1")
            .replacingOccurrences(of: "version: v1", with: "version: v2"))
        XCTAssertEqual(plan.changes.map { $0.kind }, [ChangeKind.helm, .fluxMarker, .fluxMarker])
    }

    func testMarkedFieldIsEmptiedNotRemoved() throws {
        let text = "images:\n- name: ghcr.io/org/app\n  newTag: 1.0.0 # {\"$imagepolicy\": \"ns:app:tag\"}\n  digest: \"\(digestA)\" # {\"$imagepolicy\": \"ns:app:digest\"}\n"
        let (out, _) = try bump(text, ["ghcr.io/org/app:1.1.0"])
        XCTAssertEqual(out, text.replacingOccurrences(of: "1.0.0", with: "1.1.0").replacingOccurrences(of: "\"\(digestA)\"", with: "\"\""))
    }

    func testMarkerParsing() {
        XCTAssertEqual(FluxMarker.parse(comment: " {\"$imagepolicy\": \"ns:p:tag\"}"), FluxMarker(policy: "ns:p", field: .tag))
        XCTAssertEqual(FluxMarker.parse(comment: "{\"$imagepolicy\":\"ns:p\"}"), FluxMarker(policy: "ns:p", field: .full))
        XCTAssertNil(FluxMarker.parse(comment: "{\"$imagepolicy\": \"ns:p:bogus\"}"))
        XCTAssertNil(FluxMarker.parse(comment: "just a comment"))
    }
}

final class PlannerErrorTests: XCTestCase {
    func testInvalidYAMLNamesLineAndColumn() {
        XCTAssertThrowsError(try bump("a: 1\n  b: 2\n", ["app:1"], file: "bad.yaml")) { e in
            let err = e as! Problem
            XCTAssertEqual(err.file, "bad.yaml")
            XCTAssertEqual(err.line, 2)
            XCTAssertNotNil(err.column)
            XCTAssertTrue(err.description.hasPrefix("bad.yaml:2:"), err.description)
        }
    }

    func testAliasedImageIsRefused() {
        XCTAssertThrowsError(try bump("x:\n  image: &i2 app:1\ny: *i2\n", ["app:2"], file: "a.yaml")) { e in
            XCTAssertTrue("\(e)".contains("a.yaml:2:"), "\(e)")
            XCTAssertTrue("\(e)".contains("anchor &i2"), "\(e)")
        }
    }

    func testMultiDocumentWithCRLFAndNoFinalNewline() throws {
        let text = "# c\r\n---\r\nimage: app:1\r\n...\r\n---\r\nimages:\r\n- name: app\r\n  newTag: \"1\""
        let (out, plan) = try bump(text, ["app:2"])
        XCTAssertEqual(out, "# c\r\n---\r\nimage: app:2\r\n...\r\n---\r\nimages:\r\n- name: app\r\n  newTag: \"2\"")
        XCTAssertEqual(plan.changes.count, 2)
    }
}
