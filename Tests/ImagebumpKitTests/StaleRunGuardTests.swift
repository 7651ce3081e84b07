import ImageRules
import XCTest
@testable import ImagebumpKit

/// The guard's decisions over a given ancestry relation (the libgit2 side is tested on real repositories in
/// GitOpsTests/SourceRepositoryTests).
final class StaleRunGuardTests: XCTestCase {
    /// A linear history a1b2c3d ← b2c3d4e ← c3d4e5f, plus answers for commits it does not know.
    struct History: CommitAncestry {
        let order = ["a1b2c3d", "b2c3d4e", "c3d4e5f"]
        func isAncestor(_ ancestor: String, of descendant: String) -> AncestryAnswer {
            guard let a = order.firstIndex(of: ancestor), let d = order.firstIndex(of: descendant) else {
                return .undecidable("not in this history")
            }
            return a < d ? .ancestor : .notAncestor
        }
    }

    func change(_ old: String, _ new: String, line: Int = 3) -> PlannedChange {
        PlannedChange(file: "dev/kustomization.yaml", line: line, kind: .kustomize, image: "app", old: "app:" + old, new: "app:" + new)
    }

    func testOlderCommitIsRefusedNewerPasses() {
        XCTAssertEqual(StaleRunGuard.check([change("c3d4e5f", "a1b2c3d")], ancestry: History()).refusals.map(\.description),
                       ["dev/kustomization.yaml:3: refusing to downgrade app from c3d4e5f to a1b2c3d (a1b2c3d is an ancestor of the deployed commit: an older run finishing late?; use --allow-downgrade to roll back)"])
        XCTAssertEqual(StaleRunGuard.check([change("a1b2c3d", "c3d4e5f")], ancestry: History()), .init())
    }

    func testUndecidableIsSaidOnceAndDoesNotRefuse() {
        let out = StaleRunGuard.check([change("c3d4e5f", "0000000", line: 3), change("c3d4e5f", "0000000", line: 9)], ancestry: History())
        XCTAssertEqual(out.refusals, [])
        XCTAssertEqual(out.note, "cannot tell whether 0000000 is older than the deployed c3d4e5f (not in this history); the stale-run check is skipped")
    }

    func testOnlyCommitHashesOnBothSidesAreChecked() {
        XCTAssertTrue(StaleRunGuard.isCommitHash("3f9c2ab"))
        XCTAssertTrue(StaleRunGuard.isCommitHash(String(repeating: "f", count: 40)))
        XCTAssertFalse(StaleRunGuard.isCommitHash("3f9c2a"))          // 6: too short
        XCTAssertFalse(StaleRunGuard.isCommitHash(String(repeating: "f", count: 41)))
        XCTAssertFalse(StaleRunGuard.isCommitHash("3F9C2AB"))          // git prints lowercase
        XCTAssertFalse(StaleRunGuard.isCommitHash("v1.2.3-g3f9c2ab"))
        XCTAssertEqual(StaleRunGuard.check([change("1.2.0", "a1b2c3d"), change("c3d4e5f", "latest")], ancestry: History()), .init())
    }
}
