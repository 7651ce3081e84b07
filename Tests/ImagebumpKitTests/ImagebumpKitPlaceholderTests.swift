import XCTest
@testable import ImagebumpKit

final class ImagebumpKitPlaceholderTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
