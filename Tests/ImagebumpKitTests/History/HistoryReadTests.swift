import ImageRules
import XCTest
@testable import ImagebumpKit

/// What `Deployments.derive` makes of a walk that stopped short of the root, of several branches, and of a rollback
/// of several deployments.
final class HistoryReadTests: XCTestCase {
    typealias F = HistoryFixture
    let app = "registry.example.com/app"

    /// --since: staging ran 1.1.0 before the first commit read, so production's 1.1.0 is a promotion from it.
    func testAPromotionFromADeploymentBeforeTheWalk() {
        let read = HistoryRead(commits: [HistoryCommit(id: F.id(4), time: 4000, message: "promote", changes: [F.change(F.prod, "1.0.0", "1.1.0")])],
                               base: [F.dev: F.deployment("1.1.0"), F.staging: F.deployment("1.1.0"), F.prod: F.kustomization("1.0.0")])
        let d = Deployments.derive([.init(environments: nil, read: read)], config: F.config).deployments
        XCTAssertEqual(d.map { "\($0.environment) \($0.kind) \($0.promotedFrom ?? "-")" }, ["production promotion staging"])
        // without the files before, it cannot be told
        XCTAssertEqual(Deployments.derive(read.commits, config: F.config).deployments.map(\.kind), [.bump])
    }

    /// Each version of a file is parsed once: the old side of a change is the new side of the one before.
    func testEachFileVersionIsParsedOnce() {
        var parsed = 0
        let counting: Deployments.Parse = { parsed += 1; return try ImagePlanner.images(file: $0, bytes: $1) }
        let derived = Deployments.derive([.init(environments: nil, read: HistoryRead(commits: F.commits))], config: F.config, parse: counting)
        XCTAssertEqual(derived.deployments.count, 15)
        // versions: dev 1.0.0 1.1.0 1.2.0 1.1.0 1.3.0 1.1.0 (6), staging 1.0.0 1.1.0 1.2.0 1.1.0 (4), production
        // 1.0.0 1.1.0 1.0.0 (3), broken.yaml once (it fails): 14
        XCTAssertEqual(parsed, 14)
    }

    /// production lives on a branch of its own: its commits are read for it alone, dev's branch for dev, in time
    /// order, a commit both branches share once; the promotion to production is seen across the branches.
    func testEnvironmentsOnBranchesOfTheirOwn() {
        let shared = HistoryCommit(id: F.id(1), time: 1000, message: "initial", changes: [F.change(F.dev, nil, "1.0.0"), F.change(F.prod, nil, "1.0.0")])
        let main = HistoryRead(commits: [
            HistoryCommit(id: F.id(3), time: 3000, message: "dev 1.1.0", changes: [F.change(F.dev, "1.0.0", "1.1.0")]), shared,
        ])
        let production = HistoryRead(commits: [
            HistoryCommit(id: F.id(4), time: 4000, message: "prod 1.1.0", changes: [F.change(F.prod, "1.0.0", "1.1.0")]),
            // on production's branch a change to dev's files is not dev's deployment
            HistoryCommit(id: F.id(2), time: 2000, message: "stray", changes: [F.change(F.dev, "1.0.0", "9.9.9")]), shared,
        ])
        let config = EnvironmentsConfig(file: "imagebump.yaml", environments: [
            Environment(name: "dev", files: ["envs/dev"]), Environment(name: "production", files: ["envs/production"], branch: "production"),
        ], promotion: ["dev", "production"])
        let d = Deployments.derive([.init(environments: ["dev"], read: main), .init(environments: ["production"], read: production)], config: config).deployments
        XCTAssertEqual(d.filter { $0.image == app }.map { "\($0.configCommit.prefix(1)) \($0.environment) \($0.kind) \($0.new.dropFirst(app.count + 1))" }, [
            "4 production promotion 1.1.0", "3 dev bump 1.1.0", "1 dev bump 1.0.0", "1 production bump 1.0.0",
        ])
    }

    /// `rollback --to 3` names the three deployments it undoes: each is a failed change, each recovered by it.
    func testARollbackOfSeveralDeploymentsFailsEachOfThem() throws {
        let h: Int64 = 3600
        func commit(_ n: Int, _ hour: Int64, _ message: String, _ old: String, _ new: String) -> HistoryCommit {
            HistoryCommit(id: F.id(n), time: hour * h, message: message, changes: [F.change(F.prod, old, new)])
        }
        let commits = [
            commit(1, 0, "initial", "0.9.0", "1.0.0"),
            commit(2, 1, "c2", "1.0.0", "1.1.0"), commit(3, 2, "c3", "1.1.0", "1.2.0"), commit(4, 3, "c4", "1.2.0", "1.3.0"),
            commit(5, 5, "roll back\n\nRollback-Of: \(F.id(4))\nRollback-Of: \(F.id(3))\nRollback-Of: \(F.id(2).prefix(7))", "1.3.0", "1.0.0"),
        ].reversed()
        let d = Deployments.derive(Array(commits), config: F.config).deployments
        XCTAssertEqual(d[0].kind, .rollback)
        XCTAssertEqual(d[0].undoes, [F.id(4), F.id(3), F.id(2)])
        XCTAssertEqual(d[0].rollbackOf, F.id(4))
        let prod = try XCTUnwrap(Metrics.figures(d, environment: "production", since: 0, until: 6 * h).first)
        // changes 1..4, of which 2, 3 and 4 were undone: recovered in 4h, 3h and 2h
        XCTAssertEqual([prod.changes, prod.failed], [4, 3])
        XCTAssertEqual(prod.changeFailRate, 0.75)
        XCTAssertEqual(prod.recoveryTime, Metrics.Spread([4 * h, 3 * h, 2 * h]))
        // a Rollback-Of: that is no commit id is not one
        let junk = Deployments.derive([commit(6, 6, "x\n\nRollback-Of: see above", "1.0.0", "1.1.0")] + Array(commits), config: F.config).deployments
        XCTAssertEqual(junk[0].kind, .bump)
        XCTAssertNil(junk[0].rollbackOf)
    }
}
