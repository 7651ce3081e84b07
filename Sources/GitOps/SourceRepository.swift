internal import CGit2
import ImagebumpKit

/// The application repository a CI job runs in (`CIEnvironment.workspace`, `--source-repo`), opened
/// read-only to tell whether one commit is an ancestor of another. Local history only: nothing is fetched.
/// Not for concurrent use (libgit2 repository handles are not thread-safe); the guards run on one thread.
public final class SourceRepository: CommitAncestry, @unchecked Sendable {
    private let repo: OpaquePointer
    /// As messages name it: the path given, or what it was fetched from.
    public let path: String
    /// A shallow clone's history stops at its boundary, so "not an ancestor" cannot be told there.
    public let isShallow: Bool

    /// Opens the repository at `path` or the nearest one above it; `shown` names it in messages (default: `path`).
    public init(path: String, shown: String? = nil) throws {
        ensureLibgit2()
        var r: OpaquePointer?
        try check(git_repository_open_ext(&r, path, 0, nil), "open \(path) as a git repository")
        repo = r!
        self.path = shown ?? path
        isShallow = git_repository_is_shallow(repo) == 1
    }

    deinit { git_repository_free(repo) }

    public func isAncestor(_ ancestor: String, of descendant: String) -> AncestryAnswer {
        let found: (git_oid?, git_oid?) = (lookup(ancestor), lookup(descendant))
        guard var a = found.0, var d = found.1 else {
            let missing = [found.0 == nil ? ancestor : nil, found.1 == nil ? descendant : nil].compactMap { $0 }
            return .undecidable("\(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") not a commit in \(path)\(isShallow ? " (a shallow clone: fetch with full depth)" : "")")
        }
        guard isShallow else {
            switch git_graph_descendant_of(repo, &d, &a) {
            case 1: return .ancestor
            case 0: return .notAncestor
            default: return .undecidable(lastGitErrorMessage())
            }
        }
        // a shallow clone (a CI checkout with a depth): libgit2's merge base stops at the first missing parent, so walk
        // the history at hand; a commit found below the other one settles the question either way
        switch reaches(from: d, to: a) {
        case true?: return .ancestor
        case false?: return .notAncestor
        case nil:
            if reaches(from: a, to: d) == true { return .notAncestor }
            return .undecidable("\(path) is a shallow clone whose history does not reach from \(descendant) to \(ancestor): fetch deeper")
        }
    }

    /// Whether `target` is in the history of `start` (itself excluded): nil when the walk met the shallow boundary
    /// (a parent not in the repository) before it could tell.
    private func reaches(from start: git_oid, to target: git_oid) -> Bool? {
        var queue = [start], seen: Set<String> = [], complete = true, wanted = target
        while let next = queue.popLast() {
            var oid = next
            var commit: OpaquePointer?
            guard git_commit_lookup(&commit, repo, &oid) == 0, let commit else { complete = false; continue }
            defer { git_commit_free(commit) }
            if isShallowBoundary(commit) { complete = false }
            for i in 0..<git_commit_parentcount(commit) {
                guard var parent = git_commit_parent_id(commit, i)?.pointee else { continue }
                if git_oid_equal(&parent, &wanted) == 1 { return true }
                if seen.insert(ConfigRepo.hex(parent)).inserted { queue.append(parent) }
            }
        }
        return complete ? false : nil
    }

    /// The commit an abbreviated or full hex id names, if this repository has exactly one.
    /// The committer time of commit `hex` (a full or abbreviated id), seconds since the epoch; nil when the
    /// repository does not hold it.
    public func commitTime(_ hex: String) -> Int64? {
        guard var oid = lookup(hex) else { return nil }
        var commit: OpaquePointer?
        guard git_commit_lookup(&commit, repo, &oid) == 0, let commit else { return nil }
        defer { git_commit_free(commit) }
        return Int64(git_commit_time(commit))
    }

    private func lookup(_ hex: String) -> git_oid? {
        var oid = git_oid()
        guard git_oid_fromstrn(&oid, hex, hex.utf8.count) == 0 else { return nil }
        var commit: OpaquePointer?
        guard git_commit_lookup_prefix(&commit, repo, &oid, hex.utf8.count) == 0, let commit else { return nil }
        defer { git_commit_free(commit) }
        return git_commit_id(commit).pointee
    }
}
