import XCTest
@testable import ImagebumpKit

final class MergeRequestOptionsTests: XCTestCase {
    func testCommandLineMergeRequestOptionsWin() {
        let p = Environment(name: "production", files: ["p"], mode: .mergeRequest, labels: ["deploy"], reviewers: ["platform-team"])
        let o = p.mergeRequestOptions(labels: [], reviewers: ["alice"], assignees: [])
        XCTAssertEqual(o.labels, ["deploy"]); XCTAssertEqual(o.reviewers, ["alice"]); XCTAssertEqual(o.assignees, [])
    }
}
