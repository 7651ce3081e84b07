import XCTest
import Foundation
import TestSupport
@testable import ImageRules

/// Issue 17: the Helm and Argo CD layouts of real charts (snippets of their values.yaml, Apache-2.0) and of
/// Image Updater's write-back files. One behaviour per test, items 1-4 (silent wrong values) first.
final class ChartLayoutTests: XCTestCase {
    static let app = """
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata:
      name: guestbook
    spec:
      source:
        repoURL: https://git.example.com/charts.git
        path: guestbook
        helm:
          parameters:
          - name: image.repository
            value: registry.local/guestbook
          - name: image.tag
            value: "1.20.0"
          - name: worker.image.repository
            value: registry.local/worker
          - name: worker.image.tag
            value: v7
          valuesObject:
            image:
              repository: registry.local/guestbook
              tag: 1.19.0

    """

    // 1. Argo CD helm.parameters take precedence over valuesObject: both are written
    func testArgoCDHelmParametersAreEditedBesideValuesObject() throws {
        let (out, plan) = try bump(Self.app, ["registry.local/guestbook:1.20.1"], file: "app.yaml")
        XCTAssertEqual(out, Self.app.replacingOccurrences(of: "value: \"1.20.0\"", with: "value: \"1.20.1\"")
            .replacingOccurrences(of: "tag: 1.19.0", with: "tag: 1.20.1"))
        XCTAssertEqual(plan.changes.map(\.kind), [.argocd, .helm])
        XCTAssertEqual(plan.changes.first?.old, "registry.local/guestbook:1.20.0")
        XCTAssertEqual(plan.changes.first?.line, 13)
    }

    func testParametersSharingAPrefixAreOneImageAndATypedTagGetsForcestring() throws {
        // `--set worker.image.tag=20240101` would make the tag an integer: forcestring keeps it a string
        let (out, _) = try bump(Self.app, ["registry.local/worker:20240101"], file: "app.yaml")
        XCTAssertEqual(out, Self.app.replacingOccurrences(of: "value: v7\n", with: "value: \"20240101\"\n        forcestring: true\n"))
        let flow = "helm:\n  parameters: [{name: image.repository, value: app}, {name: image.tag, value: v1, forcestring: false}]\n"
        XCTAssertEqual(try bump(flow, ["app:true"], file: ".argocd-source-app.yaml").0,
                       "helm:\n  parameters: [{name: image.repository, value: app}, {name: image.tag, value: \"true\", forcestring: true}]\n")
    }

    func testImageUpdaterSourceFileWithForcestring() throws {
        let text = """
        helm:
          parameters:
          - name: image.name
            value: registry.local/guestbook
            forcestring: true
          - name: image.tag
            value: 1.0.0
            forcestring: true

        """
        let (out, plan) = try bump(text, ["registry.local/guestbook:1.0.1"], file: ".argocd-source-guestbook.yaml")
        XCTAssertEqual(out, text.replacingOccurrences(of: "value: 1.0.0", with: "value: 1.0.1"))
        XCTAssertEqual(plan.changes.map(\.kind), [.argocd])
    }

    func testParameterGroupsWithRegistryDigestAndMissingTag() throws {
        let text = """
        helm:
          parameters:
          - name: controller.image.registry
            value: registry.k8s.io
          - name: controller.image.image
            value: ingress-nginx/controller
          - name: controller.image.digest
            value: \(digestA)

        """
        let (out, _) = try bump(text, ["registry.k8s.io/ingress-nginx/controller:v1.15.2@\(digestB)"], file: ".argocd-source-nginx.yaml")
        XCTAssertEqual(out, text.replacingOccurrences(of: digestA, with: digestB)
                       + "  - name: controller.image.tag\n    value: v1.15.2\n")
        // only a tag parameter: the name is the valuesObject's at the same path
        let tagOnly = Self.app.replacingOccurrences(of: "      - name: image.repository\n        value: registry.local/guestbook\n", with: "")
        let (out2, plan2) = try bump(tagOnly, ["registry.local/guestbook:2.0.0"], file: "app.yaml")
        XCTAssertTrue(out2.contains("      - name: image.tag\n        value: \"2.0.0\"\n"), out2)
        XCTAssertEqual(plan2.changes.map(\.kind), [.argocd, .helm])
        // its name is not in a parameter: a rename has nowhere to go in the parameters, and says so
        XCTAssertThrowsError(try bump(tagOnly, ["registry.local/guestbook=mirror.local/guestbook:2.0.0"], file: "app.yaml")) { e in
            XCTAssertTrue("\(e)".contains("its name is in valuesObject"), "\(e)")
        }
    }

    // 2. an untagged image: beside a tag key: only the tag changes (argo-cd chart, redis-ha exporter)
    static let redisHA = """
    redis-ha:
      ## Prometheus redis-exporter sidecar
      exporter:
        # -- Enable Prometheus redis-exporter sidecar
        enabled: false
        # -- Repository to use for the redis-exporter
        image: ghcr.io/oliver006/redis_exporter
        # -- Tag to use for the redis-exporter
        tag: v1.75.0

    """

    func testUntaggedImageBesideATagKeyKeepsTheTagThere() throws {
        let (out, plan) = try bump(Self.redisHA, ["ghcr.io/oliver006/redis_exporter:v1.76.0"], file: "values.yaml")
        XCTAssertEqual(out, Self.redisHA.replacingOccurrences(of: "v1.75.0", with: "v1.76.0"))
        XCTAssertEqual(plan.changes.map(\.kind), [.helm])
        let version = "exporter:\n  image: acme/exporter\n  version: \"2\"\n  digest: \(digestA)\n"
        XCTAssertEqual(try bump(version, ["acme/exporter:3@\(digestB)"], file: "values.yaml").0,
                       "exporter:\n  image: acme/exporter\n  version: \"3\"\n  digest: \(digestB)\n")
        // an operator's own `spec.image` + `spec.version` is not a values mapping: the image is the whole reference
        let cr = "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nspec:\n  image: quay.io/prometheus/prometheus\n  version: v2.37.0\n"
        XCTAssertEqual(try bump(cr, ["quay.io/prometheus/prometheus:v2.38.0"], file: "prom.yaml").0,
                       cr.replacingOccurrences(of: "prometheus/prometheus\n", with: "prometheus/prometheus:v2.38.0\n"))
    }

    // 3. digest keys in the form each chart wants (kube-prometheus-stack `sha`, admission-webhook bare `digest`)
    static let alertmanager = """
    alertmanager:
      alertmanagerSpec:
        image:
          registry: quay.io
          repository: prometheus/alertmanager
          tag: v0.34.0
          sha: ""
          pullPolicy: IfNotPresent

    """

    func testShaKeyGetsTheBareDigestAndATagBumpEmptiesIt() throws {
        let hex = String(digestB.dropFirst(7))
        let (out, plan) = try bump(Self.alertmanager, ["quay.io/prometheus/alertmanager:v0.35.0@\(digestB)"], file: "values.yaml")
        XCTAssertEqual(out, Self.alertmanager.replacingOccurrences(of: "v0.34.0", with: "v0.35.0").replacingOccurrences(of: "sha: \"\"", with: "sha: \"\(hex)\""))
        XCTAssertEqual(plan.changes.first?.new, "quay.io/prometheus/alertmanager:v0.35.0@\(digestB)")
        let (tagOnly, plan2) = try bump(out, ["quay.io/prometheus/alertmanager:v0.36.0"], file: "values.yaml")
        XCTAssertEqual(tagOnly, Self.alertmanager.replacingOccurrences(of: "v0.34.0", with: "v0.36.0"))
        XCTAssertEqual(plan2.changes.first?.old, "quay.io/prometheus/alertmanager:v0.35.0@\(digestB)")
        let sha512 = "sha512:" + String(repeating: "c", count: 128)
        XCTAssertThrowsError(try bump(Self.alertmanager, ["quay.io/prometheus/alertmanager@\(sha512)"], file: "values.yaml")) { e in
            XCTAssertTrue("\(e)".contains("values.yaml:7:"), "\(e)")
            XCTAssertTrue("\(e)".contains("'sha' holds a bare sha256 digest"), "\(e)")
        }
    }

    func testEmptyDigestTakesTheFormOfTheExampleAboveIt() throws {
        let webhook = """
        image:
          registry: quay.io
          repository: prometheus-operator/admission-webhook
          ## Tag follows Chart.AppVersion by default
          tag: ""
          ## sha256 digest overrides tag
          # digest: 3cd905af5c5504a93e6095af1cfd1db05cd4e1c3fc4ac488fc37fa71b057c93d
          digest: ""
          pullPolicy: Always

        """
        let (out, _) = try bump(webhook, ["quay.io/prometheus-operator/admission-webhook:v0.80.0@\(digestB)"], file: "values.yaml")
        XCTAssertEqual(out, webhook.replacingOccurrences(of: "tag: \"\"", with: "tag: \"v0.80.0\"")
            .replacingOccurrences(of: "  digest: \"\"", with: "  digest: \"\(digestB.dropFirst(7))\""))
    }

    static let ingressNginx = """
    global:
      image:
        # -- Registry host to pull images from.
        registry: registry.k8s.io
    controller:
      image:
        ## Keep false as default for now!
        chroot: false
        # registry: registry.k8s.io
        image: ingress-nginx/controller
        tag: "v1.15.1"
        digest: \(digestA)
        digestChroot: sha256:af31d00c9d82c612896b380a9003bd36843b7647b98e4588251c66325317bc72
        pullPolicy: IfNotPresent

    """

    func testDigestChrootIsEmptiedOrWrittenAsChrootSays() throws {
        let (out, plan) = try bump(Self.ingressNginx, ["registry.k8s.io/ingress-nginx/controller:v1.15.2@\(digestB)"], file: "values.yaml")
        XCTAssertEqual(out, Self.ingressNginx.replacingOccurrences(of: "v1.15.1", with: "v1.15.2").replacingOccurrences(of: digestA, with: digestB)
            .replacingOccurrences(of: "sha256:af31d00c9d82c612896b380a9003bd36843b7647b98e4588251c66325317bc72", with: "\"\""))
        XCTAssertEqual(plan.changes.map(\.kind), [.helm])
        let chroot = Self.ingressNginx.replacingOccurrences(of: "chroot: false", with: "chroot: true")
        let (_, plain) = try bump(chroot, ["registry.k8s.io/ingress-nginx/controller:v1.15.2"], file: "values.yaml")
        XCTAssertTrue(plain.matchedSpecs.isEmpty, "with chroot: true the image is controller-chroot")
        let (out2, _) = try bump(chroot, ["registry.k8s.io/ingress-nginx/controller-chroot:v1.15.2@\(digestB)"], file: "values.yaml")
        XCTAssertTrue(out2.contains("    digest: \"\"\n    digestChroot: \(digestB)\n"), out2)
        XCTAssertThrowsError(try bump(chroot, ["registry.k8s.io/ingress-nginx/controller-chroot=mirror.local/controller-chroot:v1"], file: "values.yaml")) { e in
            XCTAssertTrue("\(e)".contains("values.yaml:10:"), "\(e)")
            XCTAssertTrue("\(e)".contains("'-chroot' variant"), "\(e)")
        }
    }

    // 4. a Flux :digest marker on newDigest belongs to its policy, not to the kustomize entry it stands in
    func testFluxDigestMarkerOnNewDigestIsWritten() throws {
        let text = """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        images:
          - name: container
            newTag: v1 # {"$imagepolicy": "automation-ns:policy:tag"}
            newDigest: sha256:1234567890abcdef # {"$imagepolicy": "automation-ns:policy-with-digest:digest"}
        patches:
          - target:
              kind: Deployment
              image: image # {"$imagepolicy": "automation-ns:policy-with-digest"}

        """
        let (out, plan) = try bump(text, ["image:v1.0.0@\(digestB)"])
        XCTAssertEqual(out, text.replacingOccurrences(of: "sha256:1234567890abcdef", with: digestB)
            .replacingOccurrences(of: "image: image #", with: "image: image:v1.0.0@\(digestB) #"))
        XCTAssertEqual(plan.changes.map(\.kind), [.fluxMarker, .fluxMarker])
    }

    /// The peer's own golden pair (image-automation-controller testdata), when the corpus is present.
    func testFluxSettersGoldenPairFromTheCorpus() throws {
        guard let corpus = corpusDirectory() else { throw XCTSkip("shared corpus not found") }
        let dir = corpus.appendingPathComponent("manifests/kustomize")
        let base = "fluxcd__image-automation-controller__internal__update__testdata__setters__"
        let original = try String(contentsOf: dir.appendingPathComponent(base + "original__kustomization.yml"), encoding: .utf8)
        let expected = try String(contentsOf: dir.appendingPathComponent(base + "expected__kustomization.yml"), encoding: .utf8)
        let digest = "sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be"
        let (out, _) = try bump(original, ["replaced=index.repo.fake/updated:v1.0.1", "image:v1.0.0@\(digest)"], file: "kustomization.yml")
        XCTAssertEqual(out, expected)
    }
}
