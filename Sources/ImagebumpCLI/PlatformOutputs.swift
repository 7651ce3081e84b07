#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import CIEnvironment
import ImageRules
import ImagebumpKit

/// GitHub Actions outputs and step summary, GitLab dotenv reports — all from the run report, also on failure.
public enum PlatformOutputs {
    static var platform: CIEnvironment.Platform? { ProcessEnvironment.ci.platform }

    /// The outputs, in order: (GitHub output name, dotenv name, value). A run of several environments adds each
    /// one's outputs, named after it: `dev-changed`, `IMAGEBUMP_DEV_CHANGED`.
    static func outputs(_ r: RunReport) -> [(github: String, dotenv: String, value: String)] {
        own(r) + (r.environments ?? []).flatMap { e in
            let name = e.environment ?? ""
            let github = String(name.map { $0 == "." ? "_" : $0 })
            let dotenv = String(name.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
            return own(e).map { (github + "-" + $0.github, "IMAGEBUMP_" + dotenv + "_" + $0.dotenv.dropFirst("IMAGEBUMP_".count), $0.value) }
        }
    }

    private static func own(_ r: RunReport) -> [(github: String, dotenv: String, value: String)] {
        [("changed", "IMAGEBUMP_CHANGED", r.changed ? "true" : "false"),
         ("commit", "IMAGEBUMP_COMMIT", r.commit ?? ""),
         ("branch", "IMAGEBUMP_BRANCH", r.branch ?? ""),
         ("pr-url", "IMAGEBUMP_MR_URL", r.mergeRequest?.url ?? ""),
         ("pr-number", "IMAGEBUMP_MR_IID", r.mergeRequest.map { String($0.number) } ?? ""),
         ("status", "IMAGEBUMP_STATUS", r.status.rawValue),
         ("error", "IMAGEBUMP_ERROR", r.error?.message ?? "")]
    }

    /// The dotenv file's keys, in order (for `--dotenv`'s help).
    static var dotenvKeys: [String] { outputs(RunReport(mode: "write")).map(\.dotenv) }

    /// Writes GitHub Actions' step outputs and step summary (set on GitHub Actions only), and the dotenv file when asked.
    public static func publish(_ r: RunReport, dotenv: String?) throws {
        let ci = ProcessEnvironment.ci
        if let path = ci.outputFile { try append(path, lines(outputs(r).map { ($0.github, $0.value) })) }
        if let path = ci.stepSummaryFile { try append(path, summary(r)) }
        if let dotenv {
            try Data(lines(outputs(r).map { ($0.dotenv, $0.value) }).utf8).write(to: URL(fileURLWithPath: dotenv))
        }
    }

    /// The step summary: what failed (if anything), then a Markdown table of the changes and the commit / MR.
    public static func summary(_ r: RunReport) -> String {
        var s = "### imagebump\n\n"
        if let e = r.error { s += "**Failed:** \(markdown(e.message))\n\n" }
        if r.changes.isEmpty {
            if r.error == nil { s += "Already up to date: nothing to change.\n" }
        } else {
            s += "| file | line | image | old | new |\n| --- | ---: | --- | --- | --- |\n"
            for c in r.changes {
                s += "| \(code(c.file)) | \(c.line) | \(code(c.image)) | \(code(c.old)) | \(code(c.new)) |\n"
            }
        }
        if let commit = r.commit {
            s += "\nCommit `\(commit)`" + (r.branch.map { " \(r.pushed == true ? "pushed to" : "on") \(code($0))" } ?? "") + "\n"
        }
        if let mr = r.mergeRequest { s += "\n\(mr.noun.prefix(1).uppercased())\(mr.noun.dropFirst()): \(mr.url)\n" }
        return s
    }

    /// A value as inline code in a table cell: no line breaks, no `|` or backtick that would end it early.
    static func code(_ v: String) -> String {
        "`" + PathQuoting.quoted(v).replacing("`", with: "'").replacing("|", with: "\\|") + "`"
    }

    static func markdown(_ v: String) -> String {
        v.split(separator: "\n").joined(separator: "<br>").replacing("|", with: "\\|")
    }

    /// `KEY=value` lines; a value is one line (a multi-line error keeps its first line and says so).
    private static func lines(_ kv: [(String, String)]) -> String {
        kv.map { k, v in
            let first = v.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let one = (first == v ? v : first + " (…)").filter { $0 != "\r" }
            return "\(k)=\(one)"
        }.joined(separator: "\n") + "\n"
    }

    private static func append(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var t = text
        _ = t.withUTF8 { write(fd, $0.baseAddress, $0.count) }
    }

    /// Start and end of a collapsible log section (GitLab) or group (GitHub); nothing elsewhere.
    public static func section(_ name: String, _ title: String, _ body: () throws -> Void) rethrows {
        switch platform {
        case .github: Console.raw(2, "::group::\(Console.escapeData(title))\n")
        case .gitlab: Console.raw(2, "\u{1B}[0Ksection_start:\(Int(Date().timeIntervalSince1970)):\(name)[collapsed=true]\r\u{1B}[0K\(title)\n")
        case nil: break
        }
        defer {
            switch platform {
            case .github: Console.raw(2, "::endgroup::\n")
            case .gitlab: Console.raw(2, "\u{1B}[0Ksection_end:\(Int(Date().timeIntervalSince1970)):\(name)\r\u{1B}[0K\n")
            case nil: break
            }
        }
        try body()
    }
}

public struct CLIError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
