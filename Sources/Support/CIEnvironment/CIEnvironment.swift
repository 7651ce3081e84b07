
/// What the CI platform's variables say about a run, read in one place: the platform running the job, who started
/// it, what built the image (provenance), the forge's API and server, and the job's checkout. A value built from an
/// environment dictionary: it never reads the process environment (the executables read that once and pass it down).
/// An empty variable counts as absent.
public struct CIEnvironment: Sendable, Equatable {
    public enum Platform: String, Sendable {
        case gitlab, github
    }

    /// The platform running this job, from the marker each sets to `true` in every job (`GITLAB_CI`,
    /// `GITHUB_ACTIONS`; GitLab's wins if both are); nil outside CI. It decides workflow commands, log sections
    /// and step outputs, and, without --forge, the forge for a repository on the job's server (`isOnJobServer`).
    public let platform: Platform?

    /// The platform whose variables the answers below come from: `platform`; without a marker (a run outside CI
    /// given some of a platform's variables by hand) the platform whose variables are set, GitLab's first.
    public let source: Platform?

    /// Whoever started the job: GitLab's user (`GITLAB_USER_NAME`, `GITLAB_USER_EMAIL`), GitHub's actor
    /// (`GITHUB_ACTOR`, with the `ID+login@users.noreply.github.com` address GitHub links to the account when
    /// `GITHUB_ACTOR_ID` is known).
    public let actor: Actor?

    /// What built the image.
    public let provenance: Provenance

    /// The forge's API as the job knows it: `CI_API_V4_URL` / `GITHUB_API_URL` (no trailing slash).
    public let apiURL: String?

    /// The job's checkout of the repository it runs for: `CI_PROJECT_DIR` / `GITHUB_WORKSPACE`.
    public let workspace: String?

    /// Each platform's server as its variables name it (the job's own server is `servers[source]`); a platform
    /// whose variables name no host has none.
    public let servers: [Platform: Server]

    /// GitHub Actions' step output and step summary files (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`), on GitHub only.
    public let outputFile: String?
    public let stepSummaryFile: String?

    /// Where a platform's server is. GitLab: `CI_SERVER_HOST` and `CI_API_V4_URL`'s host, and for SSH clone URLs
    /// `CI_SERVER_SHELL_SSH_HOST`; GitHub: `GITHUB_SERVER_URL`'s host and `GITHUB_API_URL`'s (api.github.com is
    /// github.com), the same for SSH. Hosts are lower-cased; ports are not compared (clone, SSH and API ports differ).
    public struct Server: Sendable, Equatable {
        public let webHosts: Set<String>
        public let sshHost: String?

        /// Whether `location` is on this server; nil when it has no host (a local path, `file://`).
        public func hosts(_ location: RemoteURL) -> Bool? {
            guard location.isNetwork, let host = location.host else { return nil }
            return hosts(host: host, ssh: location.kind == .ssh)
        }

        /// Whether `host` is this server's (for an SSH URL: also its SSH host).
        public func hosts(host: String, ssh: Bool) -> Bool {
            let host = host.lowercased()
            return webHosts.contains(host) || (ssh && sshHost == host)
        }

        init?(webHosts: [String?], sshHost: String?) {
            let web = Set(webHosts.compactMap { $0?.lowercased() })
            guard !web.isEmpty || sshHost != nil else { return nil }
            self.webHosts = web
            self.sshHost = sshHost?.lowercased()
        }
    }

    public struct Actor: Sendable, Equatable {
        public let name: String
        /// nil when the platform gives none.
        public let email: String?
    }

    /// Outside CI: nothing.
    public static let none = CIEnvironment([:])

    /// What built the image as the run states it: `explicit` (`--source-*`, a rollback's commits) over the job's,
    /// field by field; the commit trailers and the MR's provenance links come from it. A commit or repository given
    /// makes the commit's page theirs (on the job's platform; none outside CI), a pipeline given drops the job's
    /// pipeline id (it names another pipeline).
    public func provenance(overriddenBy explicit: Provenance) -> Provenance {
        var p = provenance
        if explicit.repository != nil || explicit.commit != nil {
            p.repository = explicit.repository ?? p.repository
            p.commit = explicit.commit ?? p.commit
            p.commitURL = p.repository.flatMap { r in
                p.commit.flatMap { sha in source.map { $0 == .github ? "\(trimSlash(r))/commit/\(sha)" : "\(trimSlash(r))/-/commit/\(sha)" } }
            }
        }
        if let pipeline = explicit.pipeline { (p.pipeline, p.pipelineID) = (pipeline, nil) }
        p.commitTime = explicit.commitTime ?? p.commitTime
        if !explicit.rollbackOf.isEmpty { p.rollbackOf = explicit.rollbackOf }
        return p
    }

    public init(_ environment: [String: String]) {
        let gitlab = Variables<GitLabVariable>(environment), github = Variables<GitHubVariable>(environment)
        platform = gitlab[.marker] == "true" ? .gitlab : github[.marker] == "true" ? .github : nil
        source = platform ?? (gitlab.anySet ? .gitlab : github.anySet ? .github : nil)
        var actor: Actor?, provenance = Provenance(), apiURL: String?, workspace: String?
        var outputFile: String?, stepSummaryFile: String?
        switch source {
        case .gitlab:
            let v = gitlab
            actor = v[.userName].map { Actor(name: $0, email: v[.userEmail]) }
            let project = v[.projectURL].map(trimSlash), sha = v[.commitSHA]
            provenance = Provenance(
                repository: project, commit: sha, commitURL: project.flatMap { p in sha.map { "\(p)/-/commit/\($0)" } },
                pipeline: v[.pipelineURL], pipelineID: v[.pipelineID], jobURL: v[.jobURL], jobName: v[.jobName])
            provenance.commitTime = v[.commitTime]
            apiURL = v[.apiURL].map(trimSlash)
            workspace = v[.projectDir]
        case .github:
            let v = github
            actor = v[.actor].map { login in
                // the ID-prefixed noreply address is the one GitHub links to the account (as actions/checkout users do)
                let id = v[.actorID].flatMap { $0.allSatisfy { $0.isASCII && $0.isNumber } ? $0 : nil }
                return Actor(name: login, email: "\(id.map { "\($0)+" } ?? "")\(login)@users.noreply.github.com")
            }
            let server = trimSlash(v[.serverURL] ?? "https://github.com")
            let repository = v[.repository].map { "\(server)/\($0)" }
            let sha = v[.sha], run = v[.runID]
            provenance = Provenance(
                repository: repository, commit: sha, commitURL: repository.flatMap { r in sha.map { "\(r)/commit/\($0)" } },
                pipeline: repository.flatMap { r in run.map { "\(r)/actions/runs/\($0)" } }, pipelineID: run)
            apiURL = v[.apiURL].map(trimSlash)
            workspace = v[.workspace]
            if platform == .github { (outputFile, stepSummaryFile) = (v[.output], v[.stepSummary]) }
        case nil:
            break
        }
        self.actor = actor; self.provenance = provenance; self.apiURL = apiURL; self.workspace = workspace
        self.outputFile = outputFile; self.stepSummaryFile = stepSummaryFile
        var servers: [Platform: Server] = [:]
        servers[.gitlab] = Server(webHosts: [gitlab[.serverHost], gitlab[.apiURL].flatMap { RemoteURL($0).host }],
                                  sshHost: gitlab[.sshHost])
        servers[.github] = Server(webHosts: [github[.serverURL].flatMap { RemoteURL($0).host },
                                             github[.apiURL].flatMap { RemoteURL($0).host }.map { $0.lowercased() == "api.github.com" ? "github.com" : $0 }],
                                  sshHost: nil)
        self.servers = servers
    }

    /// Whether the repository at `location` is on the server of the job's platform (`source`): nil when that cannot
    /// be told (the location has no host, or the variables name no server).
    public func isOnJobServer(_ location: String) -> Bool? {
        guard let source, let server = servers[source] else { return nil }
        return server.hosts(RemoteURL(location))
    }

    /// `apiURL` when the variables are `forge`'s (a GitLab job's API is no GitHub API).
    public func apiURL(for forge: Platform) -> String? { source == forge ? apiURL : nil }
}

/// The variables read, per platform (any of them set makes a platform the `source` when no marker is).
enum GitLabVariable: String, CaseIterable {
    case marker = "GITLAB_CI", userName = "GITLAB_USER_NAME", userEmail = "GITLAB_USER_EMAIL"
    case projectURL = "CI_PROJECT_URL", commitSHA = "CI_COMMIT_SHA", pipelineURL = "CI_PIPELINE_URL"
    case commitTime = "CI_COMMIT_TIMESTAMP"
    case pipelineID = "CI_PIPELINE_ID", jobURL = "CI_JOB_URL", jobName = "CI_JOB_NAME"
    case apiURL = "CI_API_V4_URL", projectDir = "CI_PROJECT_DIR"
    case serverHost = "CI_SERVER_HOST", sshHost = "CI_SERVER_SHELL_SSH_HOST"
}

enum GitHubVariable: String, CaseIterable {
    case marker = "GITHUB_ACTIONS", actor = "GITHUB_ACTOR", actorID = "GITHUB_ACTOR_ID"
    case serverURL = "GITHUB_SERVER_URL", repository = "GITHUB_REPOSITORY", sha = "GITHUB_SHA", runID = "GITHUB_RUN_ID"
    case apiURL = "GITHUB_API_URL", workspace = "GITHUB_WORKSPACE"
    case output = "GITHUB_OUTPUT", stepSummary = "GITHUB_STEP_SUMMARY"
}

/// One platform's variables from an environment, an empty value as absent.
struct Variables<Name: RawRepresentable & CaseIterable> where Name.RawValue == String {
    let environment: [String: String]
    init(_ environment: [String: String]) { self.environment = environment }
    subscript(_ name: Name) -> String? { environment[name.rawValue].flatMap { $0.isEmpty ? nil : $0 } }
    var anySet: Bool { Name.allCases.contains { self[$0] != nil } }
}

/// A dictionary literal is an environment: `let ci: CIEnvironment = ["GITLAB_CI": "true"]`.
extension CIEnvironment: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
