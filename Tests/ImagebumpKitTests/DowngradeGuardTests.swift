import Foundation
import ImageRules
import XCTest
@testable import ImagebumpKit

final class DowngradeGuardTests: XCTestCase {
    func change(_ old: String, _ new: String, kind: ChangeKind = .container) -> PlannedChange {
        PlannedChange(file: "k.yaml", line: 7, kind: kind, image: "registry.example.com/app", old: old, new: new)
    }

    func testLowerSemverIsRefusedWithTheExactMessage() {
        XCTAssertEqual(DowngradeGuard.refusals([change("registry.example.com/app:1.3.0", "registry.example.com/app:1.2.0")]).map(\.description),
                       ["k.yaml:7: refusing to downgrade registry.example.com/app from 1.3.0 to 1.2.0 (use --allow-downgrade to roll back)"])
    }

    func testVPrefixPreReleasesAndDigests() {
        func refused(_ old: String, _ new: String) -> Bool { !DowngradeGuard.refusals([change(old, new)]).isEmpty }
        XCTAssertTrue(refused("app:v2.0.0", "app:v1.9.9"))
        XCTAssertTrue(refused("app:v2.0.0", "app:1.10.0"))      // v on one side only
        XCTAssertFalse(refused("app:1.9.0", "app:1.10.0"))      // numeric, not lexical
        XCTAssertTrue(refused("app:1.3.0", "app:1.3.0-rc.1"))   // a pre-release comes before its release
        XCTAssertFalse(refused("app:1.3.0-rc.1", "app:1.3.0"))
        XCTAssertTrue(refused("app:1.3.0-rc.10", "app:1.3.0-rc.2"))
        XCTAssertFalse(refused("app:1.3.0-alpha", "app:1.3.0-beta"))
        XCTAssertTrue(refused("app:1.3.0@sha256:" + String(repeating: "a", count: 64), "app:1.2.0"))
        XCTAssertFalse(refused("app:1.2.0", "app:1.3.0"))
    }

    func testTagsThatAreNotSemverAreLeftAlone() {
        func refused(_ old: String, _ new: String) -> Bool { !DowngradeGuard.refusals([change(old, new)]).isEmpty }
        XCTAssertFalse(refused("app:1.20", "app:1.3"))          // two components: not semantic versions
        XCTAssertFalse(refused("app:latest", "app:1.0.0"))
        XCTAssertFalse(refused("app:3f9c2ab", "app:1a2b3c4"))
        XCTAssertFalse(refused("app:9999999", "app:1111111"))   // a commit id of digits only
        XCTAssertFalse(refused("app:2.0.0", "other:1.0.0"))     // a rename: versions of two repositories
        XCTAssertFalse(refused("", "app:1.0.0"))                // an added entry
        XCTAssertFalse(refused("app:2.0.0", "app@sha256:" + String(repeating: "b", count: 64)))
    }

    func testArgoCDAndFluxTagForms() throws {
        // planned from the files, as a run reports them: an Argo CD `NAME=NEWNAME:TAG` and a Flux `:tag` marker
        let argo = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n    kustomize:\n      images:\n        - app=registry/app:1.3.0\n"
        let flux = "image: registry/app # {\"$imagepolicy\": \"ns:app:name\"}\ntag: v1.3.0 # {\"$imagepolicy\": \"ns:app:tag\"}\n"
        for (text, spec, kind) in [(argo, "app:1.2.0", ChangeKind.argocd), (flux, "registry/app:v1.2.0", .fluxMarker)] {
            let plan = try ImagePlanner(specs: [ImageSpec(parsing: spec)]).plan(file: "app.yaml", bytes: Array(text.utf8))
            XCTAssertEqual(plan.changes.map(\.kind), [kind])
            XCTAssertEqual(DowngradeGuard.refusals(plan.changes).count, 1, "\(plan.changes)")
        }
    }

    // MARK: - Through SetJob: nothing written, or written with allowDowngrade

    func testSetJobRefusesADowngradeAndWritesNothing() throws {
        let dir = NSTemporaryDirectory() + "downgrade-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/deploy.yaml"
        let original = "spec:\n  containers:\n    - name: a\n      image: registry.example.com/app:v1.3.0\n    - name: b\n      image: registry.example.com/other:1.0.0\n"
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        let specs = try ["registry.example.com/app:v1.2.0", "registry.example.com/other:1.1.0"].map(ImageSpec.init(parsing:))

        XCTAssertThrowsError(try SetJob.plan(SetRequest(specs: specs, root: dir, paths: ["deploy.yaml"]), retention: .stage)) { e in
            XCTAssertEqual("\(e)", "deploy.yaml:4: refusing to downgrade registry.example.com/app from v1.3.0 to v1.2.0 (use --allow-downgrade to roll back)")
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), original)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["deploy.yaml"], "no temp file left")

        let plan = try SetJob.plan(SetRequest(specs: specs, root: dir, paths: ["deploy.yaml"], allowDowngrade: true), retention: .stage)
        try SetJob.write(plan)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8),
                       original.replacingOccurrences(of: "v1.3.0", with: "v1.2.0").replacingOccurrences(of: "1.0.0", with: "1.1.0"))
    }
}
