import Foundation
import XCTest
@testable import ImagebumpKit

final class ConfigFileTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("envcfg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/apps/dev", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/.git", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

    func write(_ path: String, _ text: String) throws {
        try text.write(toFile: root + "/" + path, atomically: true, encoding: .utf8)
    }

    func testLocatesEitherNameAtTheRootAndRefusesBoth() throws {
        XCTAssertNil(try ConfigFile.locate(root: root, explicit: nil, workingDirectory: "/"))
        try write(".imagebump.yaml", "environments: {dev: {files: [apps/dev]}}\n")
        XCTAssertEqual(try ConfigFile.locate(root: root, explicit: nil, workingDirectory: "/"), root + "/.imagebump.yaml")
        try write("imagebump.yaml", "environments: {dev: {files: [apps/dev]}}\n")
        XCTAssertThrowsError(try ConfigFile.locate(root: root, explicit: nil, workingDirectory: "/")) { e in
            XCTAssertTrue("\(e)".contains("both imagebump.yaml and .imagebump.yaml exist"), "\(e)")
        }
        // --config wins, relative to the given working directory
        try write("apps/other.yaml", "environments: {dev: {files: [apps/dev]}}\n")
        XCTAssertEqual(try ConfigFile.locate(root: root, explicit: "other.yaml", workingDirectory: root + "/apps"), root + "/apps/other.yaml")
        XCTAssertThrowsError(try ConfigFile.locate(root: root, explicit: "missing.yaml", workingDirectory: root)) { e in
            XCTAssertEqual("\(e)", "--config missing.yaml: no such file")
        }
    }

    func testAConfigFileLinkedFromOutsideTheRepositoryIsNotRead() throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("envcfg-outside-\(UUID().uuidString).yaml").path
        try "environments: {dev: {files: [apps/dev]}}\n".write(toFile: outside, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try FileManager.default.createSymbolicLink(atPath: root + "/imagebump.yaml", withDestinationPath: outside)
        XCTAssertThrowsError(try ConfigFile.locate(root: root, explicit: nil, workingDirectory: "/")) { e in
            XCTAssertTrue("\(e)".hasPrefix("imagebump.yaml leads outside the repository (to "), "\(e)")
        }
        // a link that stays inside the repository is followed
        try FileManager.default.removeItem(atPath: root + "/imagebump.yaml")
        try write("apps/config.yaml", "environments: {dev: {files: [apps/dev]}}\n")
        try FileManager.default.createSymbolicLink(atPath: root + "/imagebump.yaml", withDestinationPath: "apps/config.yaml")
        XCTAssertEqual(try ConfigFile.locate(root: root, explicit: nil, workingDirectory: "/"), root + "/imagebump.yaml")
    }

    func testLoadChecksThatFilesExistInsideTheRepository() throws {
        try write("imagebump.yaml", "environments:\n  dev: {files: [apps/dev]}\n")
        let c = try ConfigFile.load(path: root + "/imagebump.yaml", display: "imagebump.yaml", root: root)
        XCTAssertEqual(c["dev"]?.files, ["apps/dev"])

        try write("imagebump.yaml", "environments:\n  dev: {files: [apps/dev, apps/missing]}\n")
        XCTAssertThrowsError(try ConfigFile.load(path: root + "/imagebump.yaml", display: "imagebump.yaml", root: root)) { e in
            XCTAssertEqual("\(e)", "imagebump.yaml:2:27: apps/missing (environment dev) does not exist in the repository")
        }

        // a symlink inside the repository that leads out of it
        try FileManager.default.createSymbolicLink(atPath: root + "/apps/escape", withDestinationPath: "/tmp")
        try write("imagebump.yaml", "environments:\n  dev:\n    files:\n      - apps/escape\n")
        XCTAssertThrowsError(try ConfigFile.load(path: root + "/imagebump.yaml", display: "imagebump.yaml", root: root)) { e in
            XCTAssertTrue("\(e)".hasPrefix("imagebump.yaml:4:9: apps/escape (environment dev) leads outside the repository"), "\(e)")
        }
    }

    func testRepositoryRootIsTheNearestDirectoryWithGit() {
        XCTAssertEqual(ConfigFile.repositoryRoot(from: root + "/apps/dev"), root)
        XCTAssertEqual(ConfigFile.repositoryRoot(from: root), root)
    }
}
