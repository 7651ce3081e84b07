import FoundationEssentials
import Support

/// A GitLab project's repository through REST v4: `repository/branches` for heads, `repository/tree` (keyset pages)
/// for listings, `repository/files` for contents and their `last_commit_id`, `repository/commits` for the commit.
final class GitLabRepository: RepositoryAPI {
    let forge = ForgeKind.gitlab
    let client: GitLabClient
    private let counter: CountingTransport
    var requestCount: Int { counter.count }
    var api: APIClient { client.api }

    init(_ location: RepositoryLocation, transport: CountingTransport, retry: RetryPolicy) {
        counter = transport
        client = GitLabClient(apiURL: location.apiURL, project: location.project, token: location.token,
                              tokenKind: location.gitLabTokenKind, tokenSource: location.tokenSource, transport: transport, retry: retry)
    }

    var repositoryURL: String { client.projectURL + "/repository" }

    func defaultBranch() throws -> String {
        let response = try api.send("GET", client.projectURL, what: "read project \(client.project)")
        guard let name = try api.object(response, what: "read a project")["default_branch"] as? String, !name.isEmpty else {
            throw ForgeError(.invalidResponse, "GitLab API sent project \(api.redact(client.project)) without a default branch (an empty repository?): pass --branch")
        }
        return name
    }

    func head(of branch: String) throws -> String? {
        let url = "\(repositoryURL)/branches/\(percentEncode(branch))"
        let response = try api.send("GET", url, accept: [404], what: "read branch '\(branch)'")
        if response.status == 404 { return nil }
        guard let sha = (try api.object(response, what: "read a branch")["commit"] as? [String: Any])?["id"] as? String,
              GitObjectID.isValid(sha) else {
            throw ForgeError(.invalidResponse, "GitLab API sent branch '\(api.redact(branch))' without its commit id")
        }
        return sha
    }

    func entries(under directory: String, at commit: String, recursive: Bool) throws -> [RepoEntry]? {
        var query = [("ref", commit), ("per_page", "100"), ("pagination", "keyset")]
        if !directory.isEmpty { query.insert(("path", directory), at: 0) }
        if recursive { query.append(("recursive", "true")) }
        let url = "\(repositoryURL)/tree?" + queryString(query)
        let what = "list \(directory.isEmpty ? "the repository" : "'\(directory)'") at \(commit.prefix(12))"
        // GitLab before 17.7 answers a missing path with 200 and []; since, 404
        let first = try api.send("GET", url, accept: [404], what: what)
        if first.status == 404 { return nil }
        var items = try api.array(first, what: what)
        var next = try api.nextPage(first, after: url, what: what)
        var read: Set<String> = [url]
        while let page = next {
            guard read.insert(page).inserted else { break }
            guard read.count <= Self.maxTreePages else {
                throw ForgeError(.invalidResponse, "GitLab API named more than \(Self.maxTreePages) pages listing '\(api.redact(directory))': narrow -f")
            }
            let response = try api.send("GET", page, what: what)
            items += try api.array(response, what: what)
            next = try api.nextPage(response, after: page, what: what)
        }
        if items.isEmpty && !directory.isEmpty { return nil }
        return try items.map { item in
            guard let path = item["path"] as? String, let id = item["id"] as? String,
                  let kind = RepoEntry.kind(mode: item["mode"] as? String ?? "", type: item["type"] as? String) else {
                throw ForgeError(.invalidResponse, "GitLab API sent a tree entry without a path, id or known mode listing '\(api.redact(directory))': \(api.redact(String(describing: item).prefix(200).description))")
            }
            return RepoEntry(path: path, kind: kind, id: id)
        }
    }

    /// Pages of 100 entries read at most for one listing (100,000 entries).
    static let maxTreePages = 1000

    func parents(of commit: String) throws -> [String] {
        let what = "read commit \(commit.prefix(12))"
        let obj = try api.object(try api.send("GET", "\(repositoryURL)/commits/\(percentEncode(commit))", what: what), what: what)
        return obj["parent_ids"] as? [String] ?? []
    }

    func read(_ entry: RepoEntry, at commit: String) throws -> RepoBlob {
        let url = "\(repositoryURL)/files/\(percentEncode(entry.path))?" + queryString([("ref", commit)])
        let what = "read '\(entry.path)' at \(commit.prefix(12))"
        let obj = try api.object(try api.send("GET", url, what: what), what: what)
        guard let text = obj["content"] as? String else {
            throw ForgeError(.invalidResponse, "GitLab API sent '\(api.redact(entry.path))' without content")
        }
        let encoding = obj["encoding"] as? String ?? "base64"
        let content: Data
        if encoding == "base64" {
            guard let d = decodeBase64(text) else { throw ForgeError(.invalidResponse, "GitLab API sent '\(api.redact(entry.path))' with content that is not base64") }
            content = d
        } else {
            content = Data(text.utf8)
        }
        return RepoBlob(path: entry.path, content: content, lastCommitID: obj["last_commit_id"] as? String)
    }

    func commit(_ request: APICommitRequest) throws -> APICommitOutcome {
        var body: [String: Any] = [
            "branch": request.branch, "commit_message": request.message,
            "actions": request.files.map { f -> [String: Any] in
                var a: [String: Any] = ["action": "update", "file_path": f.path, "content": f.content.base64, "encoding": "base64"]
                if let id = f.lastCommitID { a["last_commit_id"] = id }
                return a
            },
        ]
        if let from = request.rebuiltFrom {
            // the bot branch is made anew from the target's head, as a clone run rebuilds and force-pushes it
            body["start_branch"] = from
            body["force"] = true
        }
        let what = "commit to '\(request.branch)' (POST repository/commits)"
        let response = try api.send("POST", "\(repositoryURL)/commits", json: body, accept: [400], what: what)
        if response.status == 400 {
            let message = (try? api.object(response, what: what))?["message"].map { "\($0)" } ?? response.bodyText
            if Self.isStale(message) { return .stale(api.redact(String(message.prefix(300)))) }
            throw api.mapClientError(response, method: "POST", shownURL: api.redact("\(repositoryURL)/commits"), what: what)
        }
        guard let sha = try api.object(response, what: what)["id"] as? String, GitObjectID.isValid(sha) else {
            throw ForgeError(.invalidResponse, "GitLab API answered the commit to '\(api.redact(request.branch))' without its id")
        }
        return .committed(sha: sha)
    }

    /// The answers GitLab gives to a stale `last_commit_id` (every version's wording), and to a branch that moved
    /// while the commit was made.
    static func isStale(_ message: String) -> Bool {
        let m = message.lowercased()
        return m.contains("has changed since you started editing it") || m.contains("please refresh and try again")
    }

    func deleteBranch(_ name: String) throws {
        _ = try api.send("DELETE", "\(repositoryURL)/branches/\(percentEncode(name))", accept: [404], what: "delete branch '\(name)'")
    }
}

/// A git object id as the forges write it: 40 (SHA-1) or 64 (SHA-256) lower-case hex digits.
enum GitObjectID {
    static func isValid(_ s: String) -> Bool {
        (s.utf8.count == 40 || s.utf8.count == 64) && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
