import Support
import XCTest

final class TextTableTests: XCTestCase {
    func testColumnsArePaddedButTheLastIsNot() {
        XCTAssertEqual(TextTable.render([["A", "BB", "C"], ["long", "x", "end"]]), "A     BB  C\nlong  x   end")
        XCTAssertEqual(TextTable.render([]), "")
    }
}
