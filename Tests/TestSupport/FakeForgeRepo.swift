import Foundation

/// One commit the repository emulator made: through the API (GitLab commits, GitHub createCommitOnBranch) or as
/// someone else (`pushAsOther`, `commitBefore`).
public struct EmulatedCommit {
    public let forge: String        // "gitlab", "github", "other"
    public let repo: String
    public let branch: String
    public let oid: String
    public let parent: String?
    public let author: String       // "Name <email>"
    public let committer: String
    /// Whether the request named an author (GitLab author_name/author_email; never on GitHub, where it fails).
    public let authorSet: Bool
    public let via: String          // "commits", "createCommitOnBranch", "push"
}

/// The repository emulator's controls (the endpoints themselves are served by the fake forge given `repos:`).
extension FakeForge {
    /// `treeLimit`: entries a GitHub git/trees answer holds before it says `truncated: true`; `refLagSeconds`: how far
    /// GitHub's REST ref reads lag behind the ref (a cached ref; GraphQL reads are current); `contentLimit`: bytes the
    /// contents API inlines (GitHub: 1 MB, larger files come with encoding "none"); `dirLimit`: a contents listing's cap.
    /// Unset values keep their current setting; `reset()` restores the defaults.
    public func repoSettings(treeLimit: Int? = nil, refLagSeconds: Double? = nil, contentLimit: Int? = nil,
                             dirLimit: Int? = nil) throws {
        var s: [String: Any] = [:]
        if let treeLimit { s["tree_limit"] = treeLimit }
        if let refLagSeconds { s["ref_lag"] = refLagSeconds }
        if let contentLimit { s["content_limit"] = contentLimit }
        if let dirLimit { s["dir_limit"] = dirLimit }
        try post("/__control/repo/settings", s)
    }

    /// Someone else's commit on `branch` now (as a person's push would land): `files` written (100644), `deletions`
    /// removed. Its id.
    @discardableResult
    public func pushAsOther(_ repo: String, branch: String? = nil, files: [String: String], deletions: [String] = [],
                            message: String = "a commit by someone else\n") throws -> String {
        var cfg: [String: Any] = ["repo": repo, "files": files, "deletions": deletions, "message": message]
        if let branch { cfg["branch"] = branch }
        let answer = try post("/__control/repo/commit", cfg) as? [String: Any] ?? [:]
        guard let oid = answer["oid"] as? String else {
            throw NSError(domain: "FakeForge", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(answer)"])
        }
        return oid
    }

    /// A race: just before each of the next `times` requests matching `method` and the `path` regex (and, for
    /// GraphQL, `graphql` as a regex on the query) is served, someone else commits `files` to `branch`.
    public func commitBefore(method: String? = "POST", path: String, graphql: String? = nil, repo: String,
                             branch: String? = nil, files: [String: String], times: Int = 1) throws {
        var f: [String: Any] = ["path": path, "action": "commit", "repo": repo, "files": files, "times": times,
                                "message": "a commit by someone else\n"]
        if let method { f["method"] = method }
        if let graphql { f["graphql"] = graphql }
        if let branch { f["branch"] = branch }
        try post("/__control/faults", f)
    }

    /// A scripted answer for GraphQL requests whose query matches `graphql` (a regex), e.g. "createCommitOnBranch".
    public func graphqlFault(_ graphql: String, status: Int = 502, body: Any = ["message": "fault"], times: Int = 1) throws {
        try post("/__control/faults", ["path": "^/graphql$", "graphql": graphql, "status": status, "body": body,
                                       "times": times] as [String: Any])
    }

    /// The next `times` requests matching `method`, `path` (and `graphql`) are served as usual (a commit lands) but
    /// answered with `status`/`body` instead: a gateway that lost the real answer.
    public func loseAnswer(method: String? = "POST", path: String, graphql: String? = nil, status: Int = 502,
                           body: Any = ["message": "502 Bad Gateway"], times: Int = 1) throws {
        var f: [String: Any] = ["path": path, "action": "lose", "status": status, "body": body, "times": times]
        if let method { f["method"] = method }
        if let graphql { f["graphql"] = graphql }
        try post("/__control/faults", f)
    }

    /// The commits the emulator made, in order.
    public func emulatedCommits() throws -> [EmulatedCommit] {
        let list = try get("/__control/repo/commits") as? [[String: Any]] ?? []
        return list.map { c in
            EmulatedCommit(forge: c["forge"] as? String ?? "", repo: c["repo"] as? String ?? "",
                           branch: c["branch"] as? String ?? "", oid: c["oid"] as? String ?? "",
                           parent: c["parent"] as? String, author: c["author"] as? String ?? "",
                           committer: c["committer"] as? String ?? "", authorSet: c["authorSet"] as? Bool ?? false,
                           via: c["via"] as? String ?? "")
        }
    }
}
