import Foundation
import XCTest
@testable import ImagebumpKit

/// Issue 12 item 1: every path, named or found, followed through any number of links, is resolved and confined to
/// the root before anything is read or written.
final class RootConfinementTests: XCTestCase {
    var outside: Scratch!
    var repo: Scratch!

    override func setUpWithError() throws {
        outside = try Scratch()
        repo = try Scratch()
        try outside.write("image: app:1\n", "values.yaml")
        try repo.write("image: app:1\n", "apps/ok.yaml")
    }

    override func tearDown() { outside.remove(); repo.remove() }

    func assertRefusedAndNothingWritten(_ r: SetRequest, naming name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try repo.snapshot()
        let errors = planErrors(r)
        XCTAssertEqual(errors.count, 1, "\(errors)", file: file, line: line)
        XCTAssertTrue(errors.first?.hasPrefix(name + ": ") == true, "names \(name): \(errors)", file: file, line: line)
        XCTAssertFalse(errors.joined().contains(repo.path), "no absolute root path in \(errors)", file: file, line: line)
        XCTAssertEqual(try outside.read("values.yaml"), "image: app:1\n", file: file, line: line)
        XCTAssertEqual(try repo.snapshot(), before, file: file, line: line)
    }

    func testAbsoluteFileLinkLeavingTheRootIsRefusedWithItsName() throws {
        try repo.link("apps/abs.yaml", to: outside.path + "/values.yaml")
        try assertRefusedAndNothingWritten(request(["app:2"], root: repo.path), naming: "apps/abs.yaml")
        try assertRefusedAndNothingWritten(request(["app:2"], root: repo.path, ["apps/abs.yaml"]), naming: "apps/abs.yaml")
        XCTAssertTrue(planErrors(try request(["app:2"], root: repo.path)).first!.contains("leads outside"))
    }

    func testDotDotLinkLeavingTheRootIsRefused() throws {
        let rel = "../../" + outside.url.lastPathComponent + "/values.yaml"
        try repo.link("apps/up.yaml", to: rel)
        try assertRefusedAndNothingWritten(request(["app:2"], root: repo.path, ["apps"]), naming: "apps/up.yaml")
    }

    func testDirectoryLinkLeavingTheRootIsRefused() throws {
        try repo.link("apps/shared", to: outside.path)
        try assertRefusedAndNothingWritten(request(["app:2"], root: repo.path), naming: "apps/shared")
        // named through the directory link: resolved before reading, refused with the name given
        try assertRefusedAndNothingWritten(request(["app:2"], root: repo.path, ["apps/shared/values.yaml"]), naming: "apps/shared/values.yaml")
    }

    func testChainOfLinksIsFollowedToTheEnd() throws {
        // inside → inside → outside: the last hop decides
        try repo.link("apps/b.yaml", to: outside.path + "/values.yaml")
        try repo.link("apps/a.yaml", to: "b.yaml")
        try assertRefusedAndNothingWritten(request(["app:2"], root: repo.path, ["apps/a.yaml"]), naming: "apps/a.yaml")
    }

    func testAbsoluteAndDotDotNamedPathsOutsideTheRootAreRefusedBeforeAnyRead() throws {
        try assertRefusedAndNothingWritten(request(["app:2"], root: repo.path, [outside.path + "/values.yaml"]),
                                           naming: outside.path + "/values.yaml")
        try assertRefusedAndNothingWritten(request(["app:2"], root: repo.path, ["../" + outside.url.lastPathComponent + "/values.yaml"]),
                                           naming: "../" + outside.url.lastPathComponent + "/values.yaml")
        // a missing file outside is refused as outside, before the file system is asked about it
        XCTAssertTrue(planErrors(try request(["app:2"], root: repo.path, ["../nope.yaml"])).first!.contains("is outside"))
    }

    func testAbsoluteNamedPathInsideTheRootIsAccepted() throws {
        let plan = try SetJob.plan(request(["app:2"], root: repo.path, [repo.path + "/apps/ok.yaml"]))
        XCTAssertEqual(plan.writtenPaths, ["apps/ok.yaml"])
    }

    func testLinkInsideTheRootIsEditedAtItsTargetAndReportedByItsRealPath() throws {
        try repo.write("image: app:1\n", "base/app.yaml")
        try repo.link("apps/app.yaml", to: "../base/app.yaml")
        try repo.link("apps/dir", to: "../base") // a directory link inside the root is walked too
        let plan = try SetJob.plan(request(["app:2"], root: repo.path, ["apps"]), retention: .stage)
        XCTAssertEqual(plan.writtenPaths, ["base/app.yaml", "apps/ok.yaml"], "discovery order: apps/app.yaml, apps/ok.yaml")
        XCTAssertEqual(Set(plan.changes.map(\.file)), ["apps/ok.yaml", "base/app.yaml"])
        XCTAssertEqual(plan.searchedFiles, 2, "one real file behind two links is one file")
        try SetJob.write(plan)
        XCTAssertEqual(try repo.read("base/app.yaml"), "image: app:2\n")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: repo.path + "/apps/app.yaml"), "../base/app.yaml", "the link stays a link")
    }

    func testLinkCycleInsideTheRootEnds() throws {
        try repo.link("apps/loop", to: "..")
        let plan = try SetJob.plan(request(["app:2"], root: repo.path))
        XCTAssertEqual(plan.writtenPaths, ["apps/ok.yaml"])
    }

    func testDanglingYAMLLinkIsNamedNotSilentlySkipped() throws {
        try repo.link("apps/gone.yaml", to: "../base/missing.yaml")
        let errors = planErrors(try request(["app:2"], root: repo.path))
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors[0].hasPrefix("apps/gone.yaml: is a link whose target ../base/missing.yaml is not on disk"), "\(errors)")
    }

    func testErrorsNameRootRelativePaths() throws {
        try repo.write("image: app:1\n  bad: [\n", "apps/broken.yaml")
        let errors = planErrors(try request(["app:2"], root: repo.path))
        XCTAssertEqual(errors.count, 1, "\(errors)")
        XCTAssertTrue(errors[0].hasPrefix("apps/broken.yaml:2:"), errors[0])
    }

    func testNamedPathsResolveAgainstTheRootNotTheWorkingDirectory() throws {
        XCTAssertNotEqual(FileManager.default.currentDirectoryPath, repo.path)
        let plan = try SetJob.plan(request(["app:2"], root: repo.path, ["apps/ok.yaml"]))
        XCTAssertEqual(plan.writtenPaths, ["apps/ok.yaml"])
    }
}
