internal import CGit2
import FoundationEssentials

/// The remote push branch as a run read it: its force push replaces this commit and nothing else (absent: the push
/// may only create the branch).
public struct RemoteBranchRead: Sendable {
    public let branch: String
    let oid: git_oid // zero: absent

    public var exists: Bool { var o = oid; return git_oid_is_zero(&o) == 0 }
}

/// The bot branch of a merge request on the remote: read what it holds, delete it.
extension ConfigRepo {
    /// Reads the remote branch `name` (fetched now) and runs `body` on the working tree holding its files, then puts
    /// the working tree and index back on the current head. `body` is not run (nil) when the remote has no such branch.
    public func readRemoteBranch<T>(_ name: String, _ body: (String) throws -> T) throws -> (read: RemoteBranchRead, result: T?) {
        guard let oid = try fetchIfPresent(name) else { return (RemoteBranchRead(branch: name, oid: git_oid()), nil) }
        return (RemoteBranchRead(branch: name, oid: oid), try withCheckout(of: oid, named: name, body))
    }

    /// Reads the remote branch `name` (fetched now), its files unread.
    public func readRemoteBranch(_ name: String) throws -> RemoteBranchRead {
        RemoteBranchRead(branch: name, oid: try fetchIfPresent(name) ?? git_oid())
    }

    /// Runs `body` on the working tree holding commit `oid` (of the fetched branch `name`), then puts the working
    /// tree and index back on the current head.
    func withCheckout<T>(of oid: git_oid, named name: String, _ body: (String) throws -> T) throws -> T {
        guard let repo else { throw GitOpsError.invalidArgument("repository already closed") }
        var oid = oid
        let head = try headCommitOid()
        defer { try? hardReset(to: head) }
        var commit: OpaquePointer?
        try check(git_object_lookup(&commit, repo, &oid, GIT_OBJECT_COMMIT), "looking up \(name)")
        defer { git_object_free(commit) }
        try check(withForcedCheckout { co in git_checkout_tree(repo, commit, &co) }, "checking out \(name)")
        return try body(workdir)
    }

    /// The lease of the push branch `name` whose fetch found `fetched` (nil: absent), after `check` ran on its files:
    /// the commit the force push may replace and nothing else (a zero oid: the push may only create the branch).
    func leaseOnPushBranch(_ name: String, fetched: git_oid?, check: ((String) throws -> Void)?) throws -> git_oid {
        guard let oid = fetched else { return git_oid() }
        if let check { try withCheckout(of: oid, named: name, check) }
        return oid
    }

    /// Deletes `name` on the remote (a push of nothing to it).
    public func deleteRemoteBranch(_ name: String) throws {
        guard let repo else { throw GitOpsError.invalidArgument("repository already closed") }
        let what = "deleting \(name) on \(session.location.display)"
        let (rc, ctx) = try push([":refs/heads/\(name)"], step: what, repo: repo)
        if rc < 0 { throw ctx.error(operation: what, code: rc) }
        if let rejected = ctx.rejectedRefs.first { throw ctx.rejection(rejected) }
    }

    /// `fetchIfPresent` of one branch.
    func fetchIfPresent(_ branch: String, depth: Int32? = nil) throws -> git_oid? { try fetchIfPresent([branch], depth: depth)[0] }

    /// Fetches `branches` into their remote-tracking refs, in one connection, `depth` commits deep (default:
    /// `followUpFetchDepth`); each one's commit, nil when the remote does not advertise it (a tracking ref left from
    /// an earlier fetch is then removed, so that a branch gone from the remote is never answered from it).
    func fetchIfPresent(_ branches: [String], depth: Int32? = nil) throws -> [git_oid?] {
        guard let repo, let remoteName else { return branches.map { _ in nil } }
        let tracking = branches.map { "refs/remotes/\(remoteName)/\($0)" }
        var advertised: Set<String> = []
        let depth = depth ?? followUpFetchDepth
        let (rc, ctx) = try withRemote(in: repo, phase: .fetching) { remote, ctx in
            let rc = ctx.withFetchOptions { opts in
                fetch(remote, zip(branches, tracking).map { "+refs/heads/\($0):\($1)" }, &opts, depth: depth)
            }
            // the heads the server advertised stay readable after the fetch disconnected
            var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
            var count = 0
            if rc == 0, git_remote_ls(&heads, &count, remote) == 0, let heads {
                advertised = Set((0..<count).compactMap { heads[$0].map { String(cString: $0.pointee.name) } })
            }
            return rc
        }
        if rc < 0 { throw ctx.error(operation: "fetch from \(session.location.display)", code: rc) }
        return zip(branches, tracking).map { branch, tracking in
            var oid = git_oid()
            guard advertised.contains("refs/heads/\(branch)"), git_reference_name_to_id(&oid, repo, tracking) == 0 else {
                git_error_clear()
                var ref: OpaquePointer?
                if git_reference_lookup(&ref, repo, tracking) == 0 { git_reference_delete(ref); git_reference_free(ref) }
                git_error_clear()
                return nil
            }
            return oid
        }
    }

    /// A local checkout used in place goes back to the branch it was on, its working tree as it was (it was clean
    /// when opened): a bot branch or `--branch` checked out for the run is never left behind.
    func restoreCheckout() {
        guard let repo, !isTemporaryClone, let original = originalBranch, Self.currentBranch(repo) != original else { return }
        guard git_repository_set_head(repo, "refs/heads/\(original)") == 0 else { git_error_clear(); return }
        var co = git_checkout_options()
        git_checkout_options_init(&co, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        co.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue
        if git_checkout_head(repo, &co) != 0 { git_error_clear() }
    }
}
