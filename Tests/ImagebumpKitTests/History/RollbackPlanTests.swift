import XCTest
@testable import ImagebumpKit

final class RollbackPlanTests: XCTestCase {
    typealias F = HistoryFixture
    let app = "registry.example.com/app"
    var deployments: [Deployment] { Deployments.derive(F.commits, config: F.config).deployments }

    func plan(_ env: String, _ to: String?, images: [String] = []) throws -> [String] {
        let target = to.map { RollbackPlan.Target(parsing: $0, commits: deployments.map(\.configCommit)) }
        return try RollbackPlan.plan(deployments, environment: env, images: images, to: target)
            .map { "\($0.image) \($0.current) → \($0.target) of \($0.rollbackOf.map { String($0.prefix(1)) }.joined(separator: ","))" }
    }

    func testBackOneIsThePreviousImageOfTheNewestDeployment() throws {
        // dev's newest deployment (commit 9) changed the app only: 1.3.0 → 1.1.0, so one back is 1.3.0
        XCTAssertEqual(try plan("dev", nil), ["\(app) \(app):1.1.0 → \(app):1.3.0 of 9"])
        // three back undoes all three: 9, 8 and 7 (Rollback-Of: names each)
        XCTAssertEqual(try plan("dev", "3"), ["\(app) \(app):1.1.0 → \(app):1.2.0 of 9,8,7"])
        XCTAssertEqual(try plan("staging", "1"), ["\(app) \(app):1.1.0 → \(app):1.2.0 of 7"])
    }

    func testToACommitOrAVersion() throws {
        // the state right after commit 6 (1.2.0), from the abbreviated id
        XCTAssertEqual(try plan("dev", String(F.id(6).prefix(8))), ["\(app) \(app):1.1.0 → \(app):1.2.0 of 9,8,7"])
        XCTAssertEqual(try plan("production", "1.1.0"), ["\(app) \(app):1.0.0 → \(app):1.1.0 of 5"])
        // redis was deployed once: there is nothing earlier to go back to
        XCTAssertThrowsError(try plan("dev", "redis:7.2.0", images: ["docker.io/library/redis"]))
    }

    func testRefusals() {
        XCTAssertThrowsError(try plan("production", "9.9.9")) { XCTAssertEqual("\($0)", "no earlier deployment of 9.9.9 in production in the history read") }
        XCTAssertThrowsError(try plan("production", "4")) { XCTAssertEqual("\($0)", "\(self.app) has 3 deployments in production in the history read; cannot go 4 back") }
        XCTAssertThrowsError(try plan("qa", nil)) { XCTAssertEqual("\($0)", "no deployments of qa in the history read") }
        XCTAssertThrowsError(try plan("dev", nil, images: ["docker.io/library/nginx"])) { XCTAssertEqual("\($0)", "no deployments of docker.io/library/nginx in dev") }
    }

    func testTargetParsing() {
        let ids = [F.id(1), "abcdef1234567890abcdef1234567890abcdef12"]
        XCTAssertEqual(RollbackPlan.Target(parsing: "2", commits: ids), .back(2))
        XCTAssertEqual(RollbackPlan.Target(parsing: "ABCDEF1", commits: ids), .commit(ids[1]))
        XCTAssertEqual(RollbackPlan.Target(parsing: "abcdef9", commits: ids), .version("abcdef9")) // no such commit: a tag
        XCTAssertEqual(RollbackPlan.Target(parsing: "1.2.0", commits: ids), .version("1.2.0"))
        XCTAssertEqual(RollbackPlan.Target(parsing: "20260301", commits: ids), .version("20260301"))
    }
}
