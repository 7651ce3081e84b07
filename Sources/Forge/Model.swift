import FoundationEssentials
import Support

/// How a GitLab token is sent: `PRIVATE-TOKEN` (personal, project, group tokens) or `JOB-TOKEN` (CI_JOB_TOKEN).
public enum GitLabTokenKind: String, Sendable, Codable {
    case privateToken
    case jobToken
}

/// How a run's MR/PR is opened, as asked on the command line (`--label`, `--assignee`, `--reviewer`, `--draft`,
/// `--auto-merge`, `--remove-source-branch`, `--squash`): built once from the options, carried unchanged into
/// every request.
public struct MergeRequestOptions: Sendable, Equatable {
    public var labels: [String]
    /// Usernames (GitLab) / logins (GitHub).
    public var assignees: [String]
    /// Usernames / logins; on GitHub `org/team` requests a team review.
    public var reviewers: [String]
    public var draft: Bool
    /// GitLab: merge when the pipeline succeeds (auto-merge); GitHub: enable auto-merge.
    public var autoMerge: Bool
    /// GitLab only.
    public var removeSourceBranch: Bool
    /// GitLab: squash on merge. GitHub: auto-merge uses the SQUASH method.
    public var squash: Bool

    public init(labels: [String] = [], assignees: [String] = [], reviewers: [String] = [], draft: Bool = false,
                autoMerge: Bool = false, removeSourceBranch: Bool = false, squash: Bool = false) {
        self.labels = labels; self.assignees = assignees; self.reviewers = reviewers; self.draft = draft
        self.autoMerge = autoMerge; self.removeSourceBranch = removeSourceBranch; self.squash = squash
    }
}

/// Everything needed to open or update one MR/PR.
public struct MergeRequestRequest: Sendable {
    public var forge: ForgeKind
    /// REST base: `https://gitlab.example.com/api/v4`, `https://api.github.com`, `https://ghe.example.com/api/v3`.
    public var apiURL: String
    /// GitLab `group/sub/project`; GitHub `owner/repo`.
    public var project: String
    /// The bot branch that was pushed.
    public var sourceBranch: String
    /// The branch to merge into (`--branch`).
    public var targetBranch: String
    /// Title without any `Draft: ` prefix (added here when `draft`).
    public var title: String
    public var description: String
    /// Labels, assignees, reviewers, draft and merge settings.
    public var options: MergeRequestOptions
    public var token: String
    public var gitLabTokenKind: GitLabTokenKind
    /// Where the token came from (e.g. `GITLAB_TOKEN`), named in 401/403/404 messages. Never the token itself.
    public var tokenSource: String?
    /// The pushed commit; passed as `sha` (GitLab merge) / `expectedHeadOid` (GitHub auto-merge) when set.
    public var headSHA: String?
    /// CA file, timeouts, User-Agent.
    public var transportOptions: TransportOptions
    /// What the MR changes: written into the description as a hidden marker, and how an open MR is found when its
    /// branch has another name. nil: found by `sourceBranch` only.
    public var key: MergeRequestKey?

    /// The description as sent: `description` with the key's marker.
    var markedDescription: String { key.map { $0.marking(description) } ?? description }

    public init(forge: ForgeKind, apiURL: String, project: String, sourceBranch: String, targetBranch: String,
                title: String, description: String, options: MergeRequestOptions = MergeRequestOptions(), token: String,
                gitLabTokenKind: GitLabTokenKind = .privateToken, tokenSource: String? = nil,
                headSHA: String? = nil,
                transportOptions: TransportOptions = TransportOptions(), key: MergeRequestKey? = nil) {
        self.forge = forge
        self.apiURL = apiURL
        self.project = project
        self.sourceBranch = sourceBranch
        self.targetBranch = targetBranch
        self.title = title
        self.description = description
        self.options = options
        self.token = token
        self.gitLabTokenKind = gitLabTokenKind
        self.tokenSource = tokenSource
        self.headSHA = headSHA
        self.transportOptions = transportOptions
        self.key = key
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
