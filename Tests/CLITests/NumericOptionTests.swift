import ArgumentParser
import Foundation
import XCTest
@testable import ImagebumpCLI

/// Every numeric option is range-checked when the command line is parsed (issue 16 item 11): out of range is a
/// usage error (64) before anything is cloned or pushed, never a crash after the push.
final class NumericOptionTests: XCTestCase {
    /// Walks the whole command tree: no option or argument is a bare number type; each numeric one is bounded.
    func numericOptions() throws -> [(command: String, option: String)] {
        var found: [(String, String)] = []
        let plain: Set = ["Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32", "UInt64",
                          "Double", "Float", "Float80", "Decimal"]
        for (name, command) in try CommandTree.commands() {
            for o in CommandTree.options(of: command) {
                let generics = o.type.split { "<>, ".contains($0) }.dropFirst().map(String.init)
                XCTAssertFalse(generics.contains { plain.contains($0) },
                               "\(name) \(o.name) is declared as \(o.type): use a BoundedInteger (Seconds, MiB, RetryCount or a new one) with @Option(bounded:)")
                if o.value is any BoundedInteger { found.append((name, o.name)) }
            }
        }
        return found
    }

    func testEveryNumericOptionIsBoundedAndRefusesValuesOutOfRangeAtParseTime() throws {
        let found = try numericOptions()
        XCTAssertTrue(found.contains { $0 == ("set", "--timeout") } && found.contains { $0 == ("get", "--timeout") }
                      && found.contains { $0 == ("set", "--retries") } && found.contains { $0 == ("promote", "--max-file-size") },
                      "the walk reaches the option groups: \(found)")
        let cwd = try Fixtures.scratch()
        for (command, option) in found {
            for bad in ["9223372036854775807", "99999999999999999999", "-1", "1e300", "12abc"] {
                let r = try CLI.run([command, "\(option)=\(bad)"] + CommandTree.minimalArguments[command]!, in: cwd)
                XCTAssertEqual(r.status, 64, "\(command) \(option) \(bad): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("must be a whole number from "), "\(command) \(option) \(bad): \(r.stderr)")
            }
        }
        let r = try CLI.run(["set", "--timeout", "86401", "app:1"], in: cwd)
        XCTAssertTrue(r.stderr.contains("'86401' is invalid for '--timeout <seconds>': must be a whole number from 1 to 86400"), r.stderr)
    }

    /// A timeout too large for the clocks below once crashed the run after its push: now nothing is even cloned.
    func testAHugeTimeoutStopsTheRunBeforeThePush() throws {
        let server = try GitDaemonRepo(files: ["k/kustomization.yaml": SampleApp.overlay("1.0")])
        defer { server.stop() }
        let head = try server.git(["rev-parse", "main"])
        let cwd = try Fixtures.scratch()
        let r = try CLI.run(["set", "--push", "--repo", server.url, "--timeout", "9223372036854775807", "--dotenv", "out.env",
                             "\(SampleApp.image):2.0"], in: cwd)
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertEqual(try server.git(["rev-parse", "main"]), head, "nothing pushed")
    }
}
