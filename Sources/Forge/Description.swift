import Support
import FoundationEssentials
import ImageRules

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
    public static func render(changes: [PlannedChange], provenance: [ProvenanceLink] = [], intro: String? = nil,
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
                lines.append("- [\(MarkdownText.literal(link.title))](\(CQuoting.escapingControls(link.url).replacingEvery(")", with: "%29").replacingEvery(" ", with: "%20")))")
            }
        }
        lines.append("")
        lines.append("<sub>imagebump \(version)</sub>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Links to the CI job's pipeline (GitLab: with its id) or workflow run, its job (GitLab) and the source commit,
    /// from `CIEnvironment.provenance`; credentials in the URLs redacted.
    public static func provenanceLinks(environment: CIEnvironment) -> [ProvenanceLink] {
        provenanceLinks(environment.provenance, environment: environment)
    }

    /// The links of `p` (the run's provenance: `--source-*` over the job's), named as `environment`'s platform does.
    public static func provenanceLinks(_ p: Provenance, environment: CIEnvironment) -> [ProvenanceLink] {
        let pipeline = environment.source == .github ? "Workflow run" : "Pipeline"
        let links: [(String, String?)] = [
            ([pipeline, p.pipelineID].compactMap { $0 }.joined(separator: " "), p.pipeline),
            (["Job", p.jobName].compactMap { $0 }.joined(separator: " "), p.jobURL),
            ("Commit \(p.commit?.prefix(12) ?? "")", p.commitURL),
        ]
        return links.compactMap { title, url in url.map { ProvenanceLink(title: title, url: redact(url: $0)) } }
    }

    static func code(_ s: String) -> String { MarkdownText.tableCode(s) }
}
