internal import CGit2
import ImagebumpKit

/// The application repository a CI job runs in (`CIEnvironment.workspace`, `--source-repo`), opened
/// read-only to tell whether one commit is an ancestor of another. Local history only: nothing is fetched.
/// Not for concurrent use (libgit2 repository handles are not thread-safe); the guards run on one thread.
public final class SourceRepository: CommitAncestry, @unchecked Sendable {
    private let repo: OpaquePointer
    /// As given, for messages.
    public let path: String
    /// A shallow clone's history stops at its boundary, so "not an ancestor" cannot be told there.
    public let isShallow: Bool

    /// Opens the repository at `path` or the nearest one above it.
    public init(path: String) throws {
        ensureLibgit2()
        var r: OpaquePointer?
        try check(git_repository_open_ext(&r, path, 0, nil), "open \(path) as a git repository")
        repo = r!
        self.path = path
        isShallow = git_repository_is_shallow(repo) == 1
    }

    deinit { git_repository_free(repo) }

    public func isAncestor(_ ancestor: String, of descendant: String) -> AncestryAnswer {
        let found: (git_oid?, git_oid?) = (lookup(ancestor), lookup(descendant))
        guard var a = found.0, var d = found.1 else {
            let missing = [found.0 == nil ? ancestor : nil, found.1 == nil ? descendant : nil].compactMap { $0 }
            return .undecidable("\(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") not a commit in \(path)\(isShallow ? " (a shallow clone: fetch with full depth)" : "")")
        }
        switch git_graph_descendant_of(repo, &d, &a) {
        case 1: return .ancestor
        case 0: return isShallow ? .undecidable("\(path) is a shallow clone: fetch with full depth") : .notAncestor
        default: return .undecidable(lastGitErrorMessage())
        }
    }

    /// The commit an abbreviated or full hex id names, if this repository has exactly one.
    private func lookup(_ hex: String) -> git_oid? {
        var oid = git_oid()
        guard git_oid_fromstrn(&oid, hex, hex.utf8.count) == 0 else { return nil }
        var commit: OpaquePointer?
        guard git_commit_lookup_prefix(&commit, repo, &oid, hex.utf8.count) == 0, let commit else { return nil }
        defer { git_commit_free(commit) }
        return git_commit_id(commit).pointee
    }
}
