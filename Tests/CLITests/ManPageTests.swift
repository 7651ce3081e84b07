import Foundation
import Support
import TestSupport
import XCTest

/// docs/imagebump.1 is what `scripts/gen_manpage.py` makes of the built binary's command tree (the tree
/// docs/reference.md is made of), and groff renders it without a warning.
final class ManPageTests: XCTestCase {
    func generator(_ args: [String]) throws -> CLIResult {
        let script = Fixtures.repoRoot.appendingPathComponent("scripts/gen_manpage.py").path
        return try CLI.runProgram("/usr/bin/env", ["python3", script, "--imagebump", CLI.binary.path] + args, in: Fixtures.repoRoot)
    }

    /// groff's rendering of `page` (-ww: every warning), failing the test on any warning.
    func rendered(_ page: URL) throws -> String {
        guard (try? CLI.runProgram("/usr/bin/env", ["groff", "--version"], in: Fixtures.repoRoot))?.status == 0 else {
            throw unavailable("groff not found (scripts/install-deps.sh installs groff-base)")
        }
        let r = try CLI.runProgram("/usr/bin/env", ["groff", "-man", "-Tutf8", "-ww", page.path], in: Fixtures.repoRoot)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "", "groff warns")
        return r.stdout
    }

    func testManPageIsTheCommandTreeAndRendersCleanly() throws {
        _ = try rendered(Fixtures.repoRoot.appendingPathComponent("docs/imagebump.1"))
        let r = try generator(["--check"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// The check is not vacuous: a page with one option's help changed is reported.
    func testCheckFailsWhenThePageDiffers() throws {
        let text = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("docs/imagebump.1"), encoding: .utf8)
        let help = "An image spec that matches nothing is not an error."
        XCTAssertTrue(text.contains(help))
        let stale = try Fixtures.scratch().appendingPathComponent("imagebump.1")
        try Fixtures.write(text.replacingOccurrences(of: help, with: "An image spec that matches nothing is an error."), to: stale)
        let r = try generator(["--check", "--page", stale.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("differs from the command tree"), r.stderr)
    }

    /// As a reader sees it: every command's synopsis, options spelled as typed (ASCII hyphens, not U+2010/U+2212,
    /// so they can be copied), non-ASCII help text intact, and the version and the date BuildInfo holds (the date is
    /// the release's, never the day the page was made).
    func testRenderedPageShowsCommandsOptionsVersionAndReleaseDate() throws {
        let out = try rendered(Fixtures.repoRoot.appendingPathComponent("docs/imagebump.1"))
        let text = out.replacing(#/.\u{8}/#, with: "") // grotty's overstrike bold and underline
        for shown in ["imagebump set [options] <image-spec>...", "imagebump promote [options] <from> <to>", "imagebump get [options]",
                      "--allow-missing", "-f, --file path", "--max-file-size MiB", "promote FROM → TO",
                      "imagebump \(BuildInfo.version)", BuildInfo.date] {
            XCTAssertTrue(text.contains(shown), "the rendered page shows \(shown)")
        }
        XCTAssertFalse(text.contains("\u{2010}") || text.contains("\u{2212}"), "an option's hyphen is rendered as a dash")
    }
}
