internal import CGit2
import FoundationEssentials

/// The clone, as `git clone --single-branch --no-tags` makes it: libgit2's git_clone fetches every branch and tag
/// into a ref of its own, and writing 40,000 refs took tens of seconds where the git CLI takes one. Here only the
/// edited branch is fetched, `depth` commits deep (as `--depth`), then checked out (just `checkoutPaths` when given).
extension ConfigRepo {
    /// A new repository in `dest` whose `origin` is `location`, holding `branch` (nil: the remote's default branch)
    /// as a local branch tracking origin's, checked out. Returns it and the branch.
    static func cloneSingleBranch(url location: RemoteURL, into dest: String, branch: String?, checkoutPaths: [String]?,
                                  depth: CloneDepth, ctx: RemoteContext, display: String) throws -> (repo: OpaquePointer, branch: String) {
        let url = location.withoutCredentials
        var created: OpaquePointer?
        try check(git_repository_init(&created, dest, 0), "creating a repository in \(dest)")
        if let objects = borrowableObjects(of: location) {
            // file://: the source's objects are read in place (as `git clone --shared`), so the fetch below finds
            // it has every one; the repository is opened again to read the alternates file
            git_repository_free(created)
            created = nil
            try Data((objects + "\n").utf8).write(to: URL(fileURLWithPath: dest + "/.git/objects/info/alternates"))
            try check(git_repository_open(&created, dest), "opening the repository in \(dest)")
        }
        guard let repo = created else { throw GitOpsError.invalidArgument("cannot create a repository in \(dest)") }
        var keep = false
        defer { if !keep { git_repository_free(repo) } }
        if let branch { try requireBranchName(branch, display: display) }
        var remote: OpaquePointer?
        try check(git_remote_create(&remote, repo, "origin", url), "adding remote origin")
        defer { git_remote_free(remote) }
        try check(git_remote_set_autotag(repo, "origin", GIT_REMOTE_DOWNLOAD_TAGS_NONE), "configuring origin")

        var chosen = branch
        var noDefaultBranch = false
        let rc = ctx.withFetchOptions { fetchOptions in
            if chosen == nil {  // ask the remote which branch its HEAD names, on the connection the fetch then uses
                var callbacks = fetchOptions.callbacks, proxy = fetchOptions.proxy_opts
                let connected = git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, &proxy, nil)
                if connected < 0 { return connected }
                var buf = git_buf()
                defer { git_buf_dispose(&buf) }
                guard git_remote_default_branch(&buf, remote) == 0, let name = buf.ptr.map({ String(cString: $0) }),
                      name.hasPrefix("refs/heads/") else {
                    noDefaultBranch = true
                    return 0
                }
                chosen = String(name.dropFirst("refs/heads/".count))
            }
            let spec = "+refs/heads/\(chosen!):refs/remotes/origin/\(chosen!)"
            // libgit2's local transport (file://) refuses a depth; the borrowed objects make that clone cost nothing
            return fetch(remote, [spec], &fetchOptions, depth: location.isNetwork ? depth.fetchDepth : 0)
        }
        if rc < 0 { throw ctx.error(operation: "clone of \(display)", code: rc) }
        guard !noDefaultBranch, let name = chosen else {
            throw GitOpsError.invalidArgument("\(display) has no branches (empty repository?)")
        }
        try requireBranchName(name, display: display)

        var tracking: OpaquePointer?
        guard git_reference_lookup(&tracking, repo, "refs/remotes/origin/\(name)") == 0, let tracking else {
            git_error_clear()
            throw GitOpsError.invalidArgument(branch == nil ? "\(display) has no branches (empty repository?)"
                                                            : "branch '\(name)' not found in \(display)")
        }
        defer { git_reference_free(tracking) }
        var commit: OpaquePointer?
        try check(git_reference_peel(&commit, tracking, GIT_OBJECT_COMMIT), "resolving origin/\(name)")
        defer { git_object_free(commit) }
        var local: OpaquePointer?
        try check(git_branch_create(&local, repo, name, commit, 0), "creating branch \(name)")
        defer { git_reference_free(local) }
        try check(git_branch_set_upstream(local, "origin/\(name)"), "setting the upstream of \(name)")
        try check(git_repository_set_head(repo, "refs/heads/\(name)"), "checking out \(name)")

        var checkout = git_checkout_options()
        git_checkout_options_init(&checkout, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        checkout.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue  // a new repository: every file is written
        checkout.progress_cb = checkoutProgressCallback
        checkout.progress_payload = Unmanaged.passUnretained(ctx).toOpaque()
        let checkedOut = withOptionalStrArray(checkoutPaths) { paths in
            if let paths { checkout.paths = paths.pointee }
            return git_checkout_head(repo, &checkout)
        }
        try check(checkedOut, "checking out \(name)")
        keep = true
        return (repo, name)
    }

    /// A branch name that makes a valid ref (no glob, no `..`): it becomes part of a refspec.
    private static func requireBranchName(_ name: String, display: String) throws {
        var valid: Int32 = 0
        guard git_reference_name_is_valid(&valid, "refs/heads/\(name)") == 0, valid != 0 else {
            git_error_clear()
            throw GitOpsError.invalidArgument("'\(name)' is not a valid branch name (\(display))")
        }
    }
}
