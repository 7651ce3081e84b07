import XCTest
@testable import GitOps

final class GitOpsPlaceholderTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
