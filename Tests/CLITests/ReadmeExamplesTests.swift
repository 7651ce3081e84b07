import Foundation
import XCTest

/// Every example of README.md and docs/*.md that can run here is run as written, with the built `imagebump`, on a
/// scratch copy of `examples/`: the pages are read at test time, so an edit to one is checked by the next run.
final class ReadmeExamplesTests: XCTestCase {
    /// ```console blocks: each `$ imagebump …` line runs in turn in one scratch copy per block (`git init` there, as the
    /// pages' transcripts say); what it printed, stdout then stderr, is the text shown under it.
    func testConsoleTranscriptsAreWhatTheBinaryPrints() throws {
        let blocks = try Readme.fences().filter { $0.language == "console" }
        XCTAssertFalse(blocks.filter { $0.page == "README.md" }.isEmpty, "README.md has no ```console block")
        XCTAssertFalse(blocks.filter { $0.page.hasPrefix("docs/") }.isEmpty, "docs/ has no ```console block")
        for block in blocks {
            let steps = try XCTUnwrap(Readme.transcript(block), "\(block.place): a console block is `$ command` lines, each followed by its output")
            XCTAssertFalse(steps.isEmpty, "\(block.place): no command")
            let repo = try Fixtures.copyExamples()
            try Git.run(["init", "-q", repo.path])
            for step in steps {
                let place = "\(block.page):\(step.line): $ \(step.command)"
                let args = try XCTUnwrap(Readme.imagebumpArguments(step.command), "\(place): not a plain `imagebump …` command")
                let r = try CLI.run(args, in: repo)
                XCTAssertEqual(r.stdout + r.stderr, step.shown, place)
                if step.shown.hasPrefix("imagebump: error:") {
                    XCTAssertNotEqual(r.status, 0, "\(place): shown failing")
                } else {
                    XCTAssertEqual(r.status, 0, "\(place): \(r.stderr)")
                }
            }
        }
    }

    /// ```sh blocks made only of offline `imagebump` runs: run in one scratch copy each, every command must succeed,
    /// and a ```diff block right after one (on the same page) is the change it makes (a line ending in `…` matches any
    /// line it begins).
    func testShellExamplesRunOfflineMakeTheChangeShown() throws {
        let fences = try Readme.fences()
        var diffsChecked = 0
        for (i, block) in fences.enumerated() where block.language == "sh" {
            guard let commands = Readme.offlineImagebumpRuns(block) else { continue }
            let repo = try Fixtures.copyExamples()
            let before = try Fixtures.snapshot(repo)
            for (line, args) in commands {
                let r = try CLI.run(args, in: repo)
                XCTAssertEqual(r.status, 0, "\(block.page):\(line): imagebump \(args.joined(separator: " ")): \(r.stderr)")
            }
            guard i + 1 < fences.count, fences[i + 1].language == "diff", fences[i + 1].page == block.page else { continue }
            let diff = fences[i + 1]
            let after = try Fixtures.snapshot(repo)
            let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
            let names = changed.map { String($0.dropFirst(repo.path.count + 1)) }
            guard changed.count == 1, let old = before[changed[0]], let new = after[changed[0]] else {
                XCTFail("\(block.place): the diff at line \(diff.line) shows one file changed, the run changed \(names)")
                continue
            }
            if let why = Readme.mismatch(diff, old: String(decoding: old, as: UTF8.self), new: String(decoding: new, as: UTF8.self)) {
                XCTFail("\(diff.place): \(names[0]): \(why)")
            }
            diffsChecked += 1
        }
        XCTAssertGreaterThan(diffsChecked, 0, "no ```sh block of README.md or docs/ with its ```diff was run")
    }
}

/// The fenced blocks of README.md and docs/*.md, and the little of shell and unified-diff syntax their examples use.
enum Readme {
    struct Fence {
        /// The page, relative to the repository root (`README.md`, `docs/ci.md`).
        let page: String
        let language: String
        /// 1-based line of the opening fence.
        let line: Int
        let lines: [String]
        var place: String { "\(page):\(line)" }
    }

    struct Step {
        let line: Int
        let command: String
        let shown: String
    }

    /// README.md, then every docs/*.md in name order.
    static func pages() throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: Fixtures.repoRoot.appendingPathComponent("docs").path)
        return ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    }

    /// The fenced blocks of every page, page by page.
    static func fences() throws -> [Fence] {
        try pages().flatMap { try fences(of: $0) }
    }

    static func fences(of page: String) throws -> [Fence] {
        let text = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent(page), encoding: .utf8)
        var fences: [Fence] = []
        var open: (language: String, line: Int, lines: [String])?
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).enumerated() {
            if var o = open {
                if line == "```" { fences.append(Fence(page: page, language: o.language, line: o.line, lines: o.lines)); open = nil } else { o.lines.append(line); open = o }
            } else if line.hasPrefix("```") {
                open = (String(line.dropFirst(3)), n + 1, [])
            }
        }
        return fences
    }

    /// `$ command` lines, each with the lines up to the next one as its output; a blank line before the next `$` only
    /// separates them. Nil when the block does not start with a command.
    static func transcript(_ block: Fence) -> [Step]? {
        var steps: [(line: Int, command: String, shown: [String])] = []
        for (k, line) in block.lines.enumerated() {
            if line.hasPrefix("$ ") {
                if let last = steps.last, last.shown.last == "" { steps[steps.count - 1].shown.removeLast() }
                steps.append((block.line + 1 + k, String(line.dropFirst(2)), []))
            } else if steps.isEmpty {
                return nil
            } else {
                steps[steps.count - 1].shown.append(line)
            }
        }
        return steps.map { Step(line: $0.line, command: $0.command, shown: $0.shown.map { $0 + "\n" }.joined()) }
    }

    /// The arguments of `imagebump ARG…` when the words need no shell to be read (no quotes, variables, globs or
    /// placeholders), else nil.
    static func imagebumpArguments(_ command: String) -> [String]? {
        let words = command.split(separator: " ").map(String.init)
        guard words.first == "imagebump", !command.contains(where: { "'\"\\$`|&;<>()*?[]{}~#…\t".contains($0) }) else { return nil }
        return Array(words.dropFirst())
    }

    /// The commands of a sh block (with `\` continuations joined and comments dropped) as (page line, arguments),
    /// when every one is `imagebump` editing local files: nil when one is another program, needs a placeholder
    /// filled in (`…`) or publishes (`--repo`, `--commit`, `--push`, `--merge-request`, `--pull-request`: a remote).
    static func offlineImagebumpRuns(_ block: Fence) -> [(Int, [String])]? {
        var commands: [(Int, String)] = []
        var pending: (Int, String)?
        for (k, raw) in block.lines.enumerated() {
            var line = raw
            if let hash = line.range(of: #"(^|\s)#"#, options: .regularExpression) { line = String(line[..<hash.lowerBound]) }
            let text = (pending?.1 ?? "") + line
            if text.hasSuffix("\\") { pending = (pending?.0 ?? block.line + 1 + k, String(text.dropLast())); continue }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { commands.append((pending?.0 ?? block.line + 1 + k, trimmed)) }
            pending = nil
        }
        // a git server or an image registry would be asked: not offline
        let publishing: Set = ["--repo", "--commit", "--push", "--merge-request", "--pull-request", "--verify", "--pin-digest"]
        var runs: [(Int, [String])] = []
        for (line, command) in commands {
            guard let args = imagebumpArguments(command), publishing.isDisjoint(with: args) else { return nil }
            runs.append((line, args))
        }
        return runs.isEmpty ? nil : runs
    }

    /// Why `old` → `new` is not the change a header-less unified-diff hunk shows (context ` `, removed `-`, added `+`
    /// lines; one ending in `…` matches any line it begins), or nil when it is. The hunk's old lines must occur once.
    static func mismatch(_ diff: Fence, old: String, new: String) -> String? {
        let oldLines = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let newLines = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var hunk: [(mark: Character, text: String)] = []
        for line in diff.lines {
            guard let mark = line.first, " -+".contains(mark), !line.hasPrefix("---"), !line.hasPrefix("+++") else {
                return "unsupported diff line \(line.debugDescription)"
            }
            hunk.append((mark, String(line.dropFirst())))
        }
        func matches(_ pattern: String, _ line: String) -> Bool {
            pattern.hasSuffix("…") ? line.hasPrefix(pattern.dropLast()) : line == pattern
        }
        let oldSide = hunk.filter { $0.mark != "+" }.map(\.text)
        let starts = oldLines.indices.filter { s in
            s + oldSide.count <= oldLines.count && zip(oldSide, oldLines[s...]).allSatisfy { matches($0, $1) }
        }
        guard starts.count == 1, let start = starts.first else {
            return "the diff's old lines occur \(starts.count) times in the file before the run"
        }
        var o = start, n = start
        for (mark, text) in hunk {
            switch mark {
            case " ":
                guard n < newLines.count, newLines[n] == oldLines[o] else { return "context line \(text.debugDescription) changed" }
                o += 1; n += 1
            case "-":
                o += 1
            default:
                guard n < newLines.count, matches(text, newLines[n]) else {
                    return "line \(n + 1) after the run is \(n < newLines.count ? newLines[n].debugDescription : "missing"), the diff adds \(text.debugDescription)"
                }
                n += 1
            }
        }
        guard newLines[..<start] == oldLines[..<start], newLines[n...] == oldLines[o...] else {
            return "the run changed lines outside the diff:\n\(new)"
        }
        return nil
    }
}
