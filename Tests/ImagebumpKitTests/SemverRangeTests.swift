import XCTest
@testable import ImagebumpKit

final class SemverRangeTests: XCTestCase {
    func testNewestReleaseInRange() throws {
        let range = try SemverRange(parsing: ">=1.2 <2")
        XCTAssertEqual(range.newest(["1.2.0", "1.3.0-rc.1", "1.3.0", "2.0.0", "latest", "v1.2.5", "1.10"]), "1.3.0")
        XCTAssertEqual(try SemverRange(parsing: ">1.3.0").newest(["1.3.0", "v2.1.0", "2.0.0"]), "v2.1.0")
        XCTAssertNil(range.newest(["2.0.0", "0.9.0", "1.4.0-beta"]))
    }

    func testARangeThatIsNotOneIsRefusedNamingTheWord() {
        XCTAssertThrowsError(try SemverRange(parsing: ">=1.2 ^2")) { e in
            XCTAssertEqual("\(e)", "--semver >=1.2 ^2: ^2 is not a comparator (>=, >, <=, <, = and MAJOR[.MINOR[.PATCH]], e.g. \">=1.2 <2\")")
        }
    }
}
