internal import CGit2
import FoundationEssentials

/// The bot branch of a merge request on the remote: read what it holds, delete it.
extension ConfigRepo {
    /// Runs `body` on the working tree holding the remote branch `name`'s files (fetched now), then puts the working
    /// tree and index back on the current head. nil, and `body` not run, when the remote has no such branch.
    public func withRemoteBranch<T>(_ name: String, _ body: (String) throws -> T) throws -> T? {
        try withRemoteBranch(name) { workdir, _ in try body(workdir) }
    }

    /// `withRemoteBranch`, `body` also given the branch's commit as read.
    func withRemoteBranch<T>(_ name: String, _ body: (String, git_oid) throws -> T) throws -> T? {
        guard let repo else { throw GitOpsError.invalidArgument("repository already closed") }
        guard var oid = try fetchIfPresent(name) else { return nil }
        let read = oid
        let head = try headCommitOid()
        defer { try? hardReset(to: head) }
        var commit: OpaquePointer?
        try check(git_object_lookup(&commit, repo, &oid, GIT_OBJECT_COMMIT), "looking up \(name)")
        defer { git_object_free(commit) }
        try check(withForcedCheckout { co in git_checkout_tree(repo, commit, &co) }, "checking out \(name)")
        return try body(workdir, read)
    }

    /// Reads the remote push branch `name` (fetched now) and runs `check` on its files: the commit read, which the
    /// force push may replace and nothing else (a zero oid: no such branch, and the push may only create it).
    func readPushBranch(_ name: String, check: ((String) throws -> Void)?) throws -> git_oid {
        guard let check else { return try fetchIfPresent(name) ?? git_oid() }
        return try withRemoteBranch(name) { workdir, oid in try check(workdir); return oid } ?? git_oid()
    }

    /// Deletes `name` on the remote (a push of nothing to it).
    public func deleteRemoteBranch(_ name: String) throws {
        guard let repo else { throw GitOpsError.invalidArgument("repository already closed") }
        let what = "deleting \(name) on \(session.location.display)"
        let (rc, ctx) = try push([":refs/heads/\(name)"], step: what, repo: repo)
        if rc < 0 { throw ctx.error(operation: what, code: rc) }
        if let rejected = ctx.rejectedRefs.first { throw ctx.rejection(rejected) }
    }

    /// Fetches `branch` into its remote-tracking ref. nil when the remote does not advertise it (a tracking ref left
    /// from an earlier fetch is then removed, so that a branch gone from the remote is never answered from it).
    func fetchIfPresent(_ branch: String) throws -> git_oid? {
        guard let repo, let remoteName else { return nil }
        let tracking = "refs/remotes/\(remoteName)/\(branch)"
        var advertised = false
        let (rc, ctx) = try withRemote(in: repo, phase: .fetching) { remote, ctx in
            var opts = git_fetch_options()
            git_fetch_options_init(&opts, UInt32(GIT_FETCH_OPTIONS_VERSION))
            opts.callbacks = ctx.makeCallbacks()
            opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE  // the one branch, as the clone
            let rc = ctx.withProxyOptions { proxy in
                opts.proxy_opts = proxy
                return withStrArray(["+refs/heads/\(branch):\(tracking)"]) { arr in ctx.run { git_remote_fetch(remote, arr, &opts, nil) } }
            }
            // the heads the server advertised stay readable after the fetch disconnected
            var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
            var count = 0
            if rc == 0, git_remote_ls(&heads, &count, remote) == 0, let heads {
                advertised = (0..<count).contains { heads[$0].map { String(cString: $0.pointee.name) } == "refs/heads/\(branch)" }
            }
            return rc
        }
        if rc < 0 { throw ctx.error(operation: "fetch from \(session.location.display)", code: rc) }
        var oid = git_oid()
        guard advertised, git_reference_name_to_id(&oid, repo, tracking) == 0 else {
            git_error_clear()
            var ref: OpaquePointer?
            if git_reference_lookup(&ref, repo, tracking) == 0 { git_reference_delete(ref); git_reference_free(ref) }
            git_error_clear()
            return nil
        }
        return oid
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
