import FoundationEssentials
import Support

/// An open merge request as the GitLab v4 API describes it (the fields imagebump uses).
public struct GitLabMergeRequest: Sendable, Equatable {
    public var id: Int
    public var iid: Int
    public var title: String
    public var description: String
    public var sourceBranch: String
    public var targetBranch: String
    public var labels: [String]
    public var webURL: String
    public var assigneeIDs: [Int]
    public var reviewerIDs: [Int]
    public var draft: Bool
    public var squash: Bool
    public var forceRemoveSourceBranch: Bool
    public var mergeWhenPipelineSucceeds: Bool
    /// The projects the MR comes from and goes into (nil when the answer did not say).
    public var sourceProjectID: Int?
    public var targetProjectID: Int?

    init(json: [String: Any]) throws {
        guard let iid = json["iid"] as? Int else {
            throw ForgeError(.invalidResponse, "GitLab API sent a merge request without an iid")
        }
        self.iid = iid
        id = json["id"] as? Int ?? 0
        title = json["title"] as? String ?? ""
        description = json["description"] as? String ?? ""
        sourceBranch = json["source_branch"] as? String ?? ""
        targetBranch = json["target_branch"] as? String ?? ""
        if let names = json["labels"] as? [String] {
            labels = names
        } else if let objs = json["labels"] as? [[String: Any]] {
            labels = objs.compactMap { $0["name"] as? String }
        } else {
            labels = []
        }
        webURL = json["web_url"] as? String ?? ""
        assigneeIDs = (json["assignees"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        if assigneeIDs.isEmpty, let single = (json["assignee"] as? [String: Any])?["id"] as? Int { assigneeIDs = [single] }
        reviewerIDs = (json["reviewers"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        draft = (json["draft"] as? Bool) ?? (json["work_in_progress"] as? Bool) ?? false
        squash = json["squash"] as? Bool ?? false
        forceRemoveSourceBranch = json["force_remove_source_branch"] as? Bool ?? false
        mergeWhenPipelineSucceeds = (json["merge_when_pipeline_succeeds"] as? Bool ?? false)
            || (json["auto_merge_enabled"] as? Bool ?? false)
        sourceProjectID = json["source_project_id"] as? Int
        targetProjectID = json["target_project_id"] as? Int ?? json["project_id"] as? Int
    }
}

/// GitLab REST v4 merge-request calls. The project id is the URL-encoded path (`group%2Fsub%2Fproject`).
public struct GitLabClient: Sendable {
    public enum CreateOutcome: Sendable {
        case created(GitLabMergeRequest)
        /// 409 "Another open merge request already exists for this source branch".
        case alreadyExists(message: String)
    }

    public enum AutoMergeOutcome: Sendable, Equatable {
        case enabled
        /// The server would not set it now (405/406/409/422); the message says why.
        case notPossible(String)
    }

    public let apiURL: String
    public let project: String
    let api: APIClient

    public init(apiURL: String, project: String, token: String, tokenKind: GitLabTokenKind = .privateToken,
                tokenSource: String? = nil, transport: HTTPTransport, retry: RetryPolicy = .standard,
                log: (@Sendable (String) -> Void)? = nil) {
        self.apiURL = trimSlash(apiURL)
        self.project = project.trimming { "/".unicodeScalars.contains($0) }
        let header = tokenKind == .jobToken ? "JOB-TOKEN" : "PRIVATE-TOKEN"
        let scope = tokenKind == .jobToken
            ? "a CI job token only reaches the endpoints GitLab allows for CI_JOB_TOKEN; use a project or personal access token with the api scope"
            : "needs the api scope and at least the Developer role on the project"
        api = APIClient(transport: transport, retry: retry, redact: Redactor(secrets: [token]),
                        baseHeaders: [(header, token), ("Accept", "application/json")],
                        context: ErrorContext(forgeName: "GitLab", project: self.project, tokenSource: tokenSource,
                                              scopeHint: scope),
                        log: log)
    }

    var projectURL: String { "\(apiURL)/projects/\(percentEncode(project))" }

    /// `GET /projects/:id/merge_requests?source_branch=..&state=opened`
    public func openMergeRequests(sourceBranch: String) throws -> [GitLabMergeRequest] {
        let url = "\(projectURL)/merge_requests?" + queryString([("source_branch", sourceBranch), ("state", "opened")])
        let response = try api.send("GET", url, what: "list open merge requests for branch '\(sourceBranch)'")
        return try api.array(response, what: "list merge requests").map { try GitLabMergeRequest(json: $0) }
    }

    /// `GET /projects/:id/merge_requests?target_branch=..&state=opened&per_page=100`, every page (`allPages`): where
    /// an MR is found by its key. `complete` is false when there were more pages than are read.
    public func openMergeRequests(targetBranch: String) throws -> (mrs: [GitLabMergeRequest], complete: Bool) {
        let url = "\(projectURL)/merge_requests?" + queryString([("target_branch", targetBranch), ("state", "opened"), ("per_page", "100")])
        let pages = try api.allPages(url, what: "list open merge requests into '\(targetBranch)'")
        return (try pages.items.map { try GitLabMergeRequest(json: $0) }, pages.complete)
    }

    /// `GET /projects/:id`: the project's id and the token's access level on it (nil when the answer names none).
    public func readProject() throws -> (id: Int, accessLevel: Int?) {
        let response = try api.send("GET", projectURL, what: "read project \(project)")
        let obj = try api.object(response, what: "read a project")
        guard let id = obj["id"] as? Int else {
            throw ForgeError(.invalidResponse, "GitLab API sent project \(api.redact(project)) without an id")
        }
        let permissions = obj["permissions"] as? [String: Any] ?? [:]
        let levels = ["project_access", "group_access"].compactMap { (permissions[$0] as? [String: Any])?["access_level"] as? Int }
        return (id, levels.max())
    }

    /// `POST /projects/:id/merge_requests/:iid/notes`
    public func addNote(iid: Int, body: String) throws {
        _ = try api.send("POST", "\(projectURL)/merge_requests/\(iid)/notes", json: ["body": body],
                         what: "comment on merge request !\(iid)")
    }

    /// `POST /projects/:id/merge_requests`
    public func createMergeRequest(_ fields: [String: Any]) throws -> CreateOutcome {
        let response = try api.send("POST", "\(projectURL)/merge_requests", json: fields, accept: [409],
                                    what: "create a merge request")
        if response.status == 409 {
            return .alreadyExists(message: api.redact.excerpt(response.body))
        }
        return .created(try GitLabMergeRequest(json: try api.object(response, what: "create a merge request")))
    }

    /// `PUT /projects/:id/merge_requests/:iid`
    public func updateMergeRequest(iid: Int, _ fields: [String: Any]) throws -> GitLabMergeRequest {
        let response = try api.send("PUT", "\(projectURL)/merge_requests/\(iid)", json: fields,
                                    what: "update merge request !\(iid)")
        return try GitLabMergeRequest(json: try api.object(response, what: "update a merge request"))
    }

    /// `GET /users?username=` → the user's id.
    public func userID(username: String) throws -> Int {
        let name = username.hasPrefix("@") ? String(username.dropFirst()) : username
        let url = "\(apiURL)/users?" + queryString([("username", name)])
        let response = try api.send("GET", url, what: "look up GitLab user '\(name)'")
        let users = try api.array(response, what: "look up a user")
        guard let id = users.first(where: { ($0["username"] as? String)?.lowercased() == name.lowercased() })?["id"] as? Int
                ?? users.first?["id"] as? Int else {
            throw ForgeError(.configuration, "GitLab user '\(api.redact(name))' not found: check the --assignee/--reviewer usernames")
        }
        return id
    }

    /// `PUT /projects/:id/merge_requests/:iid/merge` with `merge_when_pipeline_succeeds=true` (and the newer
    /// `auto_merge=true`). "Not mergeable yet" answers (405 etc.) are retried a couple of times, then reported.
    public func enableAutoMerge(iid: Int, sha: String?, squash: Bool?, removeSourceBranch: Bool?) throws -> AutoMergeOutcome {
        var fields: [String: Any] = ["merge_when_pipeline_succeeds": true, "auto_merge": true]
        if let sha { fields["sha"] = sha }
        if let squash { fields["squash"] = squash }
        if let removeSourceBranch { fields["should_remove_source_branch"] = removeSourceBranch }
        let notYet: Set<Int> = [405, 406, 409, 422]
        let tries = 3
        var last = ""
        for attempt in 1...tries {
            let response = try api.send("PUT", "\(projectURL)/merge_requests/\(iid)/merge", json: fields, accept: notYet,
                                        what: "set merge request !\(iid) to merge when the pipeline succeeds")
            if !notYet.contains(response.status) { return .enabled }
            last = "\(response.status) \(APIClient.reason(response.status)): \(api.redact.excerpt(response.body, limit: 200))"
            // 405 right after creation is a known race (no pipeline yet); 406/409/422 will not change by waiting.
            if response.status != 405 || attempt == tries { break }
            api.retry.sleep(api.retry.backoff(retry: attempt))
        }
        return .notPossible(last)
    }
}

extension MergeRequestService {
    func gitLabOpenOrUpdate(_ r: MergeRequestRequest, transport: HTTPTransport) throws -> MergeRequestResult {
        let client = gitLabClient(r, transport: transport)
        let redact = Redactor(secrets: [r.token])
        let title = r.options.draft && !Self.hasDraftPrefix(r.title) ? "Draft: \(r.title)" : r.title
        let labels = r.options.labels.filter { !$0.isEmpty }.uniqued()
        let assigneeIDs = try r.options.assignees.filter { !$0.isEmpty }.uniqued().map { try client.userID(username: $0) }
        let reviewerIDs = try r.options.reviewers.filter { !$0.isEmpty }.uniqued().map { try client.userID(username: $0) }

        var warnings: [String] = []
        var projectID: Int?
        func findExisting() throws -> GitLabMergeRequest? {
            let found = try gitLabFind(r, client: client, projectID: {
                if projectID == nil { projectID = try client.readProject().id }
                return projectID!
            })
            warnings += found.warnings
            return found.mr
        }

        var created = false
        var updated = false
        var mr: GitLabMergeRequest
        if let existing = try findExisting() {
            mr = existing
        } else {
            var fields: [String: Any] = [
                "source_branch": r.sourceBranch, "target_branch": r.targetBranch,
                "title": title, "description": r.markedDescription,
            ]
            if !labels.isEmpty { fields["labels"] = labels.joined(separator: ",") }
            if !assigneeIDs.isEmpty { fields["assignee_ids"] = assigneeIDs }
            if !reviewerIDs.isEmpty { fields["reviewer_ids"] = reviewerIDs }
            if r.options.removeSourceBranch { fields["remove_source_branch"] = true }
            if r.options.squash { fields["squash"] = true }
            switch try client.createMergeRequest(fields) {
            case .created(let new):
                mr = new
                created = true
            case .alreadyExists(let message):
                log?("GitLab: a merge request for '\(r.sourceBranch)' already exists (\(message)); updating it")
                guard let existing = try findExisting() else {
                    throw ForgeError(.http, "GitLab answered 409 (\(message)) but no open merge request for '\(redact(r.sourceBranch))' was found; re-run imagebump")
                }
                mr = existing
            }
        }

        if !created {
            var fields: [String: Any] = [:]
            if mr.title != title { fields["title"] = title }
            if !sameText(mr.description, r.markedDescription) { fields["description"] = r.markedDescription }
            let missingLabels = labels.filter { !mr.labels.contains($0) }
            if !missingLabels.isEmpty { fields["add_labels"] = missingLabels.joined(separator: ",") }
            if !Set(assigneeIDs).isSubset(of: Set(mr.assigneeIDs)) { fields["assignee_ids"] = (mr.assigneeIDs + assigneeIDs).uniqued() }
            if !Set(reviewerIDs).isSubset(of: Set(mr.reviewerIDs)) { fields["reviewer_ids"] = (mr.reviewerIDs + reviewerIDs).uniqued() }
            if r.options.removeSourceBranch && !mr.forceRemoveSourceBranch { fields["remove_source_branch"] = true }
            if r.options.squash && !mr.squash { fields["squash"] = true }
            if !fields.isEmpty {
                let merged = try client.updateMergeRequest(iid: mr.iid, fields)
                mr = merged
                updated = true
            }
        }

        var autoMerge: Bool? = nil
        if r.options.autoMerge {
            if mr.mergeWhenPipelineSucceeds {
                autoMerge = true
            } else {
                switch try client.enableAutoMerge(iid: mr.iid, sha: r.headSHA, squash: r.options.squash ? true : nil,
                                                  removeSourceBranch: r.options.removeSourceBranch ? true : nil) {
                case .enabled:
                    autoMerge = true
                    updated = updated || !created
                case .notPossible(let why):
                    autoMerge = false
                    warnings.append("GitLab did not set merge request !\(mr.iid) to merge when the pipeline succeeds (\(why)); it may not be mergeable yet: re-run imagebump later or set auto-merge in the web UI")
                }
            }
        }
        let url = mr.webURL.isEmpty ? "\(trimSlash(r.apiURL))/projects/\(percentEncode(r.project))/merge_requests/\(mr.iid)" : mr.webURL
        return MergeRequestResult(url: redact(url), number: mr.iid, created: created, updated: updated, forge: .gitlab,
                                  autoMergeEnabled: autoMerge, warnings: warnings.map { redact($0) })
    }

    static func hasDraftPrefix(_ title: String) -> Bool {
        let lower = title.lowercased()
        return ["draft:", "[draft]", "(draft)"].contains { lower.hasPrefix($0) }
    }
}
