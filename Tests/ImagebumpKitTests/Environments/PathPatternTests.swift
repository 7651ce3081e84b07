import XCTest
@testable import ImagebumpKit

/// Globs of imagebump.yaml's files: matching (what protection and apps use) and what a wildcard captured.
final class PathPatternTests: XCTestCase {
    func testMatchingHoldingAndCaptures() {
        let p = PathPattern("apps/*/overlays/dev")
        XCTAssertTrue(p.isGlob)
        XCTAssertEqual(p.capture("apps/worker/overlays/dev"), "worker")
        XCTAssertNil(p.capture("apps/worker/overlays/staging"))
        XCTAssertTrue(p.holds("apps/worker/overlays/dev/kustomization.yaml"))
        XCTAssertFalse(p.holds("apps/worker/base/cronjob.yaml"))
        XCTAssertEqual(p.capture(holding: "apps/worker/overlays/dev/patch.yaml"), "worker")
        let deep = PathPattern("clusters/**/production")
        XCTAssertEqual(deep.capture("clusters/eu/west/production"), "eu/west")
        XCTAssertEqual(deep.capture("clusters/production"), "")
        XCTAssertTrue(deep.holds("clusters/eu/production/app.yaml"))
        XCTAssertFalse(PathPattern("apps/*/dev").holds("apps/.hidden/dev/x.yaml"), "a wildcard does not match a hidden name")
        XCTAssertFalse(PathPattern("envs/production").isGlob)
        XCTAssertTrue(PathPattern("envs/production").holds("envs/production/kustomization.yaml"))
        XCTAssertFalse(PathPattern("envs/production").holds("envs/production-eu/kustomization.yaml"))
        XCTAssertTrue(PathPattern(".").holds("anything/at/all.yaml"))
    }
}
