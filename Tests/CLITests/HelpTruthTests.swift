import Support
import Foundation
import ImagebumpCLI
import XCTest

/// What `--help` and `--version` say is what the binaries do: each claim is read from the help text and checked
/// against a real run.
final class HelpTruthTests: XCTestCase {
    /// The help of `args` as one line (ArgumentParser wraps it at 80 columns).
    func help(_ args: [String]) throws -> String {
        let r = try CLI.run(args + ["--help"], in: try Fixtures.scratch())
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The text after `start` up to (not including) `end`.
    func between(_ text: String, _ start: String, _ end: String, _ place: String) throws -> String {
        let from = try XCTUnwrap(text.range(of: start), "\(place): no \(start.debugDescription) in \(text)")
        let to = try XCTUnwrap(text.range(of: end, range: from.upperBound..<text.endIndex), "\(place): no \(end.debugDescription) after \(start.debugDescription)")
        return String(text[from.upperBound..<to.lowerBound])
    }

    func testVersionSaysItsCommitOrThatItDoesNotKnowIt() throws {
        let promised = #/^\d+\.\d+\.\d+ \((unknown commit|[0-9a-f]{7,12})\)\n$/#
        for exe in ["imagebump", "imagebump-git"] {
            let path = CLI.binary.deletingLastPathComponent().appendingPathComponent(exe).path
            let r = try CLI.runProgram(path, ["--version"], in: Fixtures.repoRoot)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertNotNil(r.stdout.wholeMatch(of: promised), "\(exe) --version printed \(r.stdout.debugDescription), not X.Y.Z (commit)")
        }
        // a release build (scripts/stamp-version.sh vX.Y.Z sets the commit)
        XCTAssertEqual(BuildInfo.describe(version: "1.2.3", commit: "0123456789abcdef0123456789abcdef01234567"), "1.2.3 (0123456789ab)")
        XCTAssertEqual(BuildInfo.describe(version: "1.2.3", commit: nil), "1.2.3 (unknown commit)")
    }

    /// `--message`'s default for promote, as the help gives it, is the subject of the commit a promotion makes.
    func testPromoteHelpGivesTheMessageDefaultItCommits() throws {
        let text = try help(["promote"])
        let subject = try between(text, "for promote: ", ", then one line per change", "promote --help")
        let app = "registry.example.com/team/app"
        func overlay(_ tag: String) -> String { "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: \(app)\n    newTag: \(tag)\n" }
        let server = try GitDaemonRepo(files: [
            "imagebump.yaml": "environments:\n  dev: {files: [envs/dev]}\n  staging: {files: [envs/staging]}\npromotion: [dev, staging]\n",
            "envs/dev/kustomization.yaml": overlay("1.3.0"), "envs/staging/kustomization.yaml": overlay("1.2.0"),
        ])
        defer { server.stop() }
        let r = try CLI.run(["promote", "dev", "staging", "--push", "--repo", server.url], in: try Fixtures.scratch())
        XCTAssertEqual(r.status, 0, r.stderr)
        let committed = try server.git(["log", "-1", "--format=%s", "main"]).trimmingCharacters(in: .newlines)
        XCTAssertEqual(subject.replacing("FROM", with: "dev").replacing("TO", with: "staging"), committed)
        // and set's default is the one `set` commits
        XCTAssertTrue(text.contains("(default: chore(deploy): bump {images};"), text)
        let set = try CLI.run(["set", "--push", "--env", "staging", "--repo", server.url, "\(app):1.4.0"], in: try Fixtures.scratch())
        XCTAssertEqual(set.status, 0, set.stderr)
        XCTAssertEqual(try server.git(["log", "-1", "--format=%s", "main"]).trimmingCharacters(in: .newlines), "chore(deploy): bump \(app):1.4.0")
    }

    /// The keys `--dotenv`'s help names are the keys of the file a run writes, in order.
    func testDotenvHelpNamesTheKeysItWrites() throws {
        let named = try between(try help(["set"]), "--dotenv <path> Write ", " as KEY=value lines", "set --help")
            .components(separatedBy: ", ")
        let cwd = try Fixtures.scratch()
        try Fixtures.write("image: registry.example.com/team/app:1.0\n", to: cwd.appendingPathComponent("values.yaml"))
        let r = try CLI.run(["set", "--dotenv", "out.env", "registry.example.com/team/app:1.1"], in: cwd)
        XCTAssertEqual(r.status, 0, r.stderr)
        let written = try String(contentsOf: cwd.appendingPathComponent("out.env"), encoding: .utf8)
            .split(separator: "\n").map { String($0.prefix { $0 != "=" }) }
        XCTAssertEqual(named, written)
    }

    /// The defaults the help gives for the range-checked options (declared with `transform:`, which ArgumentParser
    /// shows no default for) are the values a run without them has: every bounded option of every command.
    func testNumericDefaultsInHelpAreTheParsedDefaults() throws {
        var checked: [String] = []
        for (name, command) in try CommandTree.commands() {
            let text = try help([name])
            for o in CommandTree.options(of: command) {
                guard let value = o.value as? any BoundedInteger else { continue }
                // the option's entry ("--timeout <seconds> Give up ..."; the usage line has "<seconds>]"), up to the next option
                let entry = try XCTUnwrap(text.firstMatch(of: try Regex("\(o.name) <[^>]+> ")), "\(name) --help: no entry for \(o.name)")
                let after = try between(String(text[entry.range.lowerBound...]), " ", " --", "\(name) --help")
                let shown = try between(after, "(default: ", ";", "\(name) \(o.name)")
                XCTAssertEqual(shown, String(value.value), "\(name) \(o.name)")
                checked.append("\(name) \(o.name)")
            }
        }
        for reached in ["set --timeout", "set --retries", "set --max-file-size", "set --phase-timeout", "set --max-pack-size",
                        "promote --max-file-size", "get --timeout"] {
            XCTAssertTrue(checked.contains(reached), "the walk reaches \(reached): \(checked)")
        }
    }

    /// GitHub team reviewers are in the help (the run that requests one is RemoteTests' pull request test).
    func testReviewerHelpNamesGitHubTeams() throws {
        XCTAssertTrue(try help(["set"]).contains("--reviewer <username|org/team> Reviewer (repeatable): a username (a leading @ is dropped); on GitHub also a team as org/team"))
    }
}
