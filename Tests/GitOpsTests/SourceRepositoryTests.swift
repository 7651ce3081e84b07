import Foundation
import ImagebumpKit
import ImageRules
import XCTest
@testable import GitOps

/// Ancestry on real repositories made with the git CLI: a full history, and a shallow clone of it.
final class SourceRepositoryTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Fixtures.makeTempDir("source-repo") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// A repository with three commits; returns their full ids, oldest first.
    func makeHistory(_ path: String) throws -> [String] {
        _ = try Fixtures.git("init", "-q", "-b", "main", path)
        var ids: [String] = []
        for i in 1...3 {
            try "\(i)\n".write(toFile: path + "/f", atomically: true, encoding: .utf8)
            _ = try Fixtures.git("add", "f", cwd: path)
            _ = try Fixtures.git("commit", "-q", "-m", "c\(i)", cwd: path)
            ids.append(try Fixtures.git("rev-parse", "HEAD", cwd: path))
        }
        return ids
    }

    func testAncestryInAFullHistory() throws {
        let ids = try makeHistory(dir + "/app")
        let repo = try SourceRepository(path: dir + "/app")
        XCTAssertFalse(repo.isShallow)
        let short = ids.map { String($0.prefix(7)) }
        XCTAssertEqual(repo.isAncestor(short[0], of: short[2]), .ancestor)
        XCTAssertEqual(repo.isAncestor(ids[1], of: short[2]), .ancestor)
        XCTAssertEqual(repo.isAncestor(short[2], of: short[0]), .notAncestor)
        XCTAssertEqual(repo.isAncestor(short[1], of: ids[1]), .notAncestor, "the same commit is not older")
        guard case .undecidable(let why) = repo.isAncestor("deadbee", of: short[2]) else { return XCTFail("decided an unknown commit") }
        XCTAssertEqual(why, "deadbee is not a commit in \(dir)/app")

        // through the guard: the stale tag is refused with the downgrade message form
        let change = PlannedChange(file: "k.yaml", line: 4, kind: .kustomize, image: "app", old: "app:" + short[2], new: "app:" + short[0])
        XCTAssertEqual(StaleRunGuard.check([change], ancestry: repo).refusals.count, 1)
    }

    func testAShallowCloneCannotDecide() throws {
        let ids = try makeHistory(dir + "/app")
        _ = try Fixtures.git("clone", "-q", "--depth", "1", "file://\(dir)/app", dir + "/shallow")
        let repo = try SourceRepository(path: dir + "/shallow")
        XCTAssertTrue(repo.isShallow)
        let short = ids.map { String($0.prefix(7)) }
        guard case .undecidable(let why) = repo.isAncestor(short[0], of: short[2]) else { return XCTFail("decided in a shallow clone") }
        XCTAssertTrue(why.contains("\(short[0]) is not a commit") && why.contains("shallow clone"), why)
        let change = PlannedChange(file: "k.yaml", line: 4, kind: .kustomize, image: "app", old: "app:" + short[2], new: "app:" + short[0])
        let out = StaleRunGuard.check([change], ancestry: repo)
        XCTAssertEqual(out.refusals, [])
        XCTAssertNotNil(out.note)
    }

    func testNotARepository() {
        XCTAssertThrowsError(try SourceRepository(path: dir))
    }
}
