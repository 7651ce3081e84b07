import Foundation
import XCTest
@testable import ImagebumpKit

/// What `-f` finds (issue 9 item 3, --exclude, the environment warning) and the messages of issue 8 item 5 and
/// issue 12 item 11 that SetJob gives.
final class DiscoveryMessageTests: XCTestCase {
    var repo: Scratch!
    override func setUpWithError() throws { repo = try Scratch() }
    override func tearDown() { repo.remove() }

    func testHiddenFilesAreFoundHiddenDirectoriesAreNot() throws {
        try repo.write("image: app:1\n", "argocd/.argocd-source-app.yaml")
        try repo.write("image: app:1\n", "argocd/.git/config.yaml")
        try repo.write("image: app:1\n", "argocd/.github/workflow.yaml")
        let plan = try SetJob.plan(request(["app:2"], root: repo.path, ["argocd"]))
        XCTAssertEqual(plan.writtenPaths, ["argocd/.argocd-source-app.yaml"])
        XCTAssertEqual(plan.searchedFiles, 1)
    }

    func testExcludeGlobSkipsMatchingFilesAndDirectories() throws {
        for env in ["dev", "staging", "production"] { try repo.write("image: app:1\n", "apps/overlays/\(env)/deploy.yaml") }
        try repo.write("image: app:1\n", "apps/gen/x.generated.yaml")
        let plan = try SetJob.plan(request(["app:2"], root: repo.path, ["apps"],
                                           excludes: ["apps/overlays/production", "*.generated.yaml", "stag*"]))
        XCTAssertEqual(plan.writtenPaths, ["apps/overlays/dev/deploy.yaml"])
        let star = try SetJob.plan(request(["app:2"], root: repo.path, excludes: ["*/production/*"]))
        XCTAssertFalse(star.writtenPaths.contains("apps/overlays/production/deploy.yaml"), "* matches / too")
        XCTAssertEqual(star.writtenPaths.count, 3)
    }

    func testMatchesInSeveralEnvironmentsWithoutFileWarnNamingThem() throws {
        for env in ["dev", "production"] { try repo.write("image: app:1\n", "apps/app/overlays/\(env)/deploy.yaml") }
        try repo.write("image: app:1\n", "apps/app/base/deploy.yaml")
        let whole = try SetJob.plan(request(["app:2"], root: repo.path))
        XCTAssertEqual(whole.notes.count, 1, "\(whole.notes)")
        XCTAssertTrue(whole.notes[0].contains("apps/app/overlays/dev, apps/app/overlays/production"), whole.notes[0])
        let named = try SetJob.plan(request(["app:2"], root: repo.path, ["apps"]))
        XCTAssertEqual(named.notes, [], "files were named with -f")
        let one = try SetJob.plan(request(["app:2"], root: repo.path, excludes: ["production"]))
        XCTAssertEqual(one.notes, [], "one environment")
    }

    func testEmptyDirectorySaysNoYAMLFilesUnderIt() throws {
        try FileManager.default.createDirectory(atPath: repo.path + "/empty", withIntermediateDirectories: true)
        try repo.write("not yaml\n", "empty/readme.txt")
        XCTAssertEqual(planErrors(try request(["app:2"], root: repo.path, ["empty"])), ["no YAML files under empty"])
    }

    func testNamedNonYAMLFileIsRefusedNotCounted() throws {
        try repo.write("image: app:1\n", "readme.txt")
        let errors = planErrors(try request(["app:2"], root: repo.path, ["readme.txt"]))
        XCTAssertEqual(errors, ["readme.txt: not a YAML file (expected *.yaml, *.yml or Kustomization)"])
    }

    func testNoNoMatchLineAfterAParseError() throws {
        try repo.write("image: app:1\n  bad: [\n", "a.yaml")
        let errors = planErrors(try request(["app:2", "other:3"], root: repo.path))
        XCTAssertEqual(errors.count, 1, "\(errors)")
        XCTAssertFalse(errors.joined().contains("no match"), "\(errors)")
        try repo.write("image: app:1\n", "a.yaml")
        let both = planErrors(try request(["other:3", "more:4"], root: repo.path))
        XCTAssertEqual(both.count, 2, "without a file error, every unmatched spec is named: \(both)")
    }

    func testAddWithADirectoryAsksForTheKustomizationFile() throws {
        try repo.write("resources: [a.yaml]\n", "k/kustomization.yaml")
        let errors = planErrors(try request(["app:2"], root: repo.path, ["k"], add: true))
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors[0].hasPrefix("--add needs the kustomization file named with -f"), errors[0])
        XCTAssertEqual(try SetJob.plan(request(["app:2"], root: repo.path, ["k/kustomization.yaml"], add: true)).writtenPaths,
                       ["k/kustomization.yaml"])
    }

    func utf16(_ s: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
        var out: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for u in s.utf16 { out += bigEndian ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)] }
        return out
    }

    func testUTF16AndUTF32FilesFailWithUnsupportedEncodingNamingTheFile() throws {
        try repo.writeBytes(utf16("image: app:1\n", bigEndian: false, bom: true), "le.yaml")
        XCTAssertEqual(planErrors(try request(["app:2"], root: repo.path, ["le.yaml"])), ["le.yaml: unsupported encoding (UTF-16), convert to UTF-8"])
        try repo.writeBytes(utf16("image: app:1\n", bigEndian: true, bom: false), "be.yaml")
        XCTAssertEqual(planErrors(try request(["app:2"], root: repo.path, ["be.yaml"])), ["be.yaml: unsupported encoding (UTF-16), convert to UTF-8"])
        var utf32: [UInt8] = [0xFF, 0xFE, 0, 0]
        for u in "image: app:1\n".unicodeScalars { utf32 += [UInt8(u.value), 0, 0, 0] }
        try repo.writeBytes(utf32, "w.yaml")
        XCTAssertEqual(planErrors(try request(["app:2"], root: repo.path, ["w.yaml"])), ["w.yaml: unsupported encoding (UTF-32), convert to UTF-8"])
        // found while walking: an error only when it mentions the image (otherwise it is not ours)
        let all = planErrors(try request(["app:2"], root: repo.path))
        XCTAssertEqual(all.count, 3, "\(all)")
        XCTAssertTrue(all.allSatisfy { $0.contains("unsupported encoding") } && !all.joined().contains("no match"), "\(all)")
        try repo.write("image: app:1\n", "ok.yaml")
        XCTAssertEqual(try SetJob.plan(request(["app:2"], root: repo.path, ["ok.yaml"])).writtenPaths, ["ok.yaml"])
    }

    func testUTF16FileNotMentioningTheImageIsSkippedWhenFound() throws {
        try repo.writeBytes(utf16("name: unrelated\n", bigEndian: false, bom: true), "other.yaml")
        try repo.write("image: app:1\n", "ok.yaml")
        XCTAssertEqual(try SetJob.plan(request(["app:2"], root: repo.path)).writtenPaths, ["ok.yaml"])
    }

    func testOversizedFoundFileIsSkippedWithAWarningUnlessNamed() throws {
        try repo.write("image: app:1\n", "ok.yaml")
        try repo.write("image: app:1\n" + String(repeating: "# padding\n", count: 120_000), "big.yaml") // > 1 MiB
        let plan = try SetJob.plan(request(["app:2"], root: repo.path, maxFileSize: 1 << 20))
        XCTAssertEqual(plan.writtenPaths, ["ok.yaml"])
        XCTAssertEqual(plan.searchedFiles, 1)
        XCTAssertEqual(plan.notes.count, 1)
        XCTAssertTrue(plan.notes[0].hasPrefix("big.yaml: file is 1 MiB, over the 1 MiB limit (--max-file-size); skipped"), plan.notes[0])
        let named = planErrors(try request(["app:2"], root: repo.path, ["big.yaml"], maxFileSize: 1 << 20))
        XCTAssertEqual(named, ["big.yaml: file is 1 MiB, over the 1 MiB limit (--max-file-size)"])
    }

    func testStagedTempFilesAreNeverDiscovered() throws {
        // what a SIGKILLed run leaves: a temp file beside its target, holding the image too
        try repo.write("image: app:1\n", "apps/app.yaml")
        try repo.write("image: app:1\n", "apps/.app.yaml\(FileIO.tempMarker)Ab12Cd")
        try repo.write("image: app:1\n", "apps/.app.yaml\(FileIO.tempMarker)Ab12Cd.orig")
        let plan = try SetJob.plan(request(["app:2"], root: repo.path), retention: .stage)
        XCTAssertEqual(plan.searchedFiles, 1)
        XCTAssertEqual(plan.writtenPaths, ["apps/app.yaml"])
        try SetJob.write(plan)
        XCTAssertEqual(try repo.read("apps/.app.yaml\(FileIO.tempMarker)Ab12Cd"), "image: app:1\n", "not edited")
    }
}
