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
        let main = try TagFilter(pattern: "^main-(.+)")
        XCTAssertEqual(try SemverRange(parsing: ">=1").newest(tags, version: main.version(of:)), "main-1.4.0")
        XCTAssertEqual(try TagFilter(pattern: "[0-9.]+").version(of: "1.5.0"), "1.5.0", "no group: the tag itself")
        XCTAssertEqual(try TagFilter(pattern: "[0-9.]+").version(of: "v1.5.0"), "v1.5.0", "a search, as Flux's filterTags")
        XCTAssertNil(try TagFilter(pattern: "^[0-9.]+$").version(of: "v1.5.0"), "anchored")
        XCTAssertThrowsError(try TagFilter(pattern: "main-(")) { XCTAssertTrue("\($0)".hasPrefix("main-( is not a regular expression"), "\($0)") }
    }

    func testExtractExpandsNamedAndNumberedGroupsAsGo() throws {
        let f = try TagFilter(pattern: "^main-(?P<sha>[a-f0-9]+)-(?P<ts>[0-9]+)", extract: "$ts")
        XCTAssertEqual(f.version(of: "main-abc123-1700000000"), "1700000000")
        XCTAssertNil(f.version(of: "dev-abc123-1700000000"))
        XCTAssertEqual(try TagFilter(pattern: "^main-(?P<sha>[a-f0-9]+)-(?P<ts>[0-9]+)", extract: "${ts}.$1$$").version(of: "main-ab-17"), "17.ab$")
        XCTAssertNil(try TagFilter(pattern: "^v(.*)", extract: "$nope").version(of: "v1"), "an empty value is no value")
        XCTAssertEqual(try TagFilter(pattern: "^v(.*)", extract: "$").version(of: "v1"), "$", "a malformed reference stays")
    }

    func testCaretTildeAndAlternatives() throws {
        let tags = ["0.2.3", "0.2.9", "0.3.0", "1.2.0", "1.2.7", "1.9.0", "2.0.0", "2.1.0-rc.1", "3.4.0"]
        XCTAssertEqual(try SemverRange(parsing: "^1.2").newest(tags), "1.9.0")
        XCTAssertEqual(try SemverRange(parsing: "^0.2.3").newest(tags), "0.2.9", "^0.x stays in the minor")
        XCTAssertEqual(try SemverRange(parsing: "^0.0.3").newest(["0.0.3", "0.0.4"]), "0.0.3")
        XCTAssertEqual(try SemverRange(parsing: "~1.2.0").newest(tags), "1.2.7")
        XCTAssertEqual(try SemverRange(parsing: "~1").newest(tags), "1.9.0")
        XCTAssertEqual(try SemverRange(parsing: "^2").newest(tags), "2.0.0", "no pre-release")
        XCTAssertEqual(try SemverRange(parsing: "~1.2 || >=3").newest(tags), "3.4.0")
        XCTAssertEqual(try SemverRange(parsing: "<1 || ~1.2").newest(tags), "1.2.7")
    }

    func testARangeThatIsNotOneIsRefusedNamingTheWord() {
        XCTAssertThrowsError(try SemverRange(parsing: ">=1.2 ^2.x")) { e in
            XCTAssertEqual("\(e)", ">=1.2 ^2.x: ^2.x is not a comparator (>=, >, <=, <, =, ^, ~ and MAJOR[.MINOR[.PATCH]], e.g. \">=1.2 <2\" or ^1.2)")
        }
        XCTAssertThrowsError(try SemverRange(parsing: ">=1 ||")) { XCTAssertTrue("\($0)".contains("each side of || needs a comparator"), "\($0)") }
    }
}
