import XCTest
@testable import Environments

final class PublishingTests: XCTestCase {
    func testModeDecidesHowAPublishingRunReachesTheEnvironment() {
        let staging = Environment(name: "staging", files: ["s"])
        let production = Environment(name: "production", files: ["p"], mode: .mergeRequest)
        XCTAssertEqual(staging.publishing(.none), .none)
        XCTAssertEqual(production.publishing(.none), .none, "a local run edits the working tree whatever the mode")
        XCTAssertEqual(staging.publishing(.commit(push: true)), .commit(push: true))
        XCTAssertEqual(production.publishing(.commit(push: true)), .mergeRequest, "--push --env production opens an MR")
        XCTAssertEqual(production.publishing(.commit(push: false)), .mergeRequest)
        XCTAssertEqual(staging.publishing(.mergeRequest), .mergeRequest, "an explicit --merge-request wins")
    }

    func testCommandLineMergeRequestOptionsWin() {
        let p = Environment(name: "production", files: ["p"], mode: .mergeRequest, labels: ["deploy"], reviewers: ["platform-team"])
        let o = p.mergeRequestOptions(labels: [], reviewers: ["alice"], assignees: [])
        XCTAssertEqual(o.labels, ["deploy"]); XCTAssertEqual(o.reviewers, ["alice"]); XCTAssertEqual(o.assignees, [])
    }
}
