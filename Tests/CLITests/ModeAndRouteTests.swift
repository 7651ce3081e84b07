import XCTest
@testable import ImagebumpCLI
import ImagebumpKit

/// `set` and `promote` derive their route from one mode function over the option groups they share.
final class ModeAndRouteTests: XCTestCase {
    func mode(_ argv: [String]) throws -> RunMode {
        let command = try Entry.parse(argv)
        return try XCTUnwrap(command as? SetCommand, "\(argv)").mode
    }

    func testModeDecidesTheRouteForSetAndPromoteAlike() throws {
        let cases: [([String], RunMode, Route)] = [
            ([], .write, .local),
            (["--dry-run"], .dryRun, .local),
            (["--check"], .check, .local),
            (["--commit"], .commit, .git),
            (["--push"], .push, .git),
            (["--merge-request"], .mergeRequest, .git),
            (["--repo", "/tmp/x"], .commit, .git),            // a local checkout named with --repo is committed to
            (["--repo", "file:///tmp/x", "--dry-run"], .dryRun, .git), // a preview in a clone still needs git
            (["--source-repo", "/tmp/app"], .write, .git),     // the stale-run check reads the application's history
        ]
        for (flags, expectedMode, expectedRoute) in cases {
            XCTAssertEqual(try mode(["set"] + flags + ["a:1"]), expectedMode, "\(flags)")
            XCTAssertEqual(Entry.route(["set"] + flags + ["a:1"]), expectedRoute, "set \(flags)")
            // promote has no mode of its own before its environment is read, but routes by the same flags
            XCTAssertEqual(Entry.route(["promote", "staging", "production"] + flags), expectedRoute, "promote \(flags)")
        }
    }
}
