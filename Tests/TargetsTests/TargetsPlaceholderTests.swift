import XCTest
@testable import Targets

final class TargetsPlaceholderTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
