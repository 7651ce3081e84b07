import ImageRules
@testable import ImagebumpKit
import XCTest

/// Errors name repository files quoted when they need it, and the report reads the place back from that text.
final class ErrorPlaceTests: XCTestCase {
    let names = ["apps/plain.yaml", "apps/evil\nERROR x.yaml", "a\"b\\c\t\r.yaml", "bell\u{07}\u{7F}.yaml"]

    func testQuotedNamesReadBack() {
        for name in names where PathQuoting.needsQuoting(name) {
            let text = PathQuoting.quoted(name) + ":3: rest"
            let (back, rest) = try! XCTUnwrap(PathQuoting.leadingQuoted(text[...]), text)
            XCTAssertEqual(back, name)
            XCTAssertEqual(rest, ":3: rest")
        }
        XCTAssertNil(PathQuoting.leadingQuoted("plain.yaml:1: x"))
        XCTAssertNil(PathQuoting.leadingQuoted("\"unterminated\\n"))
        XCTAssertNil(PathQuoting.leadingQuoted("\"bad escape \\q\""))
    }

    func testErrorsPrintOneLinePerNameAndPlainNamesAsBefore() {
        let plan = PlanError(file: "apps/evil\nERROR x.yaml", line: 3, column: 7, message: "bad")
        XCTAssertEqual(plan.description, "\"apps/evil\\nERROR x.yaml\":3:7: bad")
        XCTAssertEqual(PlanError(file: "apps/a.yaml", line: 3, column: 7, message: "bad").description, "apps/a.yaml:3:7: bad")
        XCTAssertEqual(FileIOError(path: "apps/a.yaml", message: "gone").description, "apps/a.yaml: gone")
        XCTAssertEqual(FileIOError(path: "x\n.yaml", message: "gone").description, "\"x\\n.yaml\": gone")
        XCTAssertEqual(DiscoveryError(path: "x\n", message: "gone").description, "\"x\\n\": gone")
    }

    func testTheReportsPlaceIsTheNameItself() {
        for name in names {
            let message = PlanError(file: name, line: 12, column: 5, message: "something: wrong").description
            // through a wrapper, as SetJob reports them: read back from the text
            let info = RunReport.ErrorInfo(SetJobError(messages: [message, "second"]), message: message + "\nsecond")
            XCTAssertEqual(info.file, name, message)
            XCTAssertEqual(info.line, 12, message)
            XCTAssertEqual(info.column, 5, message)
        }
        let noColumn = RunReport.ErrorInfo(SetJobError(messages: []), message: "\"a\\nb.yaml\":4: refusing")
        XCTAssertEqual(noColumn.file, "a\nb.yaml"); XCTAssertEqual(noColumn.line, 4); XCTAssertNil(noColumn.column)
        let prose = RunReport.ErrorInfo(SetJobError(messages: []), message: "could not push to https://h:443/x: no")
        XCTAssertNil(prose.file)
        let noLine = RunReport.ErrorInfo(SetJobError(messages: []), message: "\"a\\nb.yaml\": file is 2 MiB")
        XCTAssertNil(noLine.file); XCTAssertNil(noLine.line)
    }
}
