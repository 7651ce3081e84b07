import XCTest
import Support
@testable import YAMLEdit

/// Finds the value node of `key` anywhere in the stream.
func findValue(_ stream: YAMLStream, key: String, nth: Int = 0) -> YAMLNode? {
    var found: [YAMLNode] = []
    for root in stream.documents.compactMap({ $0 }) {
        root.walk { n in
            for (k, v) in n.pairs where k.value == key { found.append(v) }
        }
    }
    return nth < found.count ? found[nth] : nil
}

func edit(_ text: String, key: String, to value: String, nth: Int = 0) throws -> String {
    let stream = try YAMLParser.parse(Array(text.utf8))
    var ed = YAMLEditor(stream: stream)
    // a missing key fails the test that asked for it: a skip would let the test pass without testing
    let node = try XCTUnwrap(findValue(stream, key: key, nth: nth), "no key \(key) in the test's YAML")
    try ed.setScalar(node, to: value)
    return String(decoding: try ed.apply(), as: UTF8.self)
}

final class SpanTests: XCTestCase {
    func testScalarSpansAreByteOffsets() throws {
        let text = "# é ü 日本\nname: \"Grüße\"\nimage: app:1.0 # ☃\n"
        let s = try YAMLParser.parse(Array(text.utf8))
        let img = try XCTUnwrap(findValue(s, key: "image"))
        XCTAssertEqual(String(decoding: s.source.bytes[img.valueStart..<img.end], as: UTF8.self), "app:1.0")
        XCTAssertEqual(img.line, 3)
        let name = try XCTUnwrap(findValue(s, key: "name"))
        XCTAssertEqual(String(decoding: s.source.bytes[name.valueStart..<name.end], as: UTF8.self), "\"Grüße\"")
    }

    func testBOMIsAccountedFor() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a: ö\nimage: app:1\n".utf8)
        let s = try YAMLParser.parse(bytes)
        let img = try XCTUnwrap(findValue(s, key: "image"))
        XCTAssertEqual(String(decoding: bytes[img.valueStart..<img.end], as: UTF8.self), "app:1")
        var ed = YAMLEditor(stream: s)
        try ed.setScalar(img, to: "app:2")
        XCTAssertEqual(try ed.apply(), [0xEF, 0xBB, 0xBF] + Array("a: ö\nimage: app:2\n".utf8))
    }

    func testWideEncodingsAreRefusedWithOneMessage() {
        let utf16LE: [UInt8] = [0xFF, 0xFE] + "a: 1\n".utf8.flatMap { [$0, 0] }
        let utf32BE: [UInt8] = "a: 1\n".utf8.flatMap { [0, 0, 0, $0] } // no byte order mark: told by its zero bytes
        for (bytes, name) in [(utf16LE, "UTF-16"), (utf32BE, "UTF-32")] {
            XCTAssertThrowsError(try YAMLParser.parse(bytes)) { error in
                XCTAssertEqual(error as? Problem, Problem(line: 1, column: 1, message: "unsupported encoding (\(name)), convert to UTF-8"))
            }
        }
    }

    func testAnchorAndTagAreSkipped() throws {
        let text = "a: &x !!str app:1\nb: !tag\n  app:2\n"
        let s = try YAMLParser.parse(Array(text.utf8))
        let a = try XCTUnwrap(findValue(s, key: "a")), b = try XCTUnwrap(findValue(s, key: "b"))
        XCTAssertEqual(String(decoding: s.source.bytes[a.valueStart..<a.end], as: UTF8.self), "app:1")
        XCTAssertEqual(String(decoding: s.source.bytes[b.valueStart..<b.end], as: UTF8.self), "app:2")
        XCTAssertEqual(b.line, 3)
    }

    /// An unclosed quote is found at the end of the file; the error is placed at the quote and says where the file
    /// ended. An error inside a collection names where the collection starts.
    func testErrorsPointAtTheStartOfAnUnfinishedToken() {
        let cases: [(String, Problem)] = [
            ("image: app:1.0\nname: \"unclosed\nother: x\n",
             Problem(line: 2, column: 7, message: "found unexpected end of stream (at line 4, column 1, the end of the file) while scanning a quoted scalar that starts here")),
            ("a: 'b\n", Problem(line: 1, column: 4, message: "found unexpected end of stream (at line 2, column 1, the end of the file) while scanning a quoted scalar that starts here")),
            ("image: [app:1.0\nfoo: : bar\n",
             Problem(line: 2, column: 4, message: "did not find expected ',' or ']' while parsing a flow sequence that starts at line 1, column 8")),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try YAMLParser.parse(Array(text.utf8)), text) { XCTAssertEqual($0 as? Problem, expected, text) }
        }
    }

    func testErrorsCarryLineAndColumn() {
        XCTAssertThrowsError(try YAMLParser.parse(Array("a: 1\nb: [1, 2\nc: 3\n".utf8))) { e in
            let err = e as! Problem
            XCTAssertGreaterThanOrEqual(err.line ?? 0, 2)
            XCTAssertTrue(err.description.hasPrefix("\(err.line ?? 0):\(err.column ?? 0): "))
        }
        XCTAssertThrowsError(try YAMLParser.parse([0x61, 0x3A, 0x20, 0x0A, 0x62, 0x3A, 0x20, 0xC3, 0x28])) { e in
            XCTAssertEqual((e as! Problem).line, 2)
            XCTAssertTrue("\(e)".contains("UTF-8"))
        }
        XCTAssertThrowsError(try YAMLParser.parse(Array("a: *nope\n".utf8))) { e in
            XCTAssertTrue("\(e)".contains("undefined anchor"))
        }
    }

    func testAliasBombStaysSmall() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...30 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let s = try YAMLParser.parse(Array(text.utf8))
        var count = 0
        s.documents.first!!.walk { _ in count += 1 }
        XCTAssertLessThan(count, 1000) // aliases stay aliases: 10^30 expansions never happen
    }

    func testDeepNestingIsRefused() {
        let text = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        XCTAssertThrowsError(try YAMLParser.parse(Array(text.utf8))) { e in XCTAssertTrue("\(e)".contains("nesting")) }
    }
}

final class SetScalarTests: XCTestCase {
    func testOnlyValueBytesChange() throws {
        let text = "# head\nimage:   app:1.0   # keep me\r\nnext: x\n"
        XCTAssertEqual(try edit(text, key: "image", to: "app:2.0"), "# head\nimage:   app:2.0   # keep me\r\nnext: x\n")
    }

    func testStyleIsKept() throws {
        XCTAssertEqual(try edit("t: 'v1'\n", key: "t", to: "v2"), "t: 'v2'\n")
        XCTAssertEqual(try edit("t: \"v1\"\n", key: "t", to: "v2"), "t: \"v2\"\n")
        XCTAssertEqual(try edit("t: v1\n", key: "t", to: "v2"), "t: v2\n")
        XCTAssertEqual(try edit("t: {a: v1, b: c}\n", key: "a", to: "v2"), "t: {a: v2, b: c}\n")
    }

    func testNumericLookingTagsAreQuoted() throws {
        for v in ["1.20", "7284872", "1e3", "0x1F", "on", "yes", "no", "y", "null", "~", "true", ".inf", "2024-01-15", "1_000", "0o17", "012"] {
            XCTAssertEqual(try edit("newTag: v1\n", key: "newTag", to: v), "newTag: \"\(v)\"\n", v)
        }
        XCTAssertEqual(try edit("newTag: v1\n", key: "newTag", to: "1.2.3"), "newTag: 1.2.3\n")
        XCTAssertEqual(try edit("newTag: '1.0'\n", key: "newTag", to: "1.20"), "newTag: '1.20'\n")
    }

    func testBlockScalarBecomesQuoted() throws {
        XCTAssertEqual(try edit("image: |\n  app:1\nnext: 1\n", key: "image", to: "app:2"), "image: \"app:2\"\nnext: 1\n")
        XCTAssertEqual(try edit("image: >-\n  app:1\n\nnext: 1\n", key: "image", to: "app:2"), "image: \"app:2\"\n\nnext: 1\n")
    }

    func testAnchoredValueWithAliasIsRefused() throws {
        XCTAssertThrowsError(try edit("a: &img app:1\nb: *img\n", key: "a", to: "app:2")) { e in
            XCTAssertTrue("\(e)".contains("anchor &img"), "\(e)")
            XCTAssertTrue("\(e)".hasPrefix("1:"), "\(e)")
        }
        XCTAssertThrowsError(try edit("base: &b {image: app:1}\nother: *b\n", key: "image", to: "app:2"))
        // the anchor's only use: fine
        XCTAssertEqual(try edit("a: &img app:1\nb: c\n", key: "a", to: "app:2"), "a: &img app:2\nb: c\n")
    }

    func testAllDocumentsAndMarkersPreserved() throws {
        let text = "%YAML 1.1\n---\na: 1\n...\n---\nimage: app:1\n--- \n# last\nc: 3\n"
        XCTAssertEqual(try edit(text, key: "image", to: "app:9"), text.replacingOccurrences(of: "app:1", with: "app:9"))
    }

    func testMissingFinalNewline() throws {
        XCTAssertEqual(try edit("x: y\nimage: app:1", key: "image", to: "app:2"), "x: y\nimage: app:2")
    }

    func testEmptyValueIsWrittenInPlaceKeepingItsComment() throws {
        XCTAssertEqual(try edit("image:\nb: c\n", key: "image", to: "app:2"), "image: app:2\nb: c\n")
        XCTAssertEqual(try edit("tag:  # set by CI\nb: c\n", key: "tag", to: "1.20"), "tag: \"1.20\"  # set by CI\nb: c\n")
        XCTAssertEqual(try edit("a:\n  tag:\r\n  b: c\r\n", key: "tag", to: "v2"), "a:\n  tag: v2\r\n  b: c\r\n")
        XCTAssertEqual(try edit("{tag: , b: c}\n", key: "tag", to: "v2"), "{tag: v2 , b: c}\n")
    }
}

final class InsertRemoveTests: XCTestCase {
    func testInsertInBlockEntryKeepsIndentAndCRLF() throws {
        let text = "images:\r\n  - name: app # c\r\n    newName: x/app\r\nother: 1\r\n"
        let s = try YAMLParser.parse(Array(text.utf8))
        let entry = s.documents[0]!["images"]!.children[0]
        var ed = YAMLEditor(stream: s)
        try ed.insertPair(into: entry, key: "newTag", value: "1.20")
        XCTAssertEqual(String(decoding: try ed.apply(), as: UTF8.self),
                       "images:\r\n  - name: app # c\r\n    newName: x/app\r\n    newTag: \"1.20\"\r\nother: 1\r\n")
    }

    func testInsertInFlowEntry() throws {
        let text = "images: [{name: app}]\n"
        let s = try YAMLParser.parse(Array(text.utf8))
        var ed = YAMLEditor(stream: s)
        try ed.insertPair(into: s.documents[0]!["images"]!.children[0], key: "newTag", value: "v2")
        XCTAssertEqual(String(decoding: try ed.apply(), as: UTF8.self), "images: [{name: app, newTag: v2}]\n")
    }

    func testRemoveMiddleFirstAndLastKeys() throws {
        let text = "images:\n  - digest: sha256:aa # old\n    name: app\n    newTag: v1\n  - name: b\n    digest: d\n    newTag: v\n  - name: c\n    digest: d\nend: 1\n"
        let s = try YAMLParser.parse(Array(text.utf8))
        let entries = s.documents[0]!["images"]!.children
        var ed = YAMLEditor(stream: s)
        for e in entries { try ed.removePair(from: e, key: e.pairs.first { $0.key.value == "digest" }!.key) }
        XCTAssertEqual(String(decoding: try ed.apply(), as: UTF8.self),
                       "images:\n  - name: app\n    newTag: v1\n  - name: b\n    newTag: v\n  - name: c\nend: 1\n")
    }

    func testRemoveInFlow() throws {
        let text = "i: [{name: a, digest: d, newTag: t}, {digest: d, name: b}]\n"
        let s = try YAMLParser.parse(Array(text.utf8))
        var ed = YAMLEditor(stream: s)
        for e in s.documents[0]!["i"]!.children { try ed.removePair(from: e, key: e.pairs.first { $0.key.value == "digest" }!.key) }
        XCTAssertEqual(String(decoding: try ed.apply(), as: UTF8.self), "i: [{name: a, newTag: t}, {name: b}]\n")
    }

    func testAppendSequenceItemAndNewKey() throws {
        let text = "resources:\n- a.yaml\nimages:\n- name: x\n  newTag: \"1\"\n"
        let s = try YAMLParser.parse(Array(text.utf8))
        var ed = YAMLEditor(stream: s)
        try ed.appendItem(to: s.documents[0]!["images"]!, pairs: [("name", "z"), ("newTag", "2.0")])
        XCTAssertEqual(String(decoding: try ed.apply(), as: UTF8.self), text + "- name: z\n  newTag: \"2.0\"\n")

        let t2 = "resources:\n  - a.yaml"
        let s2 = try YAMLParser.parse(Array(t2.utf8))
        var ed2 = YAMLEditor(stream: s2)
        try ed2.insertListPair(into: s2.documents[0]!, key: "images", items: [[("name", "z"), ("newTag", "v1")]])
        XCTAssertEqual(String(decoding: try ed2.apply(), as: UTF8.self), t2 + "\nimages:\n- name: z\n  newTag: v1")
    }
}

final class QuotingTests: XCTestCase {
    func testPlainSafety() {
        XCTAssertTrue(ScalarQuoting.plainIsSafe("nginx:1.20", inFlow: false))
        XCTAssertTrue(ScalarQuoting.plainIsSafe("sha256:abc", inFlow: true))
        XCTAssertTrue(ScalarQuoting.plainIsSafe("v1.2.3", inFlow: false))
        XCTAssertTrue(ScalarQuoting.plainIsSafe("1.2.3", inFlow: false))
        XCTAssertTrue(ScalarQuoting.plainIsSafe("3f9c2ab", inFlow: false))
        for unsafe in ["1.20", "12", "-1", "+1", ".5", "1e10", "1E-3", "0b101", "0x_FF", "1:20", "190:20:30.15", "Off", "NULL", "N",
                       "", " a", "a ", "a: b", "a #b", "#a", "-a", "@a", "*a", "&a", "!a", "%a", "'a", "\"a", "a:", "2001-12-14",
                       "2001-12-14t21:59:43.10-05:00"] {
            XCTAssertFalse(ScalarQuoting.plainIsSafe(unsafe, inFlow: false), unsafe)
        }
        XCTAssertFalse(ScalarQuoting.plainIsSafe("a,b", inFlow: true))
        XCTAssertTrue(ScalarQuoting.plainIsSafe("a,b", inFlow: false))
        // 7-char hex git SHAs that look like numbers are quoted; others stay plain
        XCTAssertFalse(ScalarQuoting.plainIsSafe("1234567", inFlow: false))
        XCTAssertFalse(ScalarQuoting.plainIsSafe("12345e7", inFlow: false))
        XCTAssertTrue(ScalarQuoting.plainIsSafe("12345f7", inFlow: false))
    }

    func testDoubleQuotedEscapes() {
        XCTAssertEqual(ScalarQuoting.doubleQuoted("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"")
    }
}

final class StreamVerifierTests: XCTestCase {
    func verify(_ original: String, _ edited: String, replacing key: String? = nil, with value: String? = nil) throws {
        let s = try YAMLParser.parse(Array(original.utf8))
        var repl: [Int: String] = [:]
        if let key, let value, let n = findValue(s, key: key) { repl[n.id] = value }
        try StreamVerifier(original: s, replacements: repl).verify(Array(edited.utf8))
    }

    func testAcceptsTheIntendedChangeOnly() throws {
        XCTAssertNoThrow(try verify("a: x\nb: [1, {c: d}]\n---\ne: &f g\nh: *f\n", "a:   'y'\nb: [1, {c: d}]\n---\ne: &f g\nh: *f\n", replacing: "a", with: "y"))
    }

    func testRefusesEverythingElse() {
        XCTAssertThrowsError(try verify("a: 1\nb: 2\n", "a: 1\nb: 3\n")) { XCTAssertTrue("\($0)".contains("unintended change"), "\($0)") }
        XCTAssertThrowsError(try verify("a: 1\nb: 2\n", "a: 1\n")) { XCTAssertTrue("\($0)".contains("refusing"), "\($0)") }
        XCTAssertThrowsError(try verify("a: 1\n", "a: 1\nb: 2\n"))
        XCTAssertThrowsError(try verify("a: x\n", "a: 1.20\n", replacing: "a", with: "1.20")) { XCTAssertTrue("\($0)".contains("read back"), "\($0)") }
        XCTAssertThrowsError(try verify("a: x\n", "a: z\n", replacing: "a", with: "y"))
        XCTAssertThrowsError(try verify("a: x\n", "a: [x]\n"))
        XCTAssertThrowsError(try verify("a: x\n", "a: 'x'\n"), "a style change of an untouched value")
        XCTAssertThrowsError(try verify("a: x\n", "a: x\n---\nb: 1\n"))
        XCTAssertThrowsError(try verify("a: &k x\nb: *k\n", "a: &j x\nb: *j\n"))
        XCTAssertThrowsError(try verify("a: x\n", "a: x\n]\n")) { XCTAssertTrue("\($0)".contains("does not parse"), "\($0)") }
    }
}
