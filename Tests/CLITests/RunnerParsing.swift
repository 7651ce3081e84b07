import Foundation
import XCTest

/// The CI runners' readers of what imagebump writes, written from their sources, so that a test reads the report
/// files and the log the way the runner will.
enum GitHubRunner {
    /// `$GITHUB_OUTPUT` as actions/runner's `SetEnvFileCommand` reads it on Linux: lines end at LF; `NAME=VALUE`, or
    /// `NAME<<DELIMITER`, value lines, a line equal to `DELIMITER` (whichever of `=` / `<<` comes first decides).
    static func outputs(_ text: String) throws -> [(name: String, value: String)] {
        let lines = lfLines(text)
        var out: [(String, String)] = []
        var i = 0
        while i < lines.count {
            let line = lines[i]
            i += 1
            if line.isEmpty { continue }
            let eq = line.range(of: "=")?.lowerBound, heredoc = line.range(of: "<<")?.lowerBound
            if let eq, heredoc.map({ eq < $0 }) ?? true {
                out.append((String(line[..<eq]), String(line[line.index(after: eq)...])))
            } else if let heredoc {
                let name = String(line[..<heredoc]), delimiter = String(line[line.index(heredoc, offsetBy: 2)...])
                guard !name.isEmpty, !delimiter.isEmpty else { throw Failure("invalid heredoc line \(line.debugDescription)") }
                var value: [String] = []
                while true {
                    guard i < lines.count else { throw Failure("matching delimiter not found: \(delimiter)") }
                    let l = lines[i]
                    i += 1
                    if l == delimiter { break }
                    value.append(l)
                }
                out.append((name, value.joined(separator: "\n")))
            } else {
                throw Failure("invalid line \(line.debugDescription)")
            }
        }
        return out
    }

    /// The lines of a log as the runner's readers split a stream (.NET `ReadLine`: LF, CR or CRLF).
    static func logLines(_ text: String) -> [String] {
        var lines: [String] = [], line = String.UnicodeScalarView()
        var lastWasCR = false
        for s in text.unicodeScalars {
            if s == "\n" && lastWasCR { lastWasCR = false; continue }
            lastWasCR = s == "\r"
            if s == "\n" || s == "\r" { lines.append(String(line)); line = String.UnicodeScalarView() } else { line.append(s) }
        }
        if !line.isEmpty { lines.append(String(line)) }
        return lines
    }

    static let registered: Set<String> = ["add-mask", "add-path", "set-env", "set-output", "save-state", "debug", "warning",
                                          "error", "notice", "group", "endgroup", "echo", "add-matcher", "remove-matcher",
                                          "stop-commands"]

    /// The workflow command a log line runs (`ActionCommand.TryParseV2`, then the legacy `TryParse`): its name.
    static func command(in line: String) -> String? {
        let trimmed = String(String.UnicodeScalarView(line.unicodeScalars.drop { $0.properties.isWhitespace }))
        if trimmed.hasPrefix("::"), let end = trimmed.dropFirst(2).range(of: "::") {
            let info = trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2)..<end.lowerBound]
            let name = String(info.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            if registered.contains(name) { return name }
        }
        if let prefix = line.range(of: "##["), let rb = line[prefix.upperBound...].firstIndex(of: "]") {
            let name = String(line[prefix.upperBound..<rb].split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            if registered.contains(name) { return "legacy " + name }
        }
        return nil
    }

    /// The commands in a log (stdout or stderr) other than imagebump's own (`::error`, `::group`, `::endgroup`,
    /// `::add-mask` with exactly `secret`).
    static func foreignCommands(in text: String, secret: String? = nil) -> [String] {
        logLines(text).filter { line in
            guard let name = command(in: line) else { return false }
            switch name {
            case "error", "group", "endgroup": return false
            case "add-mask": return secret.map { line != "::add-mask::\($0)" } ?? true
            default: return true
            }
        }
    }
}

enum GitLabDotenv {
    /// A dotenv report as GitLab's `Ci::ParseDotenvArtifactService` reads it: at most `dotenv_size` bytes (5 KiB) and
    /// `dotenv_variables` lines (20, the self-managed default); `each_line` (LF), each line matched by
    /// `/^(.*?)=(.*)$/`, key and value `strip`ped; a line that does not match fails the whole report.
    static func parse(_ text: String) throws -> [(key: String, value: String)] {
        guard text.utf8.count <= 5 * 1024 else { throw Failure("dotenv report over GitLab's 5 KiB default: \(text.utf8.count) bytes") }
        let lines = lfLines(text)
        guard lines.count <= 20 else { throw Failure("Dotenv files cannot have more than 20 variables: \(lines.count)") }
        return try lines.map { line in
            guard let eq = line.firstIndex(of: "=") else { throw Failure("Invalid Format: \(line.debugDescription)") }
            let strip: (Substring) -> String = { s in
                String(String.UnicodeScalarView(s.unicodeScalars.drop(while: isRubySpace).reversed().drop(while: isRubySpace).reversed()))
            }
            let key = strip(line[..<eq])
            guard key.range(of: "^[A-Za-z0-9_]+$", options: .regularExpression) != nil else { throw Failure("invalid key \(key.debugDescription)") }
            return (key, strip(line[line.index(after: eq)...]))
        }
    }

    static func isRubySpace(_ s: Unicode.Scalar) -> Bool { " \t\n\u{0B}\u{0C}\r\0".unicodeScalars.contains(s) }

    /// A variable reference GitLab would expand in a value (`ExpandVariables`, and the runner's `$$`).
    static func references(in value: String) -> Bool {
        value.range(of: #"\$([a-zA-Z_][a-zA-Z0-9_]*)|\$\{|%[a-zA-Z_][a-zA-Z0-9_]*%|\$\$"#, options: .regularExpression) != nil
    }
}

/// GitLab's quick actions as its extractor finds them: `/name` at the start of a line (after LF, and, to be safe,
/// after CR), outside code blocks, followed by a space or the line's end.
enum GitLabQuickActions {
    static func lines(_ text: String) -> [String] {
        text.unicodeScalars.split(omittingEmptySubsequences: false, whereSeparator: { "\n\r\u{2028}\u{2029}\u{85}".unicodeScalars.contains($0) })
            .map { String(String.UnicodeScalarView($0)) }
    }

    static func actions(in text: String) -> [String] {
        lines(text).filter { $0.range(of: #"^/[A-Za-z0-9_]+( |$)"#, options: .regularExpression) != nil }
    }
}

/// The directives in a commit message that skip the pipeline of the pushed commit, found as each CI finds them.
enum CISkip {
    /// GitLab: `Gitlab::Ci::Pipeline::Chain::Skip::SKIP_PATTERN`, `/\[(ci[ _-]skip|skip[ _-]ci)\]/i`, anywhere.
    static func gitlab(_ message: String) -> [String] {
        matches(#"\[(ci[ _-]skip|skip[ _-]ci)\]"#, in: message)
    }

    /// GitHub Actions ("Skipping workflow runs"): `[skip ci]`, `[ci skip]`, `[no ci]`, `[skip actions]`,
    /// `[actions skip]` anywhere, and a `skip-checks:true` / `skip-checks: true` trailer; matched here in any case and
    /// the trailer on any line, to be safe.
    static func github(_ message: String) -> [String] {
        matches(#"\[(skip ci|ci skip|no ci|skip actions|actions skip)\]|(?m)^skip-checks: ?true$"#, in: message)
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return ["bad pattern"] }
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
    }
}

/// Lines ended by LF, split scalar by scalar (a CRLF is a CR ending the line's text, as a byte reader sees it;
/// Swift's Character-wise splitting keeps a CRLF whole). No last empty line for a final LF.
func lfLines(_ text: String) -> [String] {
    var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
    if lines.last == "" { lines.removeLast() }
    return lines
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// The nine values imagebump reports on both platforms, by their GitHub output names and their dotenv names.
enum ReportNames {
    static let github = ["changed", "commit", "branch", "pr-url", "pr-number", "status", "error", "digests", "verified"]
    static let dotenv = ["IMAGEBUMP_CHANGED", "IMAGEBUMP_COMMIT", "IMAGEBUMP_BRANCH", "IMAGEBUMP_MR_URL", "IMAGEBUMP_MR_IID",
                         "IMAGEBUMP_STATUS", "IMAGEBUMP_ERROR", "IMAGEBUMP_DIGESTS", "IMAGEBUMP_VERIFIED"]
}
