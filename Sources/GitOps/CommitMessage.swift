import Foundation
import ImagebumpKit

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
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let lt = t.lastIndex(of: "<"), t.hasSuffix(">") else {
            throw GitOpsError.invalidArgument("invalid author '\(text)': expected \"Name <email>\"")
        }
        let name = t[t.startIndex..<lt].trimmingCharacters(in: .whitespaces)
        let email = String(t[t.index(after: lt)..<t.index(before: t.endIndex)]).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !email.isEmpty, !email.contains("<"), !email.contains(">") else {
            throw GitOpsError.invalidArgument("invalid author '\(text)': expected \"Name <email>\"")
        }
        self.init(name: name, email: email)
    }

    /// The fallback identity: `imagebump <imagebump@localhost>`.
    public static let fallback = GitAuthor(name: "imagebump", email: "imagebump@localhost")

    /// The author from the CI platform's variables, else `fallback`.
    /// GitLab: `GITLAB_USER_NAME` / `GITLAB_USER_EMAIL`; GitHub: `GITHUB_ACTOR`
    /// (`<actor> <<actor>@users.noreply.github.com>`).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> GitAuthor {
        fromCI(env) ?? fallback
    }

    /// The identity of whoever started the CI job (GitLab user, GitHub actor), nil outside CI.
    public static func fromCI(_ env: [String: String]) -> GitAuthor? {
        if let name = env["GITLAB_USER_NAME"], !name.isEmpty {
            let email = env["GITLAB_USER_EMAIL"].flatMap { $0.isEmpty ? nil : $0 } ?? "imagebump@localhost"
            return GitAuthor(name: name, email: email)
        }
        if let actor = env["GITHUB_ACTOR"], !actor.isEmpty {
            // GitHub links a commit to the account by the ID-prefixed noreply address, as actions/checkout users do
            let id = env["GITHUB_ACTOR_ID"].flatMap { $0.isEmpty || !$0.allSatisfy(\.isNumber) ? nil : $0 }
            return GitAuthor(name: actor, email: "\(id.map { "\($0)+" } ?? "")\(actor)@users.noreply.github.com")
        }
        return nil
    }

    /// `--author` if given, else the CI platform's identity, else the fallback.
    public static func resolve(_ flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GitAuthor {
        if let flag, !flag.isEmpty { return try GitAuthor(parsing: flag) }
        return fromEnvironment(environment)
    }

    public var description: String { "\(name) <\(email)>" }
}

/// Provenance of a deployment change, appended to every commit as git trailers.
public struct Provenance: Sendable, Equatable {
    /// `Source-Repository:` — URL of the repository that built the image.
    public var repository: String?
    /// `Source-Commit:` — commit sha that was built.
    public var commit: String?
    /// `Source-Pipeline:` — URL of the pipeline / workflow run.
    public var pipeline: String?

    public init(repository: String? = nil, commit: String? = nil, pipeline: String? = nil) {
        self.repository = repository
        self.commit = commit
        self.pipeline = pipeline
    }

    /// From CI variables. GitLab: `CI_PROJECT_URL`, `CI_COMMIT_SHA`, `CI_PIPELINE_URL`.
    /// GitHub: `GITHUB_SERVER_URL`/`GITHUB_REPOSITORY`, `GITHUB_SHA`,
    /// `GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Provenance {
        func v(_ k: String) -> String? { env[k].flatMap { $0.isEmpty ? nil : $0 } }
        if v("CI_PROJECT_URL") != nil || v("CI_PIPELINE_URL") != nil || v("GITLAB_CI") != nil {
            return Provenance(repository: v("CI_PROJECT_URL"), commit: v("CI_COMMIT_SHA"), pipeline: v("CI_PIPELINE_URL"))
        }
        if let repo = v("GITHUB_REPOSITORY") {
            let server = v("GITHUB_SERVER_URL") ?? "https://github.com"
            let base = "\(server)/\(repo)"
            return Provenance(repository: base, commit: v("GITHUB_SHA"),
                              pipeline: v("GITHUB_RUN_ID").map { "\(base)/actions/runs/\($0)" })
        }
        return Provenance()
    }

    /// Explicit values (flags) override the environment's, field by field.
    public func overriding(with explicit: Provenance) -> Provenance {
        Provenance(repository: explicit.repository ?? repository, commit: explicit.commit ?? commit,
                   pipeline: explicit.pipeline ?? pipeline)
    }

    /// Trailer lines (only the known ones), URLs redacted.
    public var trailers: [String] {
        var out: [String] = []
        if let repository { out.append("Source-Repository: \(redact(url: repository))") }
        if let commit { out.append("Source-Commit: \(commit)") }
        if let pipeline { out.append("Source-Pipeline: \(redact(url: pipeline))") }
        return out
    }
}

/// One change made by an edit, for `{changes}`.
public struct ChangeDescription: Sendable, Equatable {
    public var file: String
    public var old: String
    public var new: String
    public init(file: String, old: String, new: String) {
        self.file = file
        self.old = old
        self.new = new
    }
}

/// Commit message construction.
public enum CommitMessage {
    /// Expands `{images}` (comma-separated, e.g. `app:1.2.3, web:2.0`), `{files}` (comma-separated) and
    /// `{changes}` (one line per change: `file: old → new`).
    public static func expand(_ template: String, images: [String], files: [String], changes: [ChangeDescription]) -> String {
        let changeLines = changes.map { "\($0.file): \($0.old) → \($0.new)" }.joined(separator: "\n")
        return template
            .replacingOccurrences(of: "{images}", with: images.joined(separator: ", "))
            .replacingOccurrences(of: "{files}", with: files.joined(separator: ", "))
            .replacingOccurrences(of: "{changes}", with: changeLines)
    }

    /// `message` followed by a blank line and the provenance trailers (none → `message` unchanged).
    /// Trailers already present in the message are not repeated. The result ends with a newline.
    public static func withTrailers(_ message: String, provenance: Provenance) -> String {
        var body = message.trimmingCharacters(in: .whitespacesAndNewlines)
        let trailers = provenance.trailers.filter { !body.contains($0) }
        if !trailers.isEmpty { body += "\n\n" + trailers.joined(separator: "\n") }
        return body + "\n"
    }

    /// Convenience: template expansion plus trailers (provenance from the environment overridden by `explicit`).
    public static func build(template: String = CommitTemplate.default, images: [String], files: [String],
                             changes: [ChangeDescription], provenance explicit: Provenance = Provenance(),
                             environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let prov = Provenance.fromEnvironment(environment).overriding(with: explicit)
        return withTrailers(expand(template, images: images, files: files, changes: changes), provenance: prov)
    }
}
