internal import CGit2
import FoundationEssentials

/// Push and fetch: the two network operations after the clone.
extension ConfigRepo {
    enum PushOutcome { case pushed, stale(String) }

    /// One push of `branch`. A force push replaces only `lease` (the commit the run read; zero: no branch): the
    /// remote's value advertised in the push's own connection is compared before anything is sent, and the server
    /// checks the old value it is sent when it updates the ref; a moved branch is `.stale`.
    func pushOnce(branch: String, force: Bool, lease: git_oid? = nil, repo: OpaquePointer) throws -> PushOutcome {
        let ref = "refs/heads/\(branch)"
        if let path = localPushTarget { // file://: a compare-and-swap of the ref (LocalPush.swift)
            var base = git_oid() // what the push replaces: the lease, else the remote's branch as fetched
            if force { base = lease ?? git_oid() }
            else if let remoteName, git_reference_name_to_id(&base, repo, "refs/remotes/\(remoteName)/\(branch)") != 0 { git_error_clear() }
            return try pushToLocalRepository(at: path, branch: branch, expected: base, repo: repo).map { .stale($0) } ?? .pushed
        }
        let refspec = (force ? "+" : "") + "\(ref):\(ref)"
        let (rc, ctx) = try push([refspec], step: "pushing to \(session.location.display) (\(branch))", repo: repo,
                                 lease: force ? lease.map { (ref, $0) } : nil)
        if let moved = ctx.leaseBroken { return .stale(moved) }
        if rc < 0 {
            let msg = lastGitErrorMessage(secrets: session.secrets)
            if rc == GIT_ENONFASTFORWARD.rawValue || msg.contains("non-fastforwardable")
                || msg.contains("not present locally") {
                return .stale("non-fast-forward")
            }
            let err = ctx.error(operation: "push to \(session.location.display)", code: rc)
            if case let .git(op, m, c) = err, Self.looksLikeConnectionLoss(m) {
                throw GitOpsError.git(operation: op, message: m + " — connection to the server lost; the branch was not"
                    + " confirmed as updated. Re-running is safe: if the change did land, nothing more is committed", code: c)
            }
            throw err
        }
        if let rejected = ctx.rejectedRefs.first {
            let s = rejected.status.lowercased()
            let retryable = ["fetch first", "non-fast-forward", "non-fastforward", "stale", "lock", "failed to update ref",
                             "but expected", "already exists", "incorrect old value"].contains { s.contains($0) }
            if retryable { return .stale(rejected.status) }
            throw ctx.rejection(rejected)
        }
        return .pushed
    }

    /// One push of `refspecs` to the configured remote, `step` shown as progress: libgit2's result and the context
    /// holding what went wrong (`error`) and the refs the server rejected (`rejectedRefs`).
    func push(_ refspecs: [String], step: String, repo: OpaquePointer,
              lease: (ref: String, expected: git_oid)? = nil) throws -> (Int32, RemoteContext) {
        try withRemote(in: repo, phase: .pushing) { remote, ctx in
            ctx.lease = lease
            var opts = git_push_options()
            git_push_options_init(&opts, UInt32(GIT_PUSH_OPTIONS_VERSION))
            opts.callbacks = ctx.makeCallbacks()
            progress?(.step(step))
            return ctx.withProxyOptions { proxy in
                opts.proxy_opts = proxy
                return withStrArray(refspecs) { arr in ctx.run { git_remote_push(remote, arr, &opts) } }
            }
        }
    }

    /// Runs one network call on the configured remote with a `RemoteContext` for `phase` (its callbacks need it
    /// alive during the call); returns the call's result and the context, which holds what went wrong.
    func withRemote(in repo: OpaquePointer, phase: RemoteContext.Phase,
                            _ call: (OpaquePointer?, RemoteContext) -> Int32) throws -> (Int32, RemoteContext) {
        guard let remoteName else { throw GitOpsError.invalidArgument("no remote") }
        var remote: OpaquePointer?
        try check(git_remote_lookup(&remote, repo, remoteName), "looking up remote \(remoteName)")
        defer { git_remote_free(remote) }
        let ctx = RemoteContext(session: session, progress: progress, phase: phase, timeouts: timeouts)
        return (call(remote, ctx), ctx)
    }

    static func looksLikeConnectionLoss(_ msg: String) -> Bool {
        let m = msg.lowercased()
        return ["eof", "connection", "broken pipe", "reset by peer", "timed out", "failed to send", "failed to receive",
                "early eof", "socket"].contains { m.contains($0) }
    }

    /// The remote's head of `branch` when it has the same tree and the same single parent as `commit`.
    func remoteBranchHolding(_ commit: git_oid, branch: String) -> git_oid? {
        guard let repo, let remoteName else { return nil }
        var remoteOid = git_oid()
        guard git_reference_name_to_id(&remoteOid, repo, "refs/remotes/\(remoteName)/\(branch)") == 0 else { return nil }
        var ours = commit
        var a: OpaquePointer?, b: OpaquePointer?
        guard git_commit_lookup(&a, repo, &remoteOid) == 0, let a else { return nil }
        defer { git_commit_free(a) }
        guard git_commit_lookup(&b, repo, &ours) == 0, let b else { return nil }
        defer { git_commit_free(b) }
        // the parents as written: the remote head fetched into a shallow clone reads as parentless
        guard let ta = git_commit_tree_id(a), let tb = git_commit_tree_id(b), git_oid_equal(ta, tb) != 0,
              case let pa = declaredParents(a), pa.count == 1, pa == declaredParents(b) else { return nil }
        return remoteOid
    }
}
