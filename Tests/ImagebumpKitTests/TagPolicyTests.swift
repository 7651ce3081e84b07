import XCTest
@testable import ImagebumpKit

/// The tag each policy picks from a registry's list, as Flux's ImagePolicy would.
final class TagPolicyTests: XCTestCase {
    func testNumericalComparesNumbersExactlyInEitherOrder() throws {
        let tags = ["9", "10", "100", "latest", "99.5", "0100", "1700000000000000001", "1700000000000000002"]
        XCTAssertEqual(try TagPolicy(.numerical(.asc)).pick(tags), "1700000000000000002", "not as a float")
        XCTAssertEqual(try TagPolicy(.numerical(.desc)).pick(tags), "9")
        XCTAssertEqual(try TagPolicy(.numerical(.asc)).pick(["9", "10", "99.5"]), "99.5")
        XCTAssertEqual(try TagPolicy(.numerical(.asc)).pick(["0100", "100"]), "100", "equal values: the greatest tag")
        XCTAssertNil(try TagPolicy(.numerical(.asc)).pick(["latest", "v1", "1e5", "-1"]))
    }

    func testAlphabeticalIsByteOrder() throws {
        let tags = ["b", "a", "Z", "é", "aa"]
        XCTAssertEqual(try TagPolicy(.alphabetical(.asc)).pick(tags), "é")
        XCTAssertEqual(try TagPolicy(.alphabetical(.desc)).pick(tags), "Z")
    }

    func testAFilterWithExtractFeedsThePolicy() throws {
        let filter = try TagFilter(pattern: "^main-[a-f0-9]+-(?P<ts>[0-9]+)", extract: "$ts")
        let tags = ["main-aaa111-1700000300", "main-bbb222-1700000200", "main-ccc333-999", "dev-ddd444-1800000000", "1800000000"]
        XCTAssertEqual(try TagPolicy(.numerical(.asc), filter: filter).pick(tags), "main-aaa111-1700000300")
        XCTAssertEqual(try TagPolicy(.numerical(.desc), filter: filter).pick(tags), "main-ccc333-999")
        XCTAssertEqual(try TagPolicy(.alphabetical(.asc), filter: filter).pick(tags), "main-ccc333-999", "999 > 17… in byte order")
        XCTAssertEqual(try TagPolicy(.semver(SemverRange(parsing: "~1.4")), filter: TagFilter(pattern: "^v(.*)-alpine$")).pick(["v1.4.2-alpine", "v1.4.9", "v1.5.0-alpine", "1.4.3-alpine"]), "v1.4.2-alpine")
    }

    func testDigestTakesNoFilterAndPicksNothingFromTheList() throws {
        XCTAssertThrowsError(try TagPolicy(.digest, filter: TagFilter(pattern: "x")))
        XCTAssertNil(try TagPolicy(.digest).pick(["main"]))
        XCTAssertTrue(try TagPolicy(.digest).followsTag)
    }
}
