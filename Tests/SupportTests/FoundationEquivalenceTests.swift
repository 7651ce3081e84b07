@testable import Forge
import Foundation
import Support
import XCTest

/// PlainText and Forge's HTTP-date/JSON code replace Foundation calls in imagebump-git (to keep ICU's data out of
/// it); each must answer as the Foundation call it replaced. Compared here against Foundation itself.
final class FoundationEquivalenceTests: XCTestCase {
    /// Texts with ASCII and Unicode blanks, newlines (CRLF, NEL, LS, PS), combining marks and non-Latin letters.
    let samples = [
        "", " ", "\t", "abc", "  abc  ", "\t a b \t", "\n\r\n x \r\n", "\u{A0}x\u{2003}", "\u{85}y\u{2028}\u{2029}",
        "\u{3000}全角\u{3000}", "é", "e\u{301}", " \u{301}a", "\u{FEFF}z\u{FEFF}", "\u{B}\u{C}v\u{1C}",
        "tok/en+x=y&z", "ab%cd", "ÄÖÜß-._~", "١٢٣", "Ⅻ", "😀 x", "a\r\nb\rc\nd", "|[x]|", "{images}{files}",
    ]

    func testTrimmingMatchesCharacterSets() {
        for s in samples {
            XCTAssertEqual(s.trimmingBlanks(), s.trimmingCharacters(in: .whitespaces), s.debugDescription)
            XCTAssertEqual(s.trimmingBlanksAndNewlines(), s.trimmingCharacters(in: .whitespacesAndNewlines), s.debugDescription)
            XCTAssertEqual(s.trimming { "/-.".unicodeScalars.contains($0) }, s.trimmingCharacters(in: CharacterSet(charactersIn: "/-.")))
        }
        for u in UInt32(0)...0xFFFF { // the Basic Multilingual Plane
            guard let scalar = Unicode.Scalar(u) else { continue }
            XCTAssertEqual(scalar.isBlank, CharacterSet.whitespaces.contains(scalar), "U+\(String(u, radix: 16))")
            XCTAssertEqual(scalar.isBlankOrNewline, CharacterSet.whitespacesAndNewlines.contains(scalar), "U+\(String(u, radix: 16))")
            XCTAssertEqual(scalar.isASCIIAlphanumeric, scalar.isASCII && CharacterSet.alphanumerics.contains(scalar), "U+\(String(u, radix: 16))")
        }
    }

    func testReplacingMatchesReplacingOccurrences() {
        let targets = ["\r", "\n", "\r\n", "a", "x", "|", "[", "{images}", "ab", "\\n", "全角"]
        for s in samples + ["aaa", "abab", "\\n\\n", "x\r\n\r\ny"] {
            for t in targets {
                XCTAssertEqual(s.replacingEvery(t, with: "<*>"), s.replacingOccurrences(of: t, with: "<*>"), "\(s.debugDescription) / \(t.debugDescription)")
            }
            XCTAssertEqual(s.scalarRange(of: "://").map { s.distance(from: s.startIndex, to: $0.lowerBound) },
                           s.range(of: "://").map { s.distance(from: s.startIndex, to: $0.lowerBound) })
        }
    }

    func testPercentEncodingMatchesAlphanumerics() {
        for s in samples {
            XCTAssertEqual(s.percentEncoded(keeping: \.isASCIIAlphanumeric), s.addingPercentEncoding(withAllowedCharacters: .alphanumerics), s.debugDescription)
        }
    }

    func testOneDecimalMatchesFormat() {
        for v in [0, 0.05, 0.15, 0.25, 0.35, 1.45, 2.5, 9.95, 99.95, 1048575.0 / 1048576, 123456.789, 1e20, -0.0, -3.25, 0.04999999] {
            XCTAssertEqual(String(oneDecimal: v), String(format: "%.1f", v), "\(v)")
        }
        for v: UInt32 in [0, 1, 0xabc, 0xffff_ffff] { XCTAssertEqual(v.hex(width: 8), String(format: "%08x", v)) }
    }

    func testIMFFixdateMatchesDateFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        let accepted = ["Thu, 01 Jan 1970 00:17:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", "Tue, 29 Feb 2028 23:59:59 GMT",
                        "Fri, 31 Dec 1999 12:00:00 GMT", "Wed, 01 Mar 2100 00:00:01 GMT"]
        for text in accepted {
            XCTAssertEqual(parseIMFFixdate(text), formatter.date(from: text), text)
            XCTAssertNotNil(parseIMFFixdate(text), text)
        }
        for text in ["", "soon", "01 Jan 1970 00:17:00 GMT", "Thu, 01 Foo 1970 00:17:00 GMT", "Thu, 01 Jan 1970 24:00:00 GMT"] {
            XCTAssertNil(parseIMFFixdate(text), text)
            XCTAssertNil(formatter.date(from: text), text)
        }
    }

    func testJSONRoundTripMatchesJSONSerialization() throws {
        let value: [String: Any] = ["title": "a/b \"q\" é\n", "iid": 7, "draft": true, "labels": ["x", "y"], "ids": [1, 2],
                                    "nested": ["k": false], "z": "", "a_b": 1]
        let ours = try jsonObject(jsonData(value))
        let theirs = try JSONSerialization.jsonObject(with: JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]))
        XCTAssertEqual(try jsonData(ours), try jsonData(try jsonObject(JSONSerialization.data(withJSONObject: theirs, options: [.sortedKeys]))))
        let decoded = try XCTUnwrap(ours as? [String: Any])
        XCTAssertEqual(decoded["iid"] as? Int, 7)
        XCTAssertEqual(decoded["draft"] as? Bool, true)
        XCTAssertEqual(decoded["labels"] as? [String], ["x", "y"])
        XCTAssertEqual(decoded["title"] as? String, "a/b \"q\" é\n")
        XCTAssertTrue((try jsonObject(Data("{\"auto_merge\":null}".utf8)) as? [String: Any])?["auto_merge"] is JSONNull)
        XCTAssertEqual(try jsonObject(Data("3".utf8)) as? Int, 3)
        XCTAssertThrowsError(try jsonObject(Data("{not json".utf8)))
    }
}
