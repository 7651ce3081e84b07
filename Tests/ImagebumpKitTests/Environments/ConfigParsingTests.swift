import XCTest
@testable import ImagebumpKit

final class ConfigParsingTests: XCTestCase {
    func parse(_ text: String) throws -> EnvironmentsConfig {
        try EnvironmentsConfig(parsing: Array(text.utf8), file: "imagebump.yaml")
    }

    /// The error's text for `text`, which must fail.
    func failure(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try parse(text)
            XCTFail("parsed without error", file: file, line: line)
            return ""
        } catch { return "\(error)" }
    }

    func testIssueExampleParses() throws {
        let c = try parse("""
        environments:
          dev:        {files: [apps/sample-app/overlays/dev]}
          staging:    {files: [apps/sample-app/overlays/staging]}
          production:
            files: [apps/sample-app/overlays/production]
            mode: merge-request          # push (default) | merge-request
            labels: [deploy, production]
            reviewers: [platform-team]
            branch: prod
        promotion: [dev, staging, production]
        """)
        XCTAssertEqual(c.environments.map(\.name), ["dev", "staging", "production"])
        XCTAssertEqual(c.promotion, ["dev", "staging", "production"])
        XCTAssertEqual(c["dev"]?.files, ["apps/sample-app/overlays/dev"])
        XCTAssertEqual(c["dev"]?.mode, .push)
        XCTAssertNil(c["dev"]?.branch)
        let p = try XCTUnwrap(c["production"])
        XCTAssertEqual(p.mode, .mergeRequest)
        XCTAssertEqual(p.labels, ["deploy", "production"])
        XCTAssertEqual(p.reviewers, ["platform-team"])
        XCTAssertEqual(p.branch, "prod")
        XCTAssertEqual(p.fileSites, [Environment.Site(line: 5, column: 13)])
    }

    func testPathsAreNormalisedAndASingleStringIsAList() throws {
        let c = try parse("environments:\n  dev:\n    files: ./apps/x/../dev//\n")
        XCTAssertEqual(c["dev"]?.files, ["apps/dev"])
        XCTAssertEqual(c.promotion, [])
    }

    func testUnknownTopLevelKeyNamesLineAndColumn() {
        XCTAssertEqual(failure("environments:\n  dev: {files: [a]}\npromote: [dev]\n"),
                       "imagebump.yaml:3:1: unknown key promote (expected one of environments, promotion, apps)")
    }

    func testUnknownEnvironmentKey() {
        XCTAssertEqual(failure("environments:\n  dev:\n    files: [a]\n    reviewer: [x]\n"),
                       "imagebump.yaml:4:5: unknown key reviewer in environment dev (expected one of files, mode, branch, labels, reviewers, assignees, requireDigest, allowedRegistries, update)")
    }

    func testImagePolicyKeys() throws {
        let config = try parse("environments:\n  prod:\n    files: [a]\n    requireDigest: true\n    allowedRegistries: [Registry.Example.com:5000, index.docker.io]\n  dev: {files: [b]}\n")
        XCTAssertEqual(config.environments.map(\.images), [.init(requireDigest: true, allowedRegistries: ["registry.example.com:5000", "docker.io"]), .init()])
        XCTAssertEqual(failure("environments:\n  prod:\n    files: [a]\n    requireDigest: maybe\n"),
                       "imagebump.yaml:4:20: requireDigest of prod must be true or false")
        XCTAssertEqual(failure("environments:\n  prod:\n    files: [a]\n    allowedRegistries: [registry.example.com, https://x.example]\n"),
                       "imagebump.yaml:4:47: allowedRegistries of prod: https://x.example is not a registry host (host[:port], e.g. registry.example.com or docker.io)")
    }

    func testUnknownEnvironmentInPromotion() {
        XCTAssertEqual(failure("environments:\n  dev: {files: [a]}\n  prod: {files: [b]}\npromotion: [dev, staging, prod]\n"),
                       "imagebump.yaml:4:18: unknown environment staging in promotion: (environments: dev, prod)")
    }

    func testEnvironmentWithoutFiles() {
        XCTAssertEqual(failure("environments:\n  dev: {files: [a]}\n  staging: {mode: push}\n"),
                       "imagebump.yaml:3:3: environment staging has no files (give files: [path, …])")
        XCTAssertEqual(failure("environments:\n  dev:\n    files: []\n"),
                       "imagebump.yaml:2:3: environment dev has no files (give files: [path, …])")
    }

    func testFilesOutsideTheRepository() {
        XCTAssertEqual(failure("environments:\n  dev:\n    files:\n      - apps/dev\n      - apps/../../elsewhere\n"),
                       "imagebump.yaml:5:9: apps/../../elsewhere is outside the repository")
        XCTAssertEqual(failure("environments:\n  dev: {files: [/etc]}\n"),
                       "imagebump.yaml:2:17: /etc is absolute; files are relative to the repository root")
    }

    func testBadModeDuplicateKeysAndShapes() {
        XCTAssertEqual(failure("environments:\n  dev: {files: [a], mode: pull}\n"),
                       "imagebump.yaml:2:27: unknown mode pull (expected push or merge-request)")
        XCTAssertEqual(failure("environments:\n  dev: {files: [a]}\n  dev: {files: [b]}\n"),
                       "imagebump.yaml:3:3: duplicate key dev")
        XCTAssertEqual(failure("environments: [dev]\n"), "imagebump.yaml:1:15: environments: must be a mapping")
        XCTAssertEqual(failure("environments:\n  dev: {files: [a]}\npromotion: [dev, dev]\n"),
                       "imagebump.yaml:3:18: dev appears twice in promotion:")
        XCTAssertEqual(failure("environments:\n  dev: {files: [a, {x: 1}]}\n"),
                       "imagebump.yaml:2:20: each entry of files of dev must be a non-empty string")
        XCTAssertEqual(failure("environments:\n  d/v: {files: [a]}\n"),
                       "imagebump.yaml:2:3: environment name d/v may only contain letters, digits, '.', '_' and '-'")
        XCTAssertEqual(failure("promotion: []\n"), "imagebump.yaml:1:1: missing environments:")
        XCTAssertEqual(failure(""), "imagebump.yaml:1:1: the file is empty; it needs environments:")
    }

    /// The dotenv report names an environment's values IMAGEBUMP_<NAME>_*, its name upper-cased with every character
    /// but a letter or digit made `_`: two names that give one key would overwrite each other's values (#18).
    func testEnvironmentNamesThatShareAReportKeyAreRefusedAtTheSecond() throws {
        XCTAssertEqual(failure("environments:\n  a-b: {files: [a]}\n  a.b: {files: [b]}\n"),
                       "imagebump.yaml:3:3: environment a.b and a-b (line 2) would share the report keys IMAGEBUMP_A_B_*; rename one")
        XCTAssertEqual(failure("environments:\n  dev: {files: [a]}\n  staging: {files: [b]}\n  Dev: {files: [c]}\n"),
                       "imagebump.yaml:4:3: environment Dev and dev (line 2) would share the report keys IMAGEBUMP_DEV_*; rename one")
        XCTAssertEqual(failure("environments:\n  eu_1: {files: [a]}\n  eu-1: {files: [b]}\n"),
                       "imagebump.yaml:3:3: environment eu-1 and eu_1 (line 2) would share the report keys IMAGEBUMP_EU_1_*; rename one")
        XCTAssertEqual(try parse("environments:\n  eu-1: {files: [a]}\n  eu-2: {files: [b]}\n  eu1: {files: [c]}\n").environments.map(\.name),
                       ["eu-1", "eu-2", "eu1"])
    }

    /// The key is ASCII only: a letter outside ASCII is `_`, as every other character (Swift's isLetter would keep
    /// `é` and upper-case `ß` to `SS`, a key GitLab refuses or another name's key).
    func testReportKeyIsASCII() {
        XCTAssertEqual(Environment.reportKey("prod-é.1"), "PROD___1")
        XCTAssertEqual(Environment.reportKey("straße"), "STRA_E")
        XCTAssertEqual(Environment.reportKey("Dev_9"), "DEV_9")
        XCTAssertEqual(Environment.reportKey("ǅ٣"), "__")
    }

    func testYAMLSyntaxErrorKeepsItsPosition() {
        // the brace left open, not the end of the file it was found at
        XCTAssertEqual(failure("environments:\n  dev: {files: [a]\n"),
                       "imagebump.yaml:2:8: did not find expected ',' or '}' (at line 3, column 1, the end of the file) while parsing a flow mapping that starts here")
    }

    func testPromotionOrder() throws {
        let c = try parse("environments:\n  dev: {files: [a]}\n  staging: {files: [b]}\n  production: {files: [c]}\npromotion: [dev, staging, production]\n")
        XCTAssertNoThrow(try c.checkOrder(from: "dev", to: "staging", skipOrder: false))
        XCTAssertNoThrow(try c.checkOrder(from: "staging", to: "production", skipOrder: false))
        XCTAssertThrowsError(try c.checkOrder(from: "dev", to: "production", skipOrder: false)) { e in
            XCTAssertEqual("\(e)", "promoting dev → production skips staging in the promotion order dev → staging → production of imagebump.yaml (use --skip-order to promote anyway)")
        }
        XCTAssertThrowsError(try c.checkOrder(from: "production", to: "staging", skipOrder: false)) { e in
            XCTAssertTrue("\(e)".contains("goes backwards"), "\(e)")
        }
        XCTAssertNoThrow(try c.checkOrder(from: "dev", to: "production", skipOrder: true))
        XCTAssertThrowsError(try c.checkOrder(from: "dev", to: "qa", skipOrder: true)) { e in
            XCTAssertEqual("\(e)", "no environment qa in imagebump.yaml (it has: dev, staging, production)")
        }
    }
}
