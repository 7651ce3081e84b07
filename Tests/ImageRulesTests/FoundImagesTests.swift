import XCTest
@testable import ImageRules

final class FoundImagesTests: XCTestCase {
    func testListsEveryReferencePerRuleWithItsLine() throws {
        let text = """
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              containers:
              - name: web
                image: ghcr.io/acme/web:1.4@\(digestA)
              - name: log
                image: fluent/fluent-bit:{TAG}
        ---
        images:
        - name: ghcr.io/acme/web
          newTag: "1.5"

        """
        let found = try ImagePlanner.images(file: "kustomization.yaml", bytes: Array(text.utf8))
        XCTAssertEqual(found, [
            FoundImage(kind: .container, name: "ghcr.io/acme/web", tag: "1.4", digest: digestA, file: "kustomization.yaml", line: 8),
            FoundImage(kind: .container, name: "fluent/fluent-bit", tag: "{TAG}", digest: nil, file: "kustomization.yaml", line: 10),
            FoundImage(kind: .kustomize, name: "ghcr.io/acme/web", tag: "1.5", digest: nil, file: "kustomization.yaml", line: 14),
        ])
    }

    func testInvalidYAMLIsAnErrorWithAPlace() {
        XCTAssertThrowsError(try ImagePlanner.images(file: "x.yaml", bytes: Array("a: [\n".utf8))) { e in
            XCTAssertTrue("\(e)".hasPrefix("x.yaml:"), "\(e)")
        }
    }
}

final class NameSuggestionTests: XCTestCase {
    func testSuggestsTheFoundNameWithTheSameLastComponent() throws {
        let spec = try ImageSpec(parsing: "sample-app:1.20")
        XCTAssertEqual(NameSuggestion.closest(to: spec.name, among: ["nginx", "registry.example.com/team/sample-app", "redis"]),
                       "registry.example.com/team/sample-app")
    }

    func testSuggestsANearMisspellingAndNothingFarAway() throws {
        XCTAssertEqual(NameSuggestion.closest(to: try ImageName(parsing: "ghcr.io/acme/wbe"), among: ["ghcr.io/acme/web", "redis"]),
                       "ghcr.io/acme/web")
        XCTAssertNil(NameSuggestion.closest(to: try ImageName(parsing: "ghcr.io/acme/web"), among: ["quay.io/other/thing", "redis"]))
        XCTAssertNil(NameSuggestion.closest(to: try ImageName(parsing: "web"), among: []))
    }
}
