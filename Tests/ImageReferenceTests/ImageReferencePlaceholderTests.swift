import XCTest
@testable import ImageReference

final class ImageReferencePlaceholderTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
