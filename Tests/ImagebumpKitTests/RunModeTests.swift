import XCTest
import ImagebumpKit

final class RunModeTests: XCTestCase {
    /// An environment's `mode:` (push or merge-request) decides how a publishing run reaches it.
    func testEnvironmentModeDecidesHowAPublishingRunReachesIt() {
        for local in [RunMode.write, .dryRun, .check] {
            XCTAssertEqual(local.reaching(.push), local)
            XCTAssertEqual(local.reaching(.mergeRequest), local, "\(local) edits or previews the working tree whatever the mode")
        }
        XCTAssertEqual(RunMode.push.reaching(.push), .push)
        XCTAssertEqual(RunMode.commit.reaching(.push), .commit)
        XCTAssertEqual(RunMode.push.reaching(.mergeRequest), .mergeRequest, "--push --env production opens an MR")
        XCTAssertEqual(RunMode.commit.reaching(.mergeRequest), .mergeRequest)
        XCTAssertEqual(RunMode.mergeRequest.reaching(.push), .mergeRequest, "an explicit --merge-request wins")
    }

    /// The report's `mode` is the raw value, as the JSON schema names it.
    func testReportModeIsTheRawValue() throws {
        let json = String(decoding: try JSONEncoder().encode(RunReport(mode: .mergeRequest)), as: UTF8.self)
        XCTAssertTrue(json.contains(#""mode":"merge-request""#), json)
    }
}
