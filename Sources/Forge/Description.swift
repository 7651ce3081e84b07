import BuildInfo
import Foundation
import Redaction

/// One image change shown in the MR/PR description.
public struct ImageChangeRow: Sendable, Equatable, Codable {
    public var file: String
    public var image: String
    public var old: String
    public var new: String

    public init(file: String, image: String, old: String, new: String) {
        self.file = file
        self.image = image
        self.old = old
        self.new = new
    }
}

/// A provenance link (pipeline, job, source commit, ...).
public struct ProvenanceLink: Sendable, Equatable, Codable {
    public var title: String
    public var url: String
    public init(title: String, url: String) {
        self.title = title
        self.url = url
    }
}

/// The default MR/PR description: a Markdown table of changes plus provenance links.
public enum MergeRequestDescription {
    /// Marker that identifies descriptions written by imagebump.
    public static let marker = "<!-- imagebump -->"

    /// `version` ends the description as a footer, so a reviewer sees which imagebump release made the change.
    public static func render(changes: [ImageChangeRow], provenance: [ProvenanceLink] = [], intro: String? = nil,
                              version: String = BuildInfo.description) -> String {
        var lines: [String] = [marker]
        lines.append(intro ?? "Image updates by imagebump.")
        lines.append("")
        if changes.isEmpty {
            lines.append("_No image changes._")
        } else {
            lines.append("| File | Image | Change |")
            lines.append("| --- | --- | --- |")
            for c in changes {
                lines.append("| \(code(c.file)) | \(code(c.image)) | \(code(c.old)) → \(code(c.new)) |")
            }
        }
        if !provenance.isEmpty {
            lines.append("")
            lines.append("**Provenance**")
            lines.append("")
            for link in provenance {
                lines.append("- [\(escapeLinkText(link.title))](\(link.url.replacingOccurrences(of: ")", with: "%29").replacingOccurrences(of: " ", with: "%20")))")
            }
        }
        lines.append("")
        lines.append("<sub>imagebump \(version)</sub>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Links from the CI environment (credentials in them redacted): GitLab (`CI_PIPELINE_URL`, `CI_JOB_URL`, `CI_PROJECT_URL`+`CI_COMMIT_SHA`)
    /// and GitHub Actions (`GITHUB_SERVER_URL`/`GITHUB_REPOSITORY`/`GITHUB_RUN_ID`, `GITHUB_SHA`).
    public static func provenanceLinks(environment env: [String: String]) -> [ProvenanceLink] {
        var links: [ProvenanceLink] = []
        func value(_ k: String) -> String? { env[k].flatMap { $0.isEmpty ? nil : redact(url: $0) } }
        if let p = value("CI_PIPELINE_URL") { links.append(ProvenanceLink(title: "Pipeline \(value("CI_PIPELINE_ID") ?? "")".trimmingCharacters(in: .whitespaces), url: p)) }
        if let j = value("CI_JOB_URL") { links.append(ProvenanceLink(title: "Job \(value("CI_JOB_NAME") ?? "")".trimmingCharacters(in: .whitespaces), url: j)) }
        if let project = value("CI_PROJECT_URL"), let sha = value("CI_COMMIT_SHA") {
            links.append(ProvenanceLink(title: "Commit \(sha.prefix(12))", url: "\(trimSlash(project))/-/commit/\(sha)"))
        }
        if let server = value("GITHUB_SERVER_URL"), let repo = value("GITHUB_REPOSITORY") {
            if let run = value("GITHUB_RUN_ID") {
                links.append(ProvenanceLink(title: "Workflow run \(run)", url: "\(trimSlash(server))/\(repo)/actions/runs/\(run)"))
            }
            if let sha = value("GITHUB_SHA") {
                links.append(ProvenanceLink(title: "Commit \(sha.prefix(12))", url: "\(trimSlash(server))/\(repo)/commit/\(sha)"))
            }
        }
        return links
    }

    static func code(_ s: String) -> String {
        let cleaned = s.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "|", with: "\\|")
        if cleaned.isEmpty { return "—" }
        let fence = cleaned.contains("`") ? "``" : "`"
        return "\(fence)\(cleaned)\(fence)"
    }

    static func escapeLinkText(_ s: String) -> String {
        s.replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
    }
}
