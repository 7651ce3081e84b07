#if canImport(FoundationEssentials)
import FoundationEssentials // JSONEncoder without loading ICU: keeps start-up fast
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Support
import ImageRules

/// stdout/stderr writing, colour decision and JSON encoding for the CLI. What depends on the platform and the
/// terminal (annotations, masks, colour) is decided once, from the command's context (`CommandContext.console`).
public struct Console: Sendable {
    /// On GitHub Actions: errors also become annotations, secrets are masked.
    public let onGitHubActions: Bool
    /// Colour in diffs (a terminal, no NO_COLOR, not TERM=dumb).
    public let colorEnabled: Bool

    public init(ci: CIEnvironment, variables: [String: String], isTTY: Bool) {
        onGitHubActions = ci.platform == .github
        colorEnabled = Self.colorEnabled(isTTY: isTTY, noColor: variables["NO_COLOR"], term: variables["TERM"])
    }

    public static func out(_ s: String, terminator: String = "\n") { write(1, neutralized(s) + terminator) }

    /// An error without a place (a usage error).
    public func error(_ s: String) { error([Problem(message: s)]) }

    /// Errors go to stderr, each problem's text in turn; on GitHub Actions each problem also becomes an annotation,
    /// on stderr too, so that stdout carries only the result (one JSON document with `--output json`).
    public func error(_ problems: [Problem]) {
        Self.write(2, Self.neutralized("imagebump: error: " + problems.map(\.description).joined(separator: "\n")) + "\n")
        if onGitHubActions {
            for p in problems { Self.write(2, Self.annotation(p)) }
        }
    }

    /// Text for stdout/stderr that no CI runner takes as a workflow command (`LogText`), on every platform: a job
    /// can run imagebump inside `docker run` on a GitHub runner without `GITHUB_ACTIONS` set. imagebump's own
    /// commands go through `raw`.
    static func neutralized(_ s: String) -> String { LogText.neutralized(s) }

    /// Stderr text (progress), written so that no line of it runs as a workflow command.
    public static func progress(_ s: String) { write(2, neutralized(s)) }

    /// On GitHub Actions, `::add-mask::` for a secret imagebump read itself, so that the runner masks it in the log.
    /// On stderr (the runner reads workflow commands from stdout and stderr alike), never on stdout, which is the
    /// report; and not when stderr is a regular file: no runner reads that, and the secret would be written into it.
    public func addMask(_ secret: String) {
        guard onGitHubActions, !secret.isEmpty, !Self.isRegularFile(STDERR_FILENO) else { return }
        let lines = secret.split(whereSeparator: { $0.isNewline }).map(String.init)
        for piece in Set([secret] + (lines.count > 1 ? lines : [])) where !piece.isEmpty {
            Self.write(2, "::add-mask::\(Self.escapeData(piece))\n")
        }
    }

    static func isRegularFile(_ fd: Int32) -> Bool {
        var st = stat()
        return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// A workflow command's message: `%`, CR and LF escaped (GitHub's rules), scalar by scalar (a CRLF too).
    public static func escapeData(_ s: some StringProtocol) -> String {
        s.replacingEvery("%", with: "%25").replacingEvery("\r", with: "%0D").replacingEvery("\n", with: "%0A")
    }

    /// A workflow command's property value: as data, plus `:` and `,`.
    static func escapeProperty(_ s: some StringProtocol) -> String {
        escapeData(s).replacingEvery(":", with: "%3A").replacingEvery(",", with: "%2C")
    }

    /// `::error file=F,line=L,col=C::message` from the problem's place (the name as it is, escaped as a property);
    /// without a place, `::error::text` for each line of its text.
    static func annotation(_ p: Problem) -> String {
        if let at = p.place {
            let col = at.column.map { ",col=\($0)" } ?? ""
            return "::error file=\(escapeProperty(at.file)),line=\(at.line)\(col)::\(escapeData(p.message))\n"
        }
        return p.description.split(separator: "\n").map { "::error::" + escapeData($0) + "\n" }.joined()
    }

    public static func raw(_ fd: Int32, _ s: String) { write(fd, s) }

    public static func warning(_ s: String) { write(2, neutralized("imagebump: warning: " + s) + "\n") }

    private static func write(_ fd: Int32, _ s: String) { writeAll(fd, s) }

    /// Colour only on a terminal, and never with NO_COLOR set (https://no-color.org).
    public static func colorEnabled(isTTY: Bool, noColor: String?, term: String?) -> Bool {
        isTTY && noColor == nil && term != "dumb"
    }
}

public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return oneLine(String(decoding: try enc.encode(value), as: UTF8.self))
    }

    /// The encoder's compact text, also safe as one line of a CI log: the line separators JSON allows raw in a string
    /// (NEL, U+2028, U+2029) and the `[` of a `##[` (a legacy workflow command anywhere in a line) written as
    /// `\u` escapes. `#` occurs only inside strings, so `##[` never spans a string's end.
    static func oneLine(_ json: String) -> String {
        var out = ""
        for s in json.unicodeScalars {
            switch s.value {
            case 0x85, 0x2028, 0x2029: out += "\\u" + s.value.hex(width: 4)
            case 0x5B where out.hasSuffix("##"): out += "\\u005b"
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }
}
