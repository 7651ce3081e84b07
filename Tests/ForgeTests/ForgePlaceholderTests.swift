import XCTest
@testable import Forge

final class ForgePlaceholderTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
