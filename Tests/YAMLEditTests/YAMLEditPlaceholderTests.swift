import XCTest
@testable import YAMLEdit

final class YAMLEditPlaceholderTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
