import XCTest
import Foundation
import TestSupport
@testable import ImageRules
import YAMLEdit

/// Which rule owns a value when several could see it.
final class PrecedenceTests: XCTestCase {
    func testPrecedenceOrderIsTheDeclaredOne() {
        XCTAssertEqual(ImageRules.precedence.map { String(describing: type(of: $0)) },
                       ["KustomizeImagesRule", "ArgoCDImagesRule", "ArgoCDHelmParametersRule", "HelmValuesRule", "FluxSetterRule", "ContainerImageRule", "ImageKeyRule"])
    }

    func testAValueClaimedByTheKustomizeRuleIsNotAlsoAFluxMarker() throws {
        let text = "images:\n- name: ghcr.io/acme/web\n  newTag: v1 # {\"$imagepolicy\": \"ns:web:tag\"}\n"
        let (out, plan) = try bump(text, ["ghcr.io/acme/web:v2"])
        XCTAssertEqual(out, text.replacingOccurrences(of: "v1", with: "v2"))
        XCTAssertEqual(plan.changes.map(\.kind), [.kustomize])
    }

    func testAValueClaimedByTheKustomizeRuleIsNotAlsoAContainerImage() throws {
        // the same values seen by the rules one at a time: only the kustomize rule may own the entry's values
        let doc = try document("images:\n- name: web\n  newName: registry.local/web:1\n")
        let kustomize = KustomizeImagesRule().sites(in: doc, claimed: [])
        XCTAssertEqual(kustomize.count, 1)
        let claimed = Set(kustomize.flatMap { $0.claims.map(\.id) })
        for rule in ImageRules.precedence.dropFirst() {
            XCTAssertTrue(rule.sites(in: doc, claimed: claimed).isEmpty, "\(type(of: rule)) also saw the entry")
        }
    }

    func testAHelmRegistryImagePairIsNotAlsoAContainerImage() throws {
        let text = "controller:\n  image:\n    registry: registry.k8s.io\n    image: ingress-nginx/controller\n    tag: v1.15.1\n"
        // without the registry the name is another image: the `image:` value alone must not match it
        let (_, unmatched) = try bump(text, ["ingress-nginx/controller:v1.16.0"], file: "values.yaml")
        XCTAssertTrue(unmatched.matchedSpecs.isEmpty)
        let (_, plan) = try bump(text, ["registry.k8s.io/ingress-nginx/controller:v1.16.0"], file: "values.yaml")
        XCTAssertEqual(plan.changes.map(\.kind), [.helm])
    }

    func testAMarkedImageValueIsReportedOnceAsAFluxMarker() throws {
        let (_, plan) = try bump("image: ghcr.io/acme/web:v1 # {\"$imagepolicy\": \"ns:web\"}\n", ["ghcr.io/acme/web:v2"], file: "v.yaml")
        XCTAssertEqual(plan.changes.map(\.kind), [.fluxMarker])
    }

    /// Over the whole corpus: no value belongs to two sites, and `images(file:bytes:)` lists exactly the
    /// sites the planner considers.
    func testNoValueBelongsToTwoSitesAcrossTheCorpus() throws {
        guard let corpus = corpusDirectory() else { throw XCTSkip("shared corpus not found") }
        let dir = corpus.appendingPathComponent("manifests")
        var files = 0, sites = 0
        for sub in try FileManager.default.subpathsOfDirectory(atPath: dir.path).sorted() {
            guard let bytes = try? [UInt8](Data(contentsOf: dir.appendingPathComponent(sub))),
                  let stream = try? YAMLParser.parse(bytes) else { continue }
            files += 1
            for root in stream.documents.compactMap({ $0 }) {
                guard let doc = DocumentScan(file: sub, bytes: bytes, root: root) else { continue }
                var owner: [Int: ChangeKind] = [:]
                for site in ImageRules.sites(in: doc) {
                    sites += 1
                    for n in site.claims {
                        XCTAssertNil(owner[n.id], "\(sub):\(n.line): claimed by \(owner[n.id]!) and \(site.kind)")
                        owner[n.id] = site.kind
                    }
                }
            }
        }
        XCTAssertGreaterThan(files, 300)
        XCTAssertGreaterThan(sites, 300)
    }

    func document(_ text: String, file: String = "kustomization.yaml") throws -> DocumentScan {
        let bytes = Array(text.utf8)
        return try XCTUnwrap(DocumentScan(file: file, bytes: bytes, root: try XCTUnwrap(YAMLParser.parse(bytes).documents.first ?? nil)))
    }
}
