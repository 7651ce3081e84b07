import FoundationEssentials
import Support

/// A GitHub repository through its API: heads read with GraphQL (the REST ref may be a cached answer), trees and
/// blobs through the git data REST endpoints, branches made with `git/refs`, the commit with GraphQL
/// `createCommitOnBranch` (GitHub signs it; no author is set, or it would not be Verified).
final class GitHubRepository: RepositoryAPI {
    let forge = ForgeKind.github
    let client: GitHubClient
    private let counter: CountingTransport
    var requestCount: Int { counter.count }
    var api: APIClient { client.api }
    /// Trees read by id: a tree never changes, so each is fetched once per run.
    private var trees: [String: (entries: [[String: Any]], truncated: Bool)] = [:]

    init(_ location: RepositoryLocation, transport: CountingTransport, retry: RetryPolicy) throws {
        counter = transport
        client = try GitHubClient(apiURL: location.apiURL, repository: location.project, token: location.token,
                                  tokenSource: location.tokenSource, transport: transport, retry: retry)
    }

    var nameWithOwner: String { "\(client.owner)/\(client.repo)" }

    /// A GraphQL query's `data`; errors other than those `tolerate` names (by type) fail the run.
    func graphQL(_ query: String, _ variables: [String: Any], what: String) throws -> (data: [String: Any]?, errors: [[String: Any]]) {
        let response = try api.send("POST", client.graphQLURL, json: ["query": query, "variables": variables], what: what)
        let obj = try api.object(response, what: what)
        return (obj["data"] as? [String: Any], obj["errors"] as? [[String: Any]] ?? [])
    }

    func failure(_ errors: [[String: Any]], what: String) -> ForgeError {
        let messages = errors.map { e in [e["type"] as? String, e["message"] as? String].compactMap { $0 }.joined(separator: ": ") }
        return ForgeError(.http, "GitHub GraphQL API refused to \(what): \(api.redact(String(messages.joined(separator: "; ").prefix(400))))")
    }

    func defaultBranch() throws -> String {
        let what = "read the default branch of \(nameWithOwner)"
        let r = try graphQL("query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { defaultBranchRef { name } } }",
                            ["owner": client.owner, "name": client.repo], what: what)
        if !r.errors.isEmpty { throw failure(r.errors, what: what) }
        guard let name = ((r.data?["repository"] as? [String: Any])?["defaultBranchRef"] as? [String: Any])?["name"] as? String else {
            throw ForgeError(.invalidResponse, "GitHub GraphQL API named no default branch of \(api.redact(nameWithOwner)) (an empty repository?): pass --branch")
        }
        return name
    }

    func head(of branch: String) throws -> String? {
        let what = "read the head of '\(branch)'"
        let query = "query($owner: String!, $name: String!, $qualifiedName: String!) { repository(owner: $owner, name: $name) { ref(qualifiedName: $qualifiedName) { target { oid } } } }"
        let r = try graphQL(query, ["owner": client.owner, "name": client.repo, "qualifiedName": "refs/heads/" + branch], what: what)
        if !r.errors.isEmpty { throw failure(r.errors, what: what) }
        guard let repository = r.data?["repository"] as? [String: Any] else {
            throw ForgeError(.notFound, "GitHub GraphQL API found no repository \(api.redact(nameWithOwner)): check the repository URL and that the token can see it")
        }
        guard let ref = repository["ref"] as? [String: Any] else { return nil } // null: no such branch
        guard let oid = (ref["target"] as? [String: Any])?["oid"] as? String, GitObjectID.isValid(oid) else {
            throw ForgeError(.invalidResponse, "GitHub GraphQL API sent branch '\(api.redact(branch))' without its commit oid")
        }
        return oid
    }

    /// `GET git/trees/{sha}` (a commit's id names its root tree), one level, or every level with `?recursive=1`.
    func tree(_ sha: String, recursive: Bool) throws -> (entries: [[String: Any]], truncated: Bool) {
        let key = recursive ? sha + "/r" : sha
        if let t = trees[key] { return t }
        let url = "\(client.repoURL)/git/trees/\(percentEncode(sha))" + (recursive ? "?recursive=1" : "")
        let what = "read tree \(sha.prefix(12))"
        let obj = try api.object(try api.send("GET", url, what: what), what: what)
        let t = (obj["tree"] as? [[String: Any]] ?? [], obj["truncated"] as? Bool ?? false)
        trees[key] = t
        return t
    }

    func entries(under directory: String, at commit: String, recursive: Bool) throws -> [RepoEntry]? {
        // walk down from the commit's root tree, one level per path component
        var treeID = commit
        var prefix = ""
        for component in directory.split(separator: "/").map(String.init) {
            guard let e = try tree(treeID, recursive: false).entries.first(where: { $0["path"] as? String == component }),
                  e["type"] as? String == "tree", let id = e["sha"] as? String else { return nil }
            treeID = id
            prefix += component + "/"
        }
        return try list(treeID, prefix: prefix, recursive: recursive)
    }

    /// The entries of tree `id` with `prefix` on their paths; a recursive listing GitHub truncated (over 100,000
    /// entries or 7 MB) is read again level by level, as its documentation says.
    private func list(_ id: String, prefix: String, recursive: Bool) throws -> [RepoEntry] {
        let t = try tree(id, recursive: recursive)
        if recursive && t.truncated {
            var out: [RepoEntry] = []
            for e in try entries(of: try tree(id, recursive: false).entries, prefix: prefix) {
                out.append(e)
                if e.kind == .directory { out += try list(e.id, prefix: e.path + "/", recursive: true) }
            }
            return out
        }
        return try entries(of: t.entries, prefix: prefix)
    }

    private func entries(of items: [[String: Any]], prefix: String) throws -> [RepoEntry] {
        try items.map { item in
            guard let path = item["path"] as? String, let id = item["sha"] as? String,
                  let kind = RepoEntry.kind(mode: item["mode"] as? String ?? "", type: item["type"] as? String) else {
                throw ForgeError(.invalidResponse, "GitHub API sent a tree entry without a path, sha or known mode: \(api.redact(String(describing: item).prefix(200).description))")
            }
            return RepoEntry(path: prefix + path, kind: kind, id: id)
        }
    }

    func parents(of commit: String) throws -> [String] {
        let what = "read commit \(commit.prefix(12))"
        let obj = try api.object(try api.send("GET", "\(client.repoURL)/git/commits/\(percentEncode(commit))", what: what), what: what)
        return (obj["parents"] as? [[String: Any]] ?? []).compactMap { $0["sha"] as? String }
    }

    func read(_ entry: RepoEntry, at commit: String) throws -> RepoBlob {
        let what = "read '\(entry.path)' (blob \(entry.id.prefix(12)))"
        let obj = try api.object(try api.send("GET", "\(client.repoURL)/git/blobs/\(percentEncode(entry.id))", what: what), what: what)
        guard let text = obj["content"] as? String else {
            throw ForgeError(.invalidResponse, "GitHub API sent blob '\(api.redact(entry.path))' without content")
        }
        let content: Data
        if (obj["encoding"] as? String ?? "base64") == "base64" {
            guard let d = decodeBase64(text) else { throw ForgeError(.invalidResponse, "GitHub API sent '\(api.redact(entry.path))' with content that is not base64") }
            content = d
        } else {
            content = Data(text.utf8)
        }
        return RepoBlob(path: entry.path, content: content, lastCommitID: nil)
    }

    func commit(_ request: APICommitRequest) throws -> APICommitOutcome {
        guard request.rebuiltFrom != nil else { return try commit(request, on: request.branch) }
        // a bot branch is rebuilt from the target's head; createCommitOnBranch needs the branch to exist
        if try createBranch(request.branch, at: request.expectedHead) { return try commit(request, on: request.branch) }
        // it exists (its merge request may be open): the commit is made on a scratch branch and the bot branch moved
        // to it, so that the merge request's head never equals its target's (GitHub would close it as merged)
        let scratch = "imagebump-scratch/\(request.branch)-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        guard try createBranch(scratch, at: request.expectedHead) else {
            throw ForgeError(.http, "GitHub API: the scratch branch '\(api.redact(scratch))' exists already; re-run imagebump")
        }
        defer { try? deleteBranch(scratch) }
        let outcome = try commit(request, on: scratch)
        guard case .committed(let sha) = outcome else { return outcome }
        _ = try api.send("PATCH", "\(client.repoURL)/git/refs/heads/\(Self.refPath(request.branch))", json: ["sha": sha, "force": true],
                         what: "move branch '\(request.branch)' to the new commit \(sha.prefix(12)) (PATCH git/refs)")
        return outcome
    }

    /// `createCommitOnBranch` on `branch`, which must be at `request.expectedHead`.
    private func commit(_ request: APICommitRequest, on branch: String) throws -> APICommitOutcome {
        let mutation = """
        mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }
        """
        let lines = request.message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        var message: [String: Any] = ["headline": String(lines.first ?? "")]
        let body = lines.count > 1 ? String(lines[1]).trimmingBlanksAndNewlines() : ""
        if !body.isEmpty { message["body"] = body }
        // no author and no committer: GitHub signs the commit only without them; unused lists are left out
        // (a null `deletions` fails with an opaque error)
        let input: [String: Any] = [
            "branch": ["repositoryNameWithOwner": nameWithOwner, "branchName": branch],
            "expectedHeadOid": request.expectedHead, "message": message,
            "fileChanges": ["additions": request.files.map { ["path": $0.path, "contents": $0.content.base64] }],
        ]
        let what = "commit to '\(request.branch)' (GraphQL createCommitOnBranch)"
        let r = try graphQL(mutation, ["input": input], what: what)
        if let stale = r.errors.first(where: Self.isStale) {
            return .stale(api.redact(String((stale["message"] as? String ?? "STALE_DATA").prefix(300))))
        }
        if !r.errors.isEmpty { throw failure(r.errors, what: what) }
        guard let oid = ((r.data?["createCommitOnBranch"] as? [String: Any])?["commit"] as? [String: Any])?["oid"] as? String,
              GitObjectID.isValid(oid) else {
            throw ForgeError(.invalidResponse, "GitHub GraphQL API answered the commit to '\(api.redact(request.branch))' without its oid")
        }
        return .committed(sha: oid)
    }

    /// GitHub's answer to a stale `expectedHeadOid`: type STALE_DATA (its message, where the type is missing).
    static func isStale(_ error: [String: Any]) -> Bool {
        (error["type"] as? String) == "STALE_DATA" || (error["message"] as? String ?? "").contains("Expected branch to point to")
    }

    /// `POST git/refs`: branch `name` at `sha`; false when it exists already (422 "Reference already exists").
    func createBranch(_ name: String, at sha: String) throws -> Bool {
        let refs = "\(client.repoURL)/git/refs"
        let created = try api.send("POST", refs, json: ["ref": "refs/heads/" + name, "sha": sha], accept: [422],
                                   what: "create branch '\(name)' (POST git/refs)")
        guard created.status == 422 else { return true }
        guard created.bodyText.lowercased().contains("already exists") else {
            throw api.mapClientError(created, method: "POST", shownURL: api.redact(refs), what: "create branch '\(name)'")
        }
        return false
    }

    /// A branch name in a `git/refs/heads/...` URL: each component encoded, the slashes kept.
    static func refPath(_ name: String) -> String {
        name.split(separator: "/", omittingEmptySubsequences: false).map { percentEncode(String($0)) }.joined(separator: "/")
    }

    func deleteBranch(_ name: String) throws {
        _ = try api.send("DELETE", "\(client.repoURL)/git/refs/heads/\(Self.refPath(name))", accept: [404, 422],
                         what: "delete branch '\(name)'")
    }
}
