import XCTest
@testable import ImageRules

/// Issue 17, items 5-9: layouts that were refused (or gave noise) although the request is clear.
final class ChartLayoutRefusalTests: XCTestCase {
    // 5. the registry only in global.image.registry (ingress-nginx >= 4.12) or global.imageRegistry (Bitnami)
    func testRegistryFromGlobalImageRegistry() throws {
        let text = """
        global:
          image:
            # -- Registry host to pull images from.
            registry: registry.k8s.io
        defaultBackend:
          image:
            # registry: registry.k8s.io
            image: defaultbackend-amd64
            tag: "1.5"
            pullPolicy: IfNotPresent

        """
        let (out, plan) = try bump(text, ["registry.k8s.io/defaultbackend-amd64:1.6"], file: "values.yaml")
        XCTAssertEqual(out, text.replacingOccurrences(of: "tag: \"1.5\"", with: "tag: \"1.6\""))
        XCTAssertEqual(plan.changes.first?.old, "registry.k8s.io/defaultbackend-amd64:1.5")
        // a rename cannot move one image off a shared registry: refused with the place of the global
        XCTAssertThrowsError(try bump(text, ["registry.k8s.io/defaultbackend-amd64=mirror.local/defaultbackend-amd64:1.6"], file: "values.yaml")) { e in
            XCTAssertTrue("\(e)".contains("values.yaml:8:"), "\(e)")
            XCTAssertTrue("\(e)".contains("'registry' on line 4"), "\(e)")
        }
        let bitnami = "global:\n  imageRegistry: mirror.local\nimage:\n  registry: \"\"\n  repository: bitnami/nginx\n  tag: 1.27.0\n"
        XCTAssertEqual(try bump(bitnami, ["mirror.local/bitnami/nginx:1.27.1"], file: "values.yaml").0,
                       bitnami.replacingOccurrences(of: "1.27.0", with: "1.27.1"))
        // a repository that names its own registry is left as it is
        let own = "global:\n  imageRegistry: mirror.local\nimage:\n  repository: quay.io/acme/app\n  tag: v1\n"
        XCTAssertEqual(try bump(own, ["quay.io/acme/app:v2"], file: "values.yaml").1.changes.map(\.new), ["quay.io/acme/app:v2"])
    }

    // 6. an empty tag is written in place, keeping its comment
    func testEmptyTagIsWrittenInPlace() throws {
        let text = "image:\n  repository: ghcr.io/acme/app\n  tag:  # set by CI\n  pullPolicy: IfNotPresent\n"
        let (out, plan) = try bump(text, ["ghcr.io/acme/app:1.20"], file: "values.yaml")
        XCTAssertEqual(out, "image:\n  repository: ghcr.io/acme/app\n  tag: \"1.20\"  # set by CI\n  pullPolicy: IfNotPresent\n")
        XCTAssertEqual(plan.changes.first?.old, "ghcr.io/acme/app")
        XCTAssertEqual(try bump("images:\n- name: app\n  newTag:\n", ["app:v2"]).0, "images:\n- name: app\n  newTag: v2\n")
    }

    // 7. mappings keyed `name` (Image Updater's image.name) and cert-manager's imageRegistry + imageNamespace + name
    func testNameKeyedImageMappings() throws {
        let flow = "image: {name: nginx, tag: 1.2}\n"
        XCTAssertEqual(try bump(flow, ["nginx:1.3"], file: "values.yaml").0, "image: {name: nginx, tag: \"1.3\"}\n")
        let certManager = """
        imageRegistry: quay.io
        imageNamespace: jetstack
        image:
          # +docs:property
          # registry: ""
          name: cert-manager-controller
          # Full repository override (takes precedence over `imageRegistry`, `imageNamespace`, and `image.name`).
          repository: ""
          # digest: sha256:0e072dddd1f7f8fc8909a2ca6f65e76c5f0d2fcfb8be47935ae3457e8bbceb20
          pullPolicy: IfNotPresent
        webhook:
          image:
            name: cert-manager-webhook
            repository: ""
            tag: v1.19.0

        """
        let (out, plan) = try bump(certManager, ["quay.io/jetstack/cert-manager-controller:v1.19.1@\(digestB)", "quay.io/jetstack/cert-manager-webhook:v1.19.1"],
                                   file: "values.yaml")
        XCTAssertEqual(out, certManager.replacingOccurrences(of: "  pullPolicy: IfNotPresent\n", with: "  pullPolicy: IfNotPresent\n  tag: v1.19.1\n  digest: \(digestB)\n")
            .replacingOccurrences(of: "tag: v1.19.0", with: "tag: v1.19.1"))
        XCTAssertEqual(plan.changes.map(\.kind), [.helm, .helm])
        // a rename writes the full repository override
        let (renamed, _) = try bump(certManager, ["quay.io/jetstack/cert-manager-webhook=mirror.local/cm/webhook"], file: "values.yaml")
        XCTAssertTrue(renamed.contains("    name: cert-manager-webhook\n    repository: \"mirror.local/cm/webhook\"\n"), renamed)
        // `name` elsewhere (a list of `{name, version}`) is not an image
        XCTAssertTrue(try bump("dependencies:\n- name: nginx\n  version: 1.2.0\n", ["nginx:1.3"], file: "Chart.yaml").1.matchedSpecs.isEmpty)
    }

    // 8. a tag written in the kustomize selector is not repeated as newTag
    func testSelectorTagIsNotRepeatedAsNewTag() throws {
        let text = "images:\n- name: postgres:15\n  digest: \(digestA)\n"
        let (out, plan) = try bump(text, ["postgres:15@\(digestB)"])
        XCTAssertEqual(out, "images:\n- name: postgres:15\n  digest: \(digestB)\n")
        XCTAssertEqual(plan.changes.first?.new, "postgres:15@\(digestB)")
    }

    // 9. an alias as the whole value gives the anchor refusal, naming the anchor
    func testAliasAsTheWholeValueIsRefusedByItsAnchor() throws {
        let text = "defaults:\n  web: &web nginx:1.25\ncontainers:\n- name: web\n  image: *web\n"
        XCTAssertThrowsError(try bump(text, ["nginx:1.27"], file: "pod.yaml")) { e in
            XCTAssertTrue("\(e)".contains("pod.yaml:2:"), "\(e)")
            XCTAssertTrue("\(e)".contains("anchor &web"), "\(e)")
        }
        let helm = "tags:\n  app: &t v1\nimage:\n  repository: ghcr.io/acme/app\n  tag: *t\n"
        XCTAssertThrowsError(try bump(helm, ["ghcr.io/acme/app:v2"], file: "values.yaml")) { e in
            XCTAssertTrue("\(e)".contains("anchor &t"), "\(e)")
        }
    }
}
