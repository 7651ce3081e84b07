import XCTest
@testable import ImageRules

/// A repeated key where an image value is (or would be) written is refused up front, naming both places.
final class DuplicateKeyTests: XCTestCase {
    func assertRefused(_ text: String, _ specs: [String], file: String = "kustomization.yaml", add: Bool = false,
                       mentions places: [String], line: UInt = #line) {
        XCTAssertThrowsError(try bump(text, specs, file: file, add: add), line: line) { e in
            let message = "\(e)"
            XCTAssertTrue(message.hasPrefix(file + ":"), message, line: line)
            XCTAssertTrue(message.contains("repeated"), message, line: line)
            for p in places { XCTAssertTrue(message.contains(p), "\(message) should name \(p)", line: line) }
        }
    }

    func testRepeatedNewTagInAnEntryIsRefusedWithBothLines() {
        assertRefused("images:\n- name: app\n  newTag: \"1.0\"\n  newTag: \"1.1\"\n", ["app:2.0"], mentions: ["'newTag'", "3:3", "4:3"])
    }

    func testRepeatedTagInAHelmMappingIsRefusedWithBothLines() {
        assertRefused("image:\n  repository: ghcr.io/acme/api\n  tag: a\n  pullPolicy: Always\n  tag: b\n", ["ghcr.io/acme/api:c"],
                      file: "values.yaml", mentions: ["'tag'", "3:3", "5:3"])
    }

    func testTwoImagesListsAreRefusedWhenEitherHoldsTheImageOrAddWouldWriteOne() {
        let text = "images:\n- name: a\n  newTag: \"1\"\nresources: [x.yaml]\nimages:\n- name: b\n  newTag: \"1\"\n"
        assertRefused(text, ["b:2"], mentions: ["'images'", "1:1", "5:1"])
        assertRefused(text, ["c:2"], add: true, mentions: ["'images'", "1:1", "5:1"])
    }

    func testRepeatedImageKeyInAContainerIsRefused() {
        assertRefused("containers:\n- name: web\n  image: web:1\n  image: web:2\n", ["web:3"], file: "pod.yaml", mentions: ["3:3", "4:3"])
    }

    func testARepeatedKeyAwayFromTheImageIsLeftToTheVerifier() {
        // not where the image is, so not refused up front; the re-parse check still refuses to write the file
        XCTAssertThrowsError(try bump("image: web:1\nlabels:\n  a: x\n  a: y\n", ["web:2"], file: "pod.yaml")) { e in
            XCTAssertTrue("\(e)".hasPrefix("pod.yaml:4:3: the key 'a' is repeated in one mapping (3:3 and 4:3)"), "\(e)")
        }
    }
}
