#if canImport(FoundationEssentials)
import FoundationEssentials // JSONEncoder without loading ICU: keeps start-up fast
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import CIEnvironment
import ImageRules
import TempCleanup

/// stdout/stderr writing, colour decision and JSON encoding for the CLI.
public enum Console {
    public static func out(_ s: String, terminator: String = "\n") { write(1, neutralized(s) + terminator) }

    /// An error without a place (a usage error).
    public static func error(_ s: String) { error([Problem(message: s)]) }

    /// Errors go to stderr, each problem's text in turn; on GitHub Actions each problem also becomes an annotation.
    public static func error(_ problems: [Problem]) {
        write(2, neutralized("imagebump: error: " + problems.map(\.description).joined(separator: "\n")) + "\n")
        if onGitHubActions {
            for p in problems { write(1, annotation(p)) }
        }
    }

    static var onGitHubActions: Bool { ProcessEnvironment.ci.platform == .github }

    /// On GitHub Actions a line starting with `::` is a workflow command. imagebump's own commands go through
    /// `raw`; any other line that would start with `::` (a hostile file name or value) is indented so the runner
    /// shows it instead of running it.
    static func neutralized(_ s: String) -> String {
        guard onGitHubActions, s.contains("::") else { return s }
        return s.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.drop { $0 == " " || $0 == "\t" || $0 == "\r" }.hasPrefix("::") ? "  " + line.filter { $0 != "\r" } : String(line)
        }.joined(separator: "\n")
    }

    /// A workflow command's message: `%`, CR and LF escaped (GitHub's rules).
    public static func escapeData(_ s: some StringProtocol) -> String {
        String(s).replacing("%", with: "%25").replacing("\r", with: "%0D").replacing("\n", with: "%0A")
    }

    /// A workflow command's property value: as data, plus `:` and `,`.
    static func escapeProperty(_ s: some StringProtocol) -> String {
        escapeData(s).replacing(":", with: "%3A").replacing(",", with: "%2C")
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
    public static var colorEnabled: Bool {
        colorEnabled(isTTY: isatty(STDOUT_FILENO) == 1, noColor: ProcessEnvironment.variables["NO_COLOR"],
                     term: ProcessEnvironment.variables["TERM"])
    }

    public static func colorEnabled(isTTY: Bool, noColor: String?, term: String?) -> Bool {
        isTTY && noColor == nil && term != "dumb"
    }
}

public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(value), as: UTF8.self)
    }
}
