import XCTest
@testable import ImagebumpKit

final class SemverRangeTests: XCTestCase {
    func testNewestReleaseInRange() throws {
        let range = try SemverRange(parsing: ">=1.2 <2")
        XCTAssertEqual(range.newest(["1.2.0", "1.3.0-rc.1", "1.3.0", "2.0.0", "latest", "v1.2.5", "1.10"]), "1.3.0")
        XCTAssertEqual(try SemverRange(parsing: ">1.3.0").newest(["1.3.0", "v2.1.0", "2.0.0"]), "v2.1.0")
        XCTAssertNil(range.newest(["2.0.0", "0.9.0", "1.4.0-beta"]))
    }

    func testATagRegexFiltersTheTagsAndItsGroupIsTheVersion() throws {
        let tags = ["main-1.2.0", "main-1.4.0", "dev-1.9.0", "1.5.0", "main-1.5.0-rc.1", "xmain-1.8.0"]
        let main = try TagFilter(pattern: "main-(.+)")
        XCTAssertEqual(try SemverRange(parsing: ">=1").newest(tags, version: main.version(of:)), "main-1.4.0")
        XCTAssertEqual(try TagFilter(pattern: "[0-9.]+").version(of: "1.5.0"), "1.5.0", "no group: the tag itself")
        XCTAssertNil(try TagFilter(pattern: "[0-9.]+").version(of: "v1.5.0"), "matched whole only")
        XCTAssertThrowsError(try TagFilter(pattern: "main-(")) { XCTAssertTrue("\($0)".hasPrefix("--tag-regex main-( is not a regular expression"), "\($0)") }
    }

    func testARangeThatIsNotOneIsRefusedNamingTheWord() {
        XCTAssertThrowsError(try SemverRange(parsing: ">=1.2 ^2")) { e in
            XCTAssertEqual("\(e)", "--semver >=1.2 ^2: ^2 is not a comparator (>=, >, <=, <, = and MAJOR[.MINOR[.PATCH]], e.g. \">=1.2 <2\")")
        }
    }
}
