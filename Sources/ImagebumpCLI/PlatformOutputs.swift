#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import ImageRules

/// What a run produced, for the CI platform's outputs.
public struct RunOutcome: Sendable {
    public var changed: Bool
    public var changes: [PlannedChange]
    public var commit: String?
    public var branch: String?
    public var mergeRequestURL: String?
    public var mergeRequestNumber: Int?

    public init(changed: Bool, changes: [PlannedChange], commit: String? = nil, branch: String? = nil,
                mergeRequestURL: String? = nil, mergeRequestNumber: Int? = nil) {
        self.changed = changed; self.changes = changes; self.commit = commit; self.branch = branch
        self.mergeRequestURL = mergeRequestURL; self.mergeRequestNumber = mergeRequestNumber
    }
}

/// GitHub Actions outputs and step summary, GitLab dotenv reports.
public enum PlatformOutputs {
    static var env: [String: String] { ProcessInfo.processInfo.environment }

    public static var isGitHubActions: Bool { env["GITHUB_ACTIONS"] == "true" }
    public static var isGitLabCI: Bool { env["GITLAB_CI"] == "true" }

    /// Writes `$GITHUB_OUTPUT` / `$GITHUB_STEP_SUMMARY` when on GitHub Actions, and the dotenv file when asked.
    public static func publish(_ o: RunOutcome, dotenv: String?) throws {
        if isGitHubActions {
            if let path = env["GITHUB_OUTPUT"], !path.isEmpty {
                try append(path, lines([("changed", o.changed ? "true" : "false"), ("commit", o.commit ?? ""), ("branch", o.branch ?? ""),
                                        ("pr-url", o.mergeRequestURL ?? ""), ("pr-number", o.mergeRequestNumber.map(String.init) ?? "")]))
            }
            if let path = env["GITHUB_STEP_SUMMARY"], !path.isEmpty { try append(path, summary(o)) }
        }
        if let dotenv {
            let text = lines([("IMAGEBUMP_CHANGED", o.changed ? "true" : "false"), ("IMAGEBUMP_COMMIT", o.commit ?? ""),
                              ("IMAGEBUMP_BRANCH", o.branch ?? ""), ("IMAGEBUMP_MR_URL", o.mergeRequestURL ?? ""),
                              ("IMAGEBUMP_MR_IID", o.mergeRequestNumber.map(String.init) ?? "")])
            try Data(text.utf8).write(to: URL(fileURLWithPath: dotenv))
        }
    }

    /// A Markdown table of the changes (the step summary).
    public static func summary(_ o: RunOutcome) -> String {
        var s = "### imagebump\n\n"
        if o.changes.isEmpty { return s + "Already up to date: nothing to change.\n" }
        s += "| file | line | image | old | new |\n| --- | ---: | --- | --- | --- |\n"
        for c in o.changes {
            s += "| `\(c.file)` | \(c.line) | `\(c.image)` | `\(c.old)` | `\(c.new)` |\n"
        }
        if let commit = o.commit { s += "\nCommit `\(commit)`" + (o.branch.map { " on `\($0)`" } ?? "") + "\n" }
        if let url = o.mergeRequestURL { s += "\nMerge request: \(url)\n" }
        return s
    }

    private static func lines(_ kv: [(String, String)]) -> String {
        kv.map { "\($0.0)=\($0.1.filter { $0 != "\n" && $0 != "\r" })" }.joined(separator: "\n") + "\n"
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
        if isGitHubActions { Console.raw(2, "::group::\(title)\n") }
        else if isGitLabCI { Console.raw(2, "\u{1B}[0Ksection_start:\(Int(Date().timeIntervalSince1970)):\(name)[collapsed=true]\r\u{1B}[0K\(title)\n") }
        defer {
            if isGitHubActions { Console.raw(2, "::endgroup::\n") }
            else if isGitLabCI { Console.raw(2, "\u{1B}[0Ksection_end:\(Int(Date().timeIntervalSince1970)):\(name)\r\u{1B}[0K\n") }
        }
        try body()
    }
}

public struct CLIError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
