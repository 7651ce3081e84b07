import ImageRules
@testable import ImagebumpKit
import XCTest
import Support

/// Errors name repository files quoted when they need it; the report takes the place from the error's fields.
final class ErrorPlaceTests: XCTestCase {
    let names = ["apps/plain.yaml", "apps/a:1:2.yaml", "C:\\x,y.yaml", "apps/evil\nERROR x.yaml", "a\"b\\c\t\r.yaml", "bell\u{07}\u{7F}.yaml"]

    func testErrorsPrintOneLinePerNameAndPlainNamesAsBefore() {
        let plan = Problem(file: "apps/evil\nERROR x.yaml", line: 3, column: 7, message: "bad")
        XCTAssertEqual(plan.description, "\"apps/evil\\nERROR x.yaml\":3:7: bad")
        XCTAssertEqual(Problem(file: "apps/a.yaml", line: 3, column: 7, message: "bad").description, "apps/a.yaml:3:7: bad")
        XCTAssertEqual(FileIOError(path: "apps/a.yaml", message: "gone").description, "apps/a.yaml: gone")
        XCTAssertEqual(FileIOError(path: "x\n.yaml", message: "gone").description, "\"x\\n.yaml\": gone")
        XCTAssertEqual(DiscoveryError(path: "x\n", message: "gone").description, "\"x\\n\": gone")
    }

    func testTheReportsPlaceIsTheNameItself() {
        for name in names {
            let plan = Problem(file: name, line: 12, column: 5, message: "something: wrong")
            // through a wrapper, as SetJob reports them
            let error = SetJobError(plan.problems + [Problem(message: "second")])
            XCTAssertEqual(error.description, plan.description + "\nsecond")
            let info = RunReport.ErrorInfo(message: error.description, problems: Problem.list(error))
            XCTAssertEqual(info.file, name, plan.description)
            XCTAssertEqual(info.line, 12, plan.description)
            XCTAssertEqual(info.column, 5, plan.description)
        }
        let refusal = DowngradeGuard.refusals([PlannedChange(file: "a\nb.yaml", line: 4, kind: .kustomize, image: "app",
                                                             old: "app:1.2.0", new: "app:1.1.0")])
        let noColumn = RunReport.ErrorInfo(message: "", problems: Problem.list(SetJobError(refusal)))
        XCTAssertEqual(noColumn.file, "a\nb.yaml"); XCTAssertEqual(noColumn.line, 4); XCTAssertNil(noColumn.column)
        // text that looks like a place is not one: only the fields count
        struct Prose: Error, CustomStringConvertible { var description: String }
        for text in ["could not push to https://h:443/x: no", "a.yaml:3:4: looks placed"] {
            let prose = RunReport.ErrorInfo(message: text, problems: Problem.list(Prose(description: text)))
            XCTAssertNil(prose.file, text); XCTAssertNil(prose.line, text)
        }
        let noLine = RunReport.ErrorInfo(message: "", problems: Problem.list(FileIOError(path: "a\nb.yaml", message: "file is 2 MiB")))
        XCTAssertNil(noLine.file); XCTAssertNil(noLine.line)
    }
}
