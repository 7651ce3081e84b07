import FoundationEssentials
import Support

/// The open MR/PR a run would update, as found before anything is pushed.
public struct ExistingMergeRequest: Sendable, Equatable {
    /// GitLab `iid` / GitHub number.
    public var number: Int
    /// Its branch: where the run pushes (it may differ from the key's branch when found by the key's marker).
    public var sourceBranch: String
    public var url: String
}

/// What `preflight` found: the open MR of the key (if any) and notes for the user.
public struct MergeRequestPreflight: Sendable {
    public var existing: ExistingMergeRequest?
    public var warnings: [String]
}

extension MergeRequestService {
    /// Everything that can be checked before anything is written or pushed: the token reaches the project (and may
    /// write to it, where the forge says), every assignee and reviewer exists, and the open MR of `request` — by
    /// its `sourceBranch`, else by its key's marker — only one whose source branch, target branch and project are
    /// the asked ones. Throws `ForgeError`.
    public func preflight(_ request: MergeRequestRequest) throws -> MergeRequestPreflight {
        try withRedaction(request) { service, transport in
            switch request.forge {
            case .gitlab: return try service.gitLabPreflight(request, transport: transport)
            case .github: return try service.gitHubPreflight(request, transport: transport)
            }
        }
    }

    /// The open MR of `request` as `preflight` finds it, without preflight's other checks: asked again after a refused
    /// push of its branch, when another run may have opened it since the run looked.
    public func openMergeRequest(_ request: MergeRequestRequest) throws -> ExistingMergeRequest? {
        try withRedaction(request) { service, transport in
            switch request.forge {
            case .gitlab:
                let client = service.gitLabClient(request, transport: transport)
                return try service.gitLabFind(request, client: client, projectID: { try client.readProject().id }).mr
                    .map { ExistingMergeRequest(number: $0.iid, sourceBranch: $0.sourceBranch, url: $0.webURL) }
            case .github:
                return try service.gitHubFind(request, client: try service.gitHubClient(request, transport: transport)).pr
                    .map { ExistingMergeRequest(number: $0.number, sourceBranch: $0.headRef, url: $0.htmlURL) }
            }
        }
    }

    /// Comments `comment` on MR/PR `number` (of `request`'s project), then closes it.
    public func close(_ request: MergeRequestRequest, number: Int, comment: String) throws {
        try withRedaction(request) { service, transport in
            switch request.forge {
            case .gitlab:
                let client = service.gitLabClient(request, transport: transport)
                try client.addNote(iid: number, body: comment)
                _ = try client.updateMergeRequest(iid: number, ["state_event": "close"])
            case .github:
                let client = try service.gitHubClient(request, transport: transport)
                try client.addComment(number: number, body: comment)
                _ = try client.updatePullRequest(number: number, ["state": "closed"])
            }
        }
    }

    func gitLabClient(_ r: MergeRequestRequest, transport: HTTPTransport) -> GitLabClient {
        GitLabClient(apiURL: r.apiURL, project: r.project, token: r.token, tokenKind: r.gitLabTokenKind,
                     tokenSource: r.tokenSource, transport: transport, retry: retry, log: log)
    }

    func gitHubClient(_ r: MergeRequestRequest, transport: HTTPTransport) throws -> GitHubClient {
        try GitHubClient(apiURL: r.apiURL, repository: r.project, token: r.token, tokenSource: r.tokenSource,
                         transport: transport, retry: retry, log: log)
    }

    func gitLabPreflight(_ r: MergeRequestRequest, transport: HTTPTransport) throws -> MergeRequestPreflight {
        let client = gitLabClient(r, transport: transport)
        let project = try client.readProject()
        if let level = project.accessLevel, level < 30 {
            throw ForgeError(.authentication, "the token\(r.tokenSource.map { " (\($0))" } ?? "") has access level \(level) on GitLab project \(r.project); opening a merge request needs at least Developer (30)")
        }
        for name in (r.options.assignees + r.options.reviewers).filter({ !$0.isEmpty }).uniqued() { _ = try client.userID(username: name) }
        let found = try gitLabFind(r, client: client, projectID: { project.id })
        return MergeRequestPreflight(existing: found.mr.map { ExistingMergeRequest(number: $0.iid, sourceBranch: $0.sourceBranch, url: $0.webURL) },
                                     warnings: found.warnings)
    }

    func gitHubPreflight(_ r: MergeRequestRequest, transport: HTTPTransport) throws -> MergeRequestPreflight {
        let client = try gitHubClient(r, transport: transport)
        if try client.canPush() == false {
            throw ForgeError(.authentication, "the token\(r.tokenSource.map { " (\($0))" } ?? "") cannot push to GitHub repository \(r.project); it needs contents: write and pull-requests: write")
        }
        let logins = (r.options.assignees + r.options.reviewers).filter { !$0.isEmpty && !$0.contains("/") }
            .map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }.uniqued()
        for login in logins where try !client.isAssignable(login) {
            throw ForgeError(.configuration, "GitHub user '\(login)' cannot be assigned or asked for a review in \(r.project) (not a collaborator?): check the --assignee/--reviewer logins")
        }
        let found = try gitHubFind(r, client: client)
        return MergeRequestPreflight(existing: found.pr.map { ExistingMergeRequest(number: $0.number, sourceBranch: $0.headRef, url: $0.htmlURL) },
                                     warnings: found.warnings)
    }

    /// The open MR of `r`: listed for its source branch, with that source branch, `r`'s target branch, and
    /// `projectID` on both sides — anything else the server listed is someone else's MR, ignored with a warning.
    /// Else, with a key: an open MR into the target branch whose description holds the key's marker and whose
    /// branch is a bot branch of this project.
    /// `projectID` is asked only when there is an MR to check.
    func gitLabFind(_ r: MergeRequestRequest, client: GitLabClient, projectID: () throws -> Int) throws -> (mr: GitLabMergeRequest?, warnings: [String]) {
        var id: Int?
        func inProject(_ mr: GitLabMergeRequest) throws -> Bool {
            if id == nil { id = try projectID() }
            return mr.sourceProjectID == id && mr.targetProjectID == id
        }
        var warnings: [String] = []
        for mr in try client.openMergeRequests(sourceBranch: r.sourceBranch) {
            if mr.sourceBranch == r.sourceBranch && mr.targetBranch == r.targetBranch, try inProject(mr) { return (mr, warnings) }
            warnings.append("ignored merge request !\(mr.iid) (\(mr.sourceBranch) → \(mr.targetBranch)) that GitLab listed for \(r.sourceBranch) → \(r.targetBranch): another branch or project; imagebump only updates its own merge request")
        }
        guard let key = r.key else { return (nil, warnings) }
        let open = try client.openMergeRequests(targetBranch: r.targetBranch)
        let marked = try open.mrs.first {
            try $0.targetBranch == r.targetBranch && MergeRequestKey.isBotBranch($0.sourceBranch)
                && MergeRequestKey.canonical(inDescription: $0.description) == key.canonical && inProject($0)
        }
        if marked == nil, let legacy = try open.mrs.first(where: {
            try $0.targetBranch == r.targetBranch && key.isLegacy(sourceBranch: $0.sourceBranch, description: $0.description) && inProject($0)
        }) {
            warnings.append(MergeRequestKey.adopted("merge request !\(legacy.iid)", branch: legacy.sourceBranch))
            return (legacy, warnings)
        }
        if marked == nil && !open.complete { warnings.append(Self.unlisted(open.mrs.count, "merge requests", into: r.targetBranch)) }
        return (marked, warnings)
    }

    /// As `gitLabFind`: head `owner:branch` and base branch as asked, both in this repository.
    func gitHubFind(_ r: MergeRequestRequest, client: GitHubClient) throws -> (pr: GitHubPullRequest?, warnings: [String]) {
        let repo = "\(client.owner)/\(client.repo)".lowercased()
        let headLabel = "\(client.owner):\(r.sourceBranch)".lowercased()
        func sameRepos(_ pr: GitHubPullRequest) -> Bool {
            pr.baseRepo.lowercased() == repo && pr.headRepo.lowercased() == repo
        }
        var warnings: [String] = []
        for pr in try client.openPullRequests(branch: r.sourceBranch) {
            if pr.headRef == r.sourceBranch && pr.headLabel.lowercased() == headLabel && pr.baseRef == r.targetBranch && sameRepos(pr) {
                return (pr, warnings)
            }
            warnings.append("ignored pull request #\(pr.number) (\(pr.headLabel) → \(pr.baseRef)) that GitHub listed for \(headLabel) → \(r.targetBranch): another branch or repository; imagebump only updates its own pull request")
        }
        guard let key = r.key else { return (nil, warnings) }
        let open = try client.openPullRequests(base: r.targetBranch)
        let marked = open.prs.first {
            $0.baseRef == r.targetBranch && sameRepos($0) && MergeRequestKey.isBotBranch($0.headRef)
                && $0.headLabel.lowercased() == "\(client.owner):\($0.headRef)".lowercased()
                && MergeRequestKey.canonical(inDescription: $0.body) == key.canonical
        }
        if marked == nil, let legacy = open.prs.first(where: {
            $0.baseRef == r.targetBranch && sameRepos($0) && $0.headLabel.lowercased() == "\(client.owner):\($0.headRef)".lowercased()
                && key.isLegacy(sourceBranch: $0.headRef, description: $0.body)
        }) {
            warnings.append(MergeRequestKey.adopted("pull request #\(legacy.number)", branch: legacy.headRef))
            return (legacy, warnings)
        }
        if marked == nil && !open.complete { warnings.append(Self.unlisted(open.prs.count, "pull requests", into: r.targetBranch)) }
        return (marked, warnings)
    }

    /// The warning of a marker lookup that stopped at `APIClient.maxPages` pages.
    static func unlisted(_ count: Int, _ what: String, into target: String) -> String {
        "looked for this run's open \(what) into \(target) by its key among the first \(count) only (\(APIClient.maxPages) pages): one opened under another branch name beyond them is not found, and a second one may be opened"
    }
}
