import Foundation
import XCTest
@testable import ImagebumpCLI
import ImagebumpKit

/// GitLab refuses a dotenv report over 5 KiB or over its variable limit (20 by default), and the job's artifact
/// upload then fails: a run of several environments stays within both, and says what it left out (#18).
final class DotenvLimitTests: XCTestCase {
    let app = SampleApp.image

    /// Ten environments gave 77 variables (7 for the run, 7 for each), every run of three went over 20.
    func testManyEnvironmentsStayWithinGitLabsLimitsAndNameWhatWasLeftOut() throws {
        let repo = try Fixtures.scratch()
        try Git.run(["init", "-q", repo.path])
        let names = (0..<10).map { "env\($0)" }
        try Fixtures.write("environments:\n" + names.map { "  \($0): {files: [envs/\($0)]}\n" }.joined(), to: repo.appendingPathComponent("imagebump.yaml"))
        for n in names { try Fixtures.write(SampleApp.overlay("1.0.0"), to: repo.appendingPathComponent("envs/\(n)/kustomization.yaml")) }
        let r = try CLI.run(["set", "--env", names.joined(separator: ","), "--dotenv", "out.env", "\(app):2.0"], in: repo)
        XCTAssertEqual(r.status, 0, r.stderr)
        let env = try GitLabDotenv.parse(try String(contentsOf: repo.appendingPathComponent("out.env"), encoding: .utf8))
        let values = Dictionary(env, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(values["IMAGEBUMP_CHANGED"], "true")
        XCTAssertEqual(values["IMAGEBUMP_STATUS"], "ok")
        XCTAssertNil(values["IMAGEBUMP_COMMIT"], "an empty value is left out in a run of several environments")
        XCTAssertEqual(values["IMAGEBUMP_DOTENV_OMITTED"], "env8,env9")
        for n in names.prefix(8) { XCTAssertEqual(values["IMAGEBUMP_\(n.uppercased())_CHANGED"], "true", n) }
        XCTAssertFalse(env.contains { $0.key.hasPrefix("IMAGEBUMP_ENV8_") || $0.key.hasPrefix("IMAGEBUMP_ENV9_") }, "\(env)")
        XCTAssertTrue(r.stderr.contains("imagebump: warning: the dotenv report leaves out the values of env8, env9 (named in IMAGEBUMP_DOTENV_OMITTED): GitLab takes at most 20 variables and 5120 bytes"), r.stderr)
        for n in names { XCTAssertTrue(try String(contentsOf: repo.appendingPathComponent("envs/\(n)/kustomization.yaml"), encoding: .utf8).contains("2.0"), n) }
    }

    /// Long errors and branch names: the errors are cut shorter (ending in …) before any environment is left out,
    /// and the report stays under 5 KiB; on the old code two 2 KiB copies of one error and long branches passed it.
    func testLongValuesAreCutToFitBeforeAnEnvironmentIsLeftOut() throws {
        func entry(_ name: String, branch: String, error: String? = nil) -> RunReport {
            var e = RunReport(mode: .push, changed: true)
            e.environment = name; e.branch = branch; e.commit = String(repeating: "c", count: 40); e.pushed = true
            if let error { e = e.failed(message: error, problems: []) }
            return e
        }
        let longError = "push refused: " + String(repeating: "remote: GitLab: You are not allowed to push code $CI_JOB_TOKEN\n", count: 60)
        let r = RunReport(mode: .push, entries: [entry("dev", branch: "imagebump/" + String(repeating: "d", count: 380)),
                                                   entry("staging", branch: "imagebump/" + String(repeating: "s", count: 380)),
                                                   entry("production", branch: "main", error: longError)])
        let report = PlatformOutputs.dotenvReport(r)
        XCTAssertEqual(report.omitted, [])
        XCTAssertLessThanOrEqual(report.text.utf8.count, 5120)
        let env = Dictionary(try GitLabDotenv.parse(report.text), uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(env["IMAGEBUMP_STATUS"], "failed")
        XCTAssertEqual(env["IMAGEBUMP_PRODUCTION_STATUS"], "failed")
        XCTAssertEqual(env["IMAGEBUMP_DEV_BRANCH"]?.count, 390)
        for k in ["IMAGEBUMP_ERROR", "IMAGEBUMP_PRODUCTION_ERROR"] {
            let v = try XCTUnwrap(env[k], k)
            XCTAssertTrue(v.hasPrefix("push refused: remote: GitLab: You are not allowed to push code \\044CI_JOB_TOKEN\\n"), v)
            XCTAssertTrue(v.hasSuffix("…"), v)
            XCTAssertFalse(GitLabDotenv.references(in: v))
        }
    }
}
