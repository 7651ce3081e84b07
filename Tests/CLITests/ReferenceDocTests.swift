import Foundation
import XCTest

/// docs/reference.md is what `scripts/gen_reference.py` makes of the built binary's command tree: an option, default
/// or help text changed in the code and not regenerated fails here.
final class ReferenceDocTests: XCTestCase {
    func generator(_ args: [String]) throws -> CLIResult {
        let script = Fixtures.repoRoot.appendingPathComponent("scripts/gen_reference.py").path
        return try CLI.runProgram("/usr/bin/env", ["python3", script, "--imagebump", CLI.binary.path] + args, in: Fixtures.repoRoot)
    }

    func testReferencePageIsTheCommandTree() throws {
        let r = try generator(["--check"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// The check is not vacuous: a page with one option's help changed is reported.
    func testCheckFailsWhenThePageDiffers() throws {
        let page = Fixtures.repoRoot.appendingPathComponent("docs/reference.md")
        let text = try String(contentsOf: page, encoding: .utf8)
        XCTAssertTrue(text.contains("- `--allow-missing` — "), "the page lists --allow-missing")
        let stale = try Fixtures.scratch().appendingPathComponent("reference.md")
        try Fixtures.write(text.replacingOccurrences(of: "- `--allow-missing` — ", with: "- `--allow-missing` (default: `true`) — "), to: stale)
        let r = try generator(["--check", "--page", stale.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("differs from the command tree"), r.stderr)
    }

    /// A repeatable option is said to be once per entry: by its help (which `--help` shows), never again by the page.
    func testRepeatableIsSaidOncePerOption() throws {
        let text = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("docs/reference.md"), encoding: .utf8)
        for line in text.split(separator: "\n") where line.hasPrefix("- `") {
            XCTAssertLessThanOrEqual(line.lowercased().ranges(of: "repeatable").count, 1, String(line))
        }
        XCTAssertTrue(text.contains("- `--exclude <glob>` — "), "the page lists --exclude")
    }

    /// The generator refuses a repeatable option whose help does not say so (the page would not, either).
    func testGeneratorRefusesARepeatableOptionWhoseHelpDoesNotSaySo() throws {
        let dump = try CLI.runProgram(CLI.binary.path, ["--experimental-dump-help"], in: Fixtures.repoRoot)
        XCTAssertEqual(dump.status, 0, dump.stderr)
        XCTAssertTrue(dump.stdout.contains("Label to set (repeatable)."))
        let tree = try Fixtures.scratch().appendingPathComponent("tree.json")
        try Fixtures.write(dump.stdout.replacingOccurrences(of: "Label to set (repeatable).", with: "Label to set."), to: tree)
        let r = try generator(["--check", "--tree", tree.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("imagebump set --label <label>: a repeatable option's help must say \"repeatable\""), r.stderr)
    }
}
