import FoundationEssentials
import Support

/// An open pull request as the GitHub REST API describes it (the fields imagebump uses).
public struct GitHubPullRequest: Sendable, Equatable {
    public var number: Int
    public var nodeID: String
    public var title: String
    public var body: String
    public var htmlURL: String
    public var baseRef: String
    public var headRef: String
    /// `owner:branch` of the head, and the repositories (`owner/repo`) of head and base ("" when the answer did not say).
    public var headLabel: String
    public var headRepo: String
    public var baseRepo: String
    public var labels: [String]
    public var assignees: [String]
    public var requestedReviewers: [String]
    public var requestedTeams: [String]
    public var draft: Bool
    public var autoMergeEnabled: Bool

    init(json: [String: Any]) throws {
        guard let number = json["number"] as? Int else {
            throw ForgeError(.invalidResponse, "GitHub API sent a pull request without a number")
        }
        self.number = number
        nodeID = json["node_id"] as? String ?? ""
        title = json["title"] as? String ?? ""
        body = json["body"] as? String ?? ""
        htmlURL = json["html_url"] as? String ?? ""
        baseRef = (json["base"] as? [String: Any])?["ref"] as? String ?? ""
        headRef = (json["head"] as? [String: Any])?["ref"] as? String ?? ""
        headLabel = (json["head"] as? [String: Any])?["label"] as? String ?? ""
        func repo(_ side: String) -> String {
            ((json[side] as? [String: Any])?["repo"] as? [String: Any])?["full_name"] as? String ?? ""
        }
        headRepo = repo("head")
        baseRepo = repo("base")
        labels = (json["labels"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        assignees = (json["assignees"] as? [[String: Any]] ?? []).compactMap { $0["login"] as? String }
        requestedReviewers = (json["requested_reviewers"] as? [[String: Any]] ?? []).compactMap { $0["login"] as? String }
        requestedTeams = (json["requested_teams"] as? [[String: Any]] ?? []).compactMap { $0["slug"] as? String }
        draft = json["draft"] as? Bool ?? false
        autoMergeEnabled = !(json["auto_merge"] == nil || json["auto_merge"] is JSONNull)
    }
}

/// GitHub REST (pulls, issues labels/assignees, requested reviewers) and GraphQL (auto-merge) calls.
public struct GitHubClient: Sendable {
    public enum CreateOutcome: Sendable {
        case created(GitHubPullRequest)
        /// 422 "A pull request already exists for owner:branch."
        case alreadyExists(message: String)
    }

    public enum AutoMergeOutcome: Sendable, Equatable {
        case enabled
        /// GraphQL answered with errors (auto-merge not allowed, PR already clean, ...).
        case notPossible(String)
    }

    public let apiURL: String
    public let graphQLURL: String
    public let owner: String
    public let repo: String
    let api: APIClient

    public init(apiURL: String, repository: String, token: String, tokenSource: String? = nil,
                transport: HTTPTransport, retry: RetryPolicy = .standard, log: (@Sendable (String) -> Void)? = nil) throws {
        self.apiURL = trimSlash(apiURL)
        graphQLURL = ForgeDefaults.gitHubGraphQLURL(apiURL: apiURL)
        let parts = repository.trimming { "/".unicodeScalars.contains($0) }.split(separator: "/").map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ForgeError(.configuration, "GitHub repository must be 'owner/repo', got '\(Redactor(secrets: [token])(repository))'")
        }
        owner = parts[0]
        repo = parts[1]
        api = APIClient(transport: transport, retry: retry, redact: Redactor(secrets: [token]),
                        baseHeaders: [("Authorization", "Bearer \(token)"),
                                      ("Accept", "application/vnd.github+json"),
                                      ("X-GitHub-Api-Version", "2022-11-28")],
                        context: ErrorContext(forgeName: "GitHub", project: "\(parts[0])/\(parts[1])", tokenSource: tokenSource,
                                              scopeHint: "a fine-grained token or GITHUB_TOKEN needs pull-requests: write and contents: write (classic tokens: repo scope)"),
                        log: log)
    }

    var repoURL: String { "\(apiURL)/repos/\(percentEncode(owner))/\(percentEncode(repo))" }

    /// `GET /repos/{owner}/{repo}/pulls?head=owner:branch&state=open`
    public func openPullRequests(branch: String) throws -> [GitHubPullRequest] {
        let head = "\(owner):\(branch)"
        let url = "\(repoURL)/pulls?" + queryString([("head", head), ("state", "open")])
        let response = try api.send("GET", url, what: "list open pull requests for '\(head)'")
        return try api.array(response, what: "list pull requests").map { try GitHubPullRequest(json: $0) }
    }

    /// `GET /repos/{owner}/{repo}/pulls?base=..&state=open&per_page=100`, every page (`allPages`): where a PR is found
    /// by its key. `complete` is false when there were more pages than are read.
    public func openPullRequests(base: String) throws -> (prs: [GitHubPullRequest], complete: Bool) {
        let url = "\(repoURL)/pulls?" + queryString([("base", base), ("state", "open"), ("per_page", "100")])
        let pages = try api.allPages(url, what: "list open pull requests into '\(base)'")
        return (try pages.items.map { try GitHubPullRequest(json: $0) }, pages.complete)
    }

    /// `GET /repos/{owner}/{repo}`: whether the token may push (nil when the answer does not say, as for app tokens).
    public func canPush() throws -> Bool? {
        let response = try api.send("GET", repoURL, what: "read repository \(owner)/\(repo)")
        return (try api.object(response, what: "read a repository")["permissions"] as? [String: Any])?["push"] as? Bool
    }

    /// `GET /repos/{owner}/{repo}/assignees/{login}`: 204 when the user can be assigned (a collaborator), 404 if not.
    public func isAssignable(_ login: String) throws -> Bool {
        let response = try api.send("GET", "\(repoURL)/assignees/\(percentEncode(login))", accept: [404],
                                    what: "check that '\(login)' can be assigned")
        return response.status != 404
    }

    /// `POST /repos/{owner}/{repo}/issues/{n}/comments`
    public func addComment(number: Int, body: String) throws {
        _ = try api.send("POST", "\(repoURL)/issues/\(number)/comments", json: ["body": body], what: "comment on pull request #\(number)")
    }

    /// `POST /repos/{owner}/{repo}/pulls`
    public func createPullRequest(_ fields: [String: Any]) throws -> CreateOutcome {
        let response = try api.send("POST", "\(repoURL)/pulls", json: fields, accept: [422], what: "create a pull request")
        if response.status == 422 {
            let text = response.bodyText.lowercased()
            if text.contains("already exists") {
                return .alreadyExists(message: api.redact.excerpt(response.body))
            }
            throw api.mapClientError(response, method: "POST", shownURL: api.redact("\(repoURL)/pulls"), what: "create a pull request (check that the base branch exists and the head branch was pushed)")
        }
        return .created(try GitHubPullRequest(json: try api.object(response, what: "create a pull request")))
    }

    /// `PATCH /repos/{owner}/{repo}/pulls/{n}`
    public func updatePullRequest(number: Int, _ fields: [String: Any]) throws -> GitHubPullRequest {
        let response = try api.send("PATCH", "\(repoURL)/pulls/\(number)", json: fields, what: "update pull request #\(number)")
        return try GitHubPullRequest(json: try api.object(response, what: "update a pull request"))
    }

    /// `POST /repos/{owner}/{repo}/issues/{n}/labels` (adds).
    public func addLabels(number: Int, _ labels: [String]) throws {
        _ = try api.send("POST", "\(repoURL)/issues/\(number)/labels", json: ["labels": labels], what: "label pull request #\(number)")
    }

    /// `POST /repos/{owner}/{repo}/issues/{n}/assignees` (adds).
    public func addAssignees(number: Int, _ logins: [String]) throws {
        _ = try api.send("POST", "\(repoURL)/issues/\(number)/assignees", json: ["assignees": logins], what: "assign pull request #\(number)")
    }

    /// `POST /repos/{owner}/{repo}/pulls/{n}/requested_reviewers`
    public func requestReviewers(number: Int, users: [String], teams: [String]) throws {
        var fields: [String: Any] = [:]
        if !users.isEmpty { fields["reviewers"] = users }
        if !teams.isEmpty { fields["team_reviewers"] = teams }
        _ = try api.send("POST", "\(repoURL)/pulls/\(number)/requested_reviewers", json: fields, what: "request reviewers on pull request #\(number)")
    }

    /// GraphQL `enablePullRequestAutoMerge` with the PR's `node_id`.
    public func enableAutoMerge(nodeID: String, mergeMethod: String, expectedHeadOid: String?) throws -> AutoMergeOutcome {
        let query = """
        mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod, $expectedHeadOid: GitObjectID) {
          enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod, expectedHeadOid: $expectedHeadOid}) {
            pullRequest { number autoMergeRequest { enabledAt mergeMethod } }
          }
        }
        """
        var variables: [String: Any] = ["pullRequestId": nodeID, "mergeMethod": mergeMethod]
        if let expectedHeadOid { variables["expectedHeadOid"] = expectedHeadOid }
        let response = try api.send("POST", graphQLURL, json: ["query": query, "variables": variables],
                                    what: "enable auto-merge (GraphQL enablePullRequestAutoMerge)")
        let obj = try api.object(response, what: "enable auto-merge")
        if let errors = obj["errors"] as? [[String: Any]], !errors.isEmpty {
            let messages = errors.compactMap { $0["message"] as? String }.joined(separator: "; ")
            return .notPossible(api.redact(String(messages.prefix(300))))
        }
        return .enabled
    }
}

extension MergeRequestService {
    func gitHubOpenOrUpdate(_ r: MergeRequestRequest, transport: HTTPTransport) throws -> MergeRequestResult {
        let client = try gitHubClient(r, transport: transport)
        let redact = Redactor(secrets: [r.token])
        let labels = r.options.labels.filter { !$0.isEmpty }.uniqued()
        let assignees = r.options.assignees.filter { !$0.isEmpty }.map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }.uniqued()
        let reviewerNames = r.options.reviewers.filter { !$0.isEmpty }.map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }.uniqued()
        let userReviewers = reviewerNames.filter { !$0.contains("/") }
        let teamReviewers = reviewerNames.filter { $0.contains("/") }.map { String($0.split(separator: "/").last ?? "") }

        var warnings: [String] = []
        func findExisting() throws -> GitHubPullRequest? {
            let found = try gitHubFind(r, client: client)
            warnings += found.warnings
            return found.pr
        }

        var created = false
        var updated = false
        var pr: GitHubPullRequest
        if let existing = try findExisting() {
            pr = existing
        } else {
            var fields: [String: Any] = ["title": r.title, "body": r.markedDescription, "head": r.sourceBranch, "base": r.targetBranch]
            if r.options.draft { fields["draft"] = true }
            switch try client.createPullRequest(fields) {
            case .created(let new):
                pr = new
                created = true
            case .alreadyExists(let message):
                log?("GitHub: a pull request for '\(r.sourceBranch)' already exists (\(message)); updating it")
                guard let existing = try findExisting() else {
                    throw ForgeError(.http, "GitHub answered 422 (\(message)) but no open pull request for '\(redact(r.sourceBranch))' was found; re-run imagebump")
                }
                pr = existing
            }
        }

        if !created {
            var fields: [String: Any] = [:]
            if pr.title != r.title { fields["title"] = r.title }
            if !sameText(pr.body, r.markedDescription) { fields["body"] = r.markedDescription }
            if !fields.isEmpty {
                pr = try client.updatePullRequest(number: pr.number, fields)
                updated = true
            }
        }
        let missingLabels = labels.filter { !pr.labels.contains($0) }
        if !missingLabels.isEmpty {
            try client.addLabels(number: pr.number, missingLabels)
            updated = updated || !created
        }
        let missingAssignees = assignees.filter { a in !pr.assignees.contains { $0.lowercased() == a.lowercased() } }
        if !missingAssignees.isEmpty {
            try client.addAssignees(number: pr.number, missingAssignees)
            updated = updated || !created
        }
        let missingUsers = userReviewers.filter { u in !pr.requestedReviewers.contains { $0.lowercased() == u.lowercased() } }
        let missingTeams = teamReviewers.filter { t in !pr.requestedTeams.contains { $0.lowercased() == t.lowercased() } }
        if !missingUsers.isEmpty || !missingTeams.isEmpty {
            try client.requestReviewers(number: pr.number, users: missingUsers, teams: missingTeams)
            updated = updated || !created
        }

        if r.options.draft && !created && !pr.draft {
            warnings.append("pull request #\(pr.number) is not a draft; imagebump only sets draft when it opens a pull request")
        }
        var autoMerge: Bool? = nil
        if r.options.autoMerge {
            if pr.autoMergeEnabled {
                autoMerge = true
            } else if pr.nodeID.isEmpty {
                autoMerge = false
                warnings.append("GitHub sent no node_id for pull request #\(pr.number); auto-merge not enabled")
            } else {
                switch try client.enableAutoMerge(nodeID: pr.nodeID, mergeMethod: r.options.squash ? "SQUASH" : "MERGE",
                                                  expectedHeadOid: r.headSHA) {
                case .enabled:
                    autoMerge = true
                    updated = updated || !created
                case .notPossible(let why):
                    autoMerge = false
                    warnings.append("GitHub did not enable auto-merge on pull request #\(pr.number) (\(why)); check that the repository allows auto-merge and the base branch has required checks, or enable it in the web UI")
                }
            }
        }
        let url = pr.htmlURL.isEmpty ? "\(client.repoURL)/pulls/\(pr.number)" : pr.htmlURL
        return MergeRequestResult(url: redact(url), number: pr.number, created: created, updated: updated, forge: .github,
                                  autoMergeEnabled: autoMerge, warnings: warnings.map { redact($0) })
    }
}
