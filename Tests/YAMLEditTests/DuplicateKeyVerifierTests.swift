import XCTest
@testable import YAMLEdit

final class DuplicateKeyVerifierTests: XCTestCase {
    func testVerifierRefusesAnInsertionThatRepeatsAKey() throws {
        let text = "resources: [a.yaml]\nimages:\n- name: x\n"
        let s = try YAMLParser.parse(Array(text.utf8))
        var ed = YAMLEditor(stream: s)
        try ed.insertListPair(into: s.documents[0]!, key: "images", items: [[("name", "y")]])
        XCTAssertThrowsError(try ed.apply()) { e in
            XCTAssertTrue("\(e)".contains("the key 'images' is repeated in one mapping (2:1 and 4:1)"), "\(e)")
        }
    }

    func testVerifierRefusesAValueEditInAFileThatRepeatsAKey() throws {
        XCTAssertThrowsError(try edit("a: 1\nb:\n  c: x\n  c: y\n", key: "a", to: "2")) { e in
            XCTAssertTrue("\(e)".contains("the key 'c' is repeated"), "\(e)")
        }
    }

    func testKeysThatReadDifferentlyAreNotRepeats() throws {
        // `1` (an int), "1" (a string) and a merge key used twice are distinct for a loader
        XCTAssertEqual(try edit("1: a\n\"1\": b\nv: old\n", key: "v", to: "new"), "1: a\n\"1\": b\nv: new\n")
        XCTAssertNil(try YAMLParser.parse(Array("base: &b {x: 1}\nm:\n  <<: *b\n  <<: *b\n".utf8)).firstDuplicateKey())
    }

    func testFlowListPairAndEmptyFlowSequence() throws {
        let s = try YAMLParser.parse(Array("{resources: [a.yaml], images: []}\n".utf8))
        var ed = YAMLEditor(stream: s)
        try ed.appendItem(to: s.documents[0]!["images"]!, pairs: [("name", "z"), ("newTag", "1.10")])
        XCTAssertEqual(String(decoding: try ed.apply(), as: UTF8.self), "{resources: [a.yaml], images: [{name: z, newTag: \"1.10\"}]}\n")
        let s2 = try YAMLParser.parse(Array("k: {}\n".utf8))
        var ed2 = YAMLEditor(stream: s2)
        try ed2.insertListPair(into: s2.documents[0]!["k"]!, key: "images", items: [[("name", "a")], [("name", "b")]])
        XCTAssertEqual(String(decoding: try ed2.apply(), as: UTF8.self), "k: {images: [{name: a}, {name: b}]}\n")
    }
}
