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
        XCTAssertTrue(text.contains("`--allow-missing` — "), "the page lists --allow-missing")
        let stale = try Fixtures.scratch().appendingPathComponent("reference.md")
        try Fixtures.write(text.replacingOccurrences(of: "`--allow-missing` — ", with: "`--allow-missing` (default: `true`) — "), to: stale)
        let r = try generator(["--check", "--page", stale.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("differs from the command tree"), r.stderr)
    }

    /// A repeatable option is said to be once per entry: by its help (which `--help` shows), never again by the page.
    func testRepeatableIsSaidOncePerOption() throws {
        let text = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("docs/reference.md"), encoding: .utf8)
        for line in text.split(separator: "\n") where line.hasPrefix("- ") {
            XCTAssertLessThanOrEqual(line.lowercased().ranges(of: "repeatable").count, 1, String(line))
        }
        XCTAssertTrue(text.contains("`--exclude <glob>` — "), "the page lists --exclude")
    }

    /// The generator refuses a repeatable option whose help does not say so (the page would not, either).
    func testGeneratorRefusesARepeatableOptionWhoseHelpDoesNotSaySo() throws {
        let dump = try CLI.runProgram(CLI.binary.path, ["--experimental-dump-help"], in: Fixtures.repoRoot)
        XCTAssertEqual(dump.status, 0, dump.stderr)
        XCTAssertTrue(dump.stdout.contains("Show only this image (repeatable)."))
        let tree = try Fixtures.scratch().appendingPathComponent("tree.json")
        try Fixtures.write(dump.stdout.replacingOccurrences(of: "Show only this image (repeatable).", with: "Show only this image."), to: tree)
        let r = try generator(["--check", "--tree", tree.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("imagebump get --image <name>: a repeatable option's help must say \"repeatable\""), r.stderr)
    }

    /// README.md and docs/*.md other than the reference.
    func otherPages() throws -> [(name: String, text: String)] {
        let docs = Fixtures.repoRoot.appendingPathComponent("docs")
        let names = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") && $0 != "reference.md" }.sorted()
        return try (["README.md"] + names.map { "docs/" + $0 }).map {
            ($0, try String(contentsOf: Fixtures.repoRoot.appendingPathComponent($0), encoding: .utf8))
        }
    }

    /// Options are described once, by their help (and so by reference.md): no other page keeps its own list entry
    /// for one (`- **`--opt`** — what it does`); pages link the reference's entry instead.
    func testNoOtherPageRestatesAnOption() throws {
        let restated = #/^\s*[-*] \*\*`-[^`]*`.*?\*\* —/#
        let pages = try otherPages()
        XCTAssertTrue(pages.contains { $0.name == "docs/commands.md" })
        for (name, text) in pages {
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(restated) {
                XCTFail("\(name):\(n + 1) describes an option; move what it says into the option's help and link reference.md#COMMAND-OPTION: \(line.prefix(80))")
            }
        }
    }

    /// Every link to an entry of the reference (`reference.md#set-dry-run`) finds it.
    func testLinksToTheReferenceFindTheirEntry() throws {
        let page = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("docs/reference.md"), encoding: .utf8)
        let ids = Set(page.matches(of: #/<a id="([^"]+)"></a>/#).map { String($0.output.1) })
        XCTAssertTrue(ids.contains("set-dry-run") && ids.contains("get-repo") && ids.contains("promote-from"), "\(ids.sorted())")
        var links = 0
        for (name, text) in try otherPages() {
            for m in text.matches(of: #/reference\.md#([A-Za-z0-9_-]+)/#) {
                links += 1
                XCTAssertTrue(ids.contains(String(m.output.1)), "\(name) links reference.md#\(m.output.1), which is no entry")
            }
        }
        XCTAssertGreaterThan(links, 20, "docs/commands.md links the options it names")
    }
}
