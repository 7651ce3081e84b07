import XCTest
import Foundation
import ImageRules
@testable import ImagebumpKit

final class NoMatchSuggestionTests: XCTestCase {
    func testNoMatchSuggestsTheClosestImageNameFoundInTheSearchedFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ib-suggest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "images:\n- name: registry.example.com/team/sample-app\n  newTag: \"1.19\"\n"
            .write(to: dir.appendingPathComponent("kustomization.yaml"), atomically: true, encoding: .utf8)
        let request = SetRequest(specs: [try ImageSpec(parsing: "sample-app:1.20")], root: dir.path, paths: [])
        XCTAssertThrowsError(try SetJob.plan(request, retention: .summary)) { e in
            XCTAssertTrue("\(e)".contains("no match for sample-app"), "\(e)")
            XCTAssertTrue("\(e)".hasSuffix("; did you mean registry.example.com/team/sample-app?"), "\(e)")
        }
    }
}
