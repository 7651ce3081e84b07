import Support
import FoundationEssentials
import ImagebumpKit
import ImageRules

/// A commit author/committer identity.
public struct GitAuthor: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// Parses `Name <email>` (as given to `--author`).
    public init(parsing text: String) throws {
        let t = text.trimmingBlanks()
        guard let lt = t.lastIndex(of: "<"), t.hasSuffix(">") else {
            throw GitOpsError.invalidArgument("invalid author '\(text)': expected \"Name <email>\"")
        }
        let name = t[t.startIndex..<lt].trimmingBlanks()
        let email = String(t[t.index(after: lt)..<t.index(before: t.endIndex)]).trimmingBlanks()
        guard !name.isEmpty, !email.isEmpty, !email.contains("<"), !email.contains(">") else {
            throw GitOpsError.invalidArgument("invalid author '\(text)': expected \"Name <email>\"")
        }
        self.init(name: name, email: email)
    }

    /// The fallback identity: `imagebump <imagebump@localhost>`.
    public static let fallback = GitAuthor(name: "imagebump", email: "imagebump@localhost")

    /// The identity of whoever started the CI job (see `CIEnvironment.actor`; no email: the fallback's), nil outside CI.
    public static func fromCI(_ ci: CIEnvironment) -> GitAuthor? {
        ci.actor.map { GitAuthor(name: $0.name, email: $0.email ?? fallback.email) }
    }

    /// The CI job's identity in the environment `env`, else `fallback`.
    public static func fromEnvironment(_ env: [String: String]) -> GitAuthor {
        fromCI(CIEnvironment(env)) ?? fallback
    }

    /// `--author` if given, else the CI platform's identity, else the fallback.
    public static func resolve(_ flag: String?, environment: [String: String]) throws -> GitAuthor {
        if let flag, !flag.isEmpty { return try GitAuthor(parsing: flag) }
        return fromEnvironment(environment)
    }

    public var description: String { "\(name) <\(email)>" }
}

/// A deployment change's provenance as git trailers, appended to every commit.
extension Provenance {
    /// Trailer lines (only the known ones), URLs redacted. A commit time that is no ISO 8601 time is left out (a
    /// CI variable is not trusted to be one), a valid one is written in UTC; a rollback names commits by hex id only.
    public var trailers: [String] {
        var out: [String] = []
        if let repository { out.append("Source-Repository: \(redact(url: repository))") }
        if let commit { out.append("Source-Commit: \(commit)") }
        if let pipeline { out.append("Source-Pipeline: \(redact(url: pipeline))") }
        if let t = commitTime.flatMap(Timestamp.parseISO) { out.append("\(Trailers.sourceCommitTime): \(Timestamp.iso(t))") }
        for id in rollbackOf where (7...64).contains(id.count) && id.allSatisfy(\.isHexDigit) { out.append("\(Trailers.rollbackOf): \(id)") }
        return out
    }
}

/// Commit message construction.
public enum CommitMessage {
    /// Expands `{images}` (comma-separated, e.g. `app:1.2.3, web:2.0`), `{files}` (comma-separated code spans) and
    /// `{changes}` (one line per change: ``- `file`: `old` → `new` ``). The same text becomes the MR/PR title and
    /// description (and GitLab's own MR form fills a description from it), so a file name or an old value, which
    /// come from the repository, is a code span (`MarkdownText.code`: one line, no mention, no HTML) and never starts
    /// a line: no quick action (`/approve`) and no trailer comes from a file, and no CI skip directive either
    /// (`SkipDirectives`): only the template's own text can skip the config repo's pipeline. `{images}` are the
    /// run's specs (`promote`'s come from the files), checked against the image reference grammar, written as they
    /// are but for the same escapes.
    public static func expand(_ template: String, images: [String], files: [String], changes: [PlannedChange]) -> String {
        let changeLines = changes.map { "- \(MarkdownText.code($0.file)): \(MarkdownText.code($0.old)) → \(MarkdownText.code($0.new))" }
        let images = images.map { SkipDirectives.neutralized(CQuoting.escapingControls($0)) }
        return template
            .replacingEvery("{images}", with: images.joined(separator: ", "))
            .replacingEvery("{files}", with: files.map(MarkdownText.code).joined(separator: ", "))
            .replacingEvery("{changes}", with: changeLines.joined(separator: "\n"))
    }

    /// `message` with the provenance trailers added as git adds trailers (`Trailers.appending`: to the message's
    /// trailer block, else after a blank line; none → `message` unchanged). A trailer the block already holds is not
    /// repeated; one merely mentioned in the text is. The result ends with a newline.
    public static func withTrailers(_ message: String, provenance: Provenance) -> String {
        Trailers.appending(provenance.trailers, to: message.trimmingBlanksAndNewlines())
    }

    /// Template expansion plus trailers: the CI job's provenance, overridden field by field by `explicit`.
    public static func build(template: String = CommitTemplate.default, images: [String], files: [String],
                             changes: [PlannedChange], provenance explicit: Provenance = Provenance(),
                             ci: CIEnvironment) -> String {
        withTrailers(expand(template, images: images, files: files, changes: changes),
                     provenance: ci.provenance(overriddenBy: explicit))
    }

}
