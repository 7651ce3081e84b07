/// Which forge API to talk to: GitLab or GitHub. Encoded as `gitlab` / `github` (`--forge`, the run report).
public enum ForgeKind: String, Sendable, CaseIterable, Codable {
    case gitlab
    case github

    public var displayName: String { self == .gitlab ? "GitLab" : "GitHub" }

    /// What this forge calls a merge request: "merge request" on GitLab, "pull request" on GitHub.
    public var mergeRequestNoun: String { self == .github ? "pull request" : "merge request" }
}
