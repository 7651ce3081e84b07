#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Support
import ImageRules
import ImagebumpKit

/// GitHub Actions outputs and step summary, GitLab dotenv reports — all from the run report, also on failure.
public enum PlatformOutputs {
    /// The outputs, in order: (GitHub output name, dotenv name, value). A run of several environments adds each
    /// one's outputs, named after it: `dev-changed`, `IMAGEBUMP_DEV_CHANGED`.
    static func outputs(_ r: RunReport) -> [(github: String, dotenv: String, value: String)] {
        groups(r).flatMap(\.outputs)
    }

    /// The outputs by whom they are about: the run first (environment nil), then each environment it reached.
    static func groups(_ r: RunReport) -> [(environment: String?, outputs: [(github: String, dotenv: String, value: String)])] {
        [(nil, own(r) + registry(r))] + (r.environments ?? []).map { e in
            let name = e.environment ?? ""
            let github = String(name.map { $0 == "." ? "_" : $0 })
            let dotenv = Environment.reportKey(name)
            return (name, own(e).map { (github + "-" + $0.github, "IMAGEBUMP_" + dotenv + "_" + $0.dotenv.dropFirst("IMAGEBUMP_".count), $0.value) })
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

    /// What the registries said (the run's, for every environment): each image's `NAME@DIGEST` (blank-separated,
    /// in the order given) and whether every image was found (`true`/`false`; empty when they were not asked).
    private static func registry(_ r: RunReport) -> [(github: String, dotenv: String, value: String)] {
        let images = r.images ?? []
        let digests = images.compactMap { i in i.digest.map { (Self.repository(of: i.image)) + "@" + $0 } }
        return [("digests", "IMAGEBUMP_DIGESTS", digests.joined(separator: " ")),
                ("verified", "IMAGEBUMP_VERIFIED", r.images == nil ? "" : (images.allSatisfy(\.verified) ? "true" : "false"))]
    }

    /// `name` of `name:tag@digest` (a port's colon is before the last slash).
    static func repository(of reference: String) -> String {
        var name = Substring(reference)
        if let at = name.firstIndex(of: "@") { name = name[..<at] }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = name[..<colon] }
        return String(name)
    }

    /// The dotenv file's keys, in order (for `--dotenv`'s help).
    static var dotenvKeys: [String] { outputs(RunReport(mode: .write)).map(\.dotenv) }

    /// Writes GitHub Actions' step outputs and step summary (set on GitHub Actions only), and the dotenv file when asked.
    public static func publish(_ r: RunReport, dotenv: String?, ci: CIEnvironment) throws {
        if let path = ci.outputFile { try append(path, githubOutput(outputs(r).map { ($0.github, $0.value) })) }
        if let path = ci.stepSummaryFile { try append(path, summary(r)) }
        if let dotenv {
            let report = dotenvReport(r)
            if !report.omitted.isEmpty {
                Console.warning("the dotenv report leaves out the values of \(report.omitted.joined(separator: ", ")) (named in \(dotenvOmittedKey)): GitLab takes at most \(dotenvLimits.variables) variables and \(dotenvLimits.bytes) bytes in one dotenv report; --output json reports every environment")
            }
            try Data(report.text.utf8).write(to: URL(fileURLWithPath: dotenv))
        }
    }

    /// The step summary: what failed (if anything), then a Markdown table of the changes and the commit / MR (with
    /// its auto-merge state and the forge's warnings).
    /// Values from files are code spans (`MarkdownText`); the error is a fenced code block.
    public static func summary(_ r: RunReport) -> String {
        var s = "### imagebump\n\n"
        if let e = r.error {
            s += "**Failed:**\n\n" + MarkdownText.codeBlock(e.message.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)) + "\n"
        }
        if r.changes.isEmpty {
            if r.error == nil { s += "Already up to date: nothing to change.\n" }
        } else {
            s += "| file | line | image | old | new |\n| --- | ---: | --- | --- | --- |\n"
            for c in r.changes {
                s += "| \(code(c.file)) | \(c.line) | \(code(c.image)) | \(code(c.old)) | \(code(c.new)) |\n"
            }
        }
        if let commit = r.commit {
            s += "\nCommit \(MarkdownText.code(commit))" + (r.branch.map { " \(r.pushed == true ? "pushed to" : "on") \(MarkdownText.code($0))" } ?? "") + "\n"
        }
        if let mr = r.mergeRequest {
            let noun = mr.forge.mergeRequestNoun
            s += "\n\(noun.prefix(1).uppercased())\(noun.dropFirst()): \(link(mr.url))\n"
            if let on = mr.autoMergeEnabled { s += "\nAuto-merge: \(on ? "enabled" : "**not enabled**")\n" }
            if !mr.warnings.isEmpty { s += "\n**Warnings:**\n\n" + MarkdownText.codeBlock(mr.warnings) }
        }
        return s
    }

    /// A value as inline code in a table cell: one line, no `|` or backtick that would end it early.
    static func code(_ v: String) -> String { MarkdownText.tableCode(v) }

    /// An `http(s)` URL of plain characters as an autolink; anything else (a hostile forge's answer) as code.
    static func link(_ url: String) -> String {
        let plain = url.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !"<>\"'`|\\".unicodeScalars.contains($0) }
        return plain && (url.hasPrefix("https://") || url.hasPrefix("http://")) ? "<\(url)>" : MarkdownText.code(url)
    }

    /// `$GITHUB_OUTPUT` lines as the runner reads them (one `NAME=VALUE` per LF-ended line): a value with a line
    /// break or another control character is written in the documented multi-line form, `NAME<<DELIMITER`, the
    /// value, `DELIMITER`, with a random delimiter that the value does not contain.
    static func githubOutput(_ kv: [(String, String)]) -> String {
        kv.map { k, v in
            guard v.unicodeScalars.contains(where: CQuoting.isControl) else { return "\(k)=\(v)\n" }
            var delimiter: String
            repeat { delimiter = "ghadelimiter_" + UInt64.random(in: .min ... .max).hex(width: 16) + UInt64.random(in: .min ... .max).hex(width: 16) }
            while v.contains(delimiter)
            return "\(k)<<\(delimiter)\n\(v)\n\(delimiter)\n"
        }.joined()
    }

    /// The most a dotenv value takes; an error is cut shorter when the whole report would not fit `dotenvLimits`.
    /// (the digests: about 20 images of 100 bytes each.)
    static let dotenvValueLimit = (error: 2048, digests: 2048, other: 400)

    /// What GitLab accepts in one dotenv report (its plan limits `dotenv_size` and `dotenv_variables`; 20 variables
    /// is the self-managed default and older GitLab.com plans'): a larger report fails the job's artifact upload.
    static let dotenvLimits = (bytes: 5120, variables: 20)

    /// The key that names the environments a dotenv report had no room for.
    static let dotenvOmittedKey = "IMAGEBUMP_DOTENV_OMITTED"

    /// The dotenv report of `r`, within `dotenvLimits`. A run of several environments leaves out empty values (a job
    /// reads an absent variable as empty); when that is not enough, errors are cut shorter, then the last
    /// environments' values are left out, whole, and named in `dotenvOmittedKey`.
    static func dotenvReport(_ r: RunReport) -> (text: String, omitted: [String]) {
        let several = r.environments != nil
        var kept = groups(r).map { g in (g.environment ?? "", g.outputs.filter { !several || !$0.value.isEmpty }.map { ($0.dotenv, $0.value) }) }
        var omitted: [String] = []
        while true {
            let tail = omitted.isEmpty ? [] : [(dotenvOmittedKey, omitted.joined(separator: ","))]
            let kv = kept.flatMap(\.1) + tail
            if kv.count <= dotenvLimits.variables {
                for errorLimit in sequence(first: dotenvValueLimit.error, next: { $0 > 128 ? $0 / 2 : nil }) {
                    let text = dotenvLines(kv, errorLimit: errorLimit)
                    if text.utf8.count <= dotenvLimits.bytes { return (text, omitted) }
                }
            }
            // the run's own values (at most 7 short ones and one error) always fit
            guard kept.count > 1 else { return (dotenvLines(kv, errorLimit: 128), omitted) }
            omitted.insert(kept.removeLast().0, at: 0)
        }
    }

    /// GitLab's dotenv report: `KEY=VALUE` lines, read one LF-ended line at a time, the value stripped of blanks, and
    /// later expanded (`$NAME`, `${NAME}`, `%NAME%`; raw: false). A value is one line: control characters are C
    /// escapes (`\n`), `$` and a `%` before a name are written `\044` / `\045`, so that no value names a variable,
    /// and a long value (an error) is cut at `errorLimit` / `dotenvValueLimit.other` bytes, ending in `…`.
    static func dotenvLines(_ kv: [(String, String)], errorLimit: Int = dotenvValueLimit.error) -> String {
        kv.map { k, v in
            let limit = k.hasSuffix("_ERROR") ? errorLimit : (k == "IMAGEBUMP_DIGESTS" ? dotenvValueLimit.digests : dotenvValueLimit.other)
            return "\(k)=\(dotenvValue(v, limit: limit))\n"
        }.joined()
    }

    static func dotenvValue(_ v: String, limit: Int) -> String {
        let scalars = Array(v.unicodeScalars)
        let pieces = scalars.indices.map { i -> String in
            let s = scalars[i], next = i + 1 < scalars.count ? scalars[i + 1] : nil
            let startsName = next.map { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) } ?? false
            return s == "$" ? "\\044" : (s == "%" && startsName ? "\\045" : (CQuoting.escape(s) ?? String(s)))
        }
        let full = pieces.joined()
        guard full.utf8.count > limit else { return full }
        var out = ""
        for p in pieces {
            if out.utf8.count + p.utf8.count > limit - "…".utf8.count { break }
            out += p
        }
        return out + "…"
    }

    private static func append(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Problem(message: "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var t = text
        _ = t.withUTF8 { write(fd, $0.baseAddress, $0.count) }
    }

    /// Start and end of a collapsible log section (GitLab) or group (GitHub); nothing elsewhere.
    public static func section(_ name: String, _ title: String, on platform: CIEnvironment.Platform?, _ body: () throws -> Void) rethrows {
        switch platform {
        case .github: Console.raw(2, "::group::\(Console.escapeData(title))\n")
        case .gitlab: Console.raw(2, "\u{1B}[0Ksection_start:\(Int(Date().timeIntervalSince1970)):\(name)[collapsed=true]\r\u{1B}[0K\(LogText.neutralized(CQuoting.escapingControls(title)))\n")
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
