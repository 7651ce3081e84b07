internal import CGit2
import FoundationEssentials
import ImageRules

/// libgit2 mechanics of a `ConfigRepo`: resolving, resetting, committing, checking out.
extension ConfigRepo {
    func isAncestor(_ a: git_oid, of b: git_oid) -> Bool {
        var a = a, b = b
        if git_oid_equal(&a, &b) != 0 { return true }
        return git_graph_descendant_of(repo, &b, &a) == 1
    }

    func headCommitOid() throws -> git_oid {
        var oid = git_oid()
        try check(git_reference_name_to_id(&oid, repo, "HEAD"), "resolving HEAD")
        return oid
    }

    /// Hard-resets the current branch, index and working tree to `oid`.
    func hardReset(to oid: git_oid) throws {
        var oid = oid
        var obj: OpaquePointer?
        try check(git_object_lookup(&obj, repo, &oid, GIT_OBJECT_COMMIT), "looking up commit")
        defer { git_object_free(obj) }
        let rc = withForcedCheckout { co in git_reset(repo, obj, GIT_RESET_HARD, &co) }
        try check(rc, "resetting to \(Self.hex(oid).prefix(12))")
    }

    /// Runs `call` with checkout options that overwrite the working tree, limited to the sparse checkout's paths.
    func withForcedCheckout(_ call: (inout git_checkout_options) -> Int32) -> Int32 {
        var co = git_checkout_options()
        git_checkout_options_init(&co, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        co.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue
        return withOptionalStrArray(checkoutPaths) { paths in
            if let paths { co.paths = paths.pointee }
            return call(&co)
        }
    }

    /// Points local branch `name` at `oid`, checks it out and hard-resets the working tree.
    func resetBranch(_ name: String, to oid: git_oid) throws {
        var oid = oid
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, repo, &oid), "looking up commit")
        defer { git_commit_free(commit) }
        // libgit2 refuses to force-move the branch HEAD is on (a retry of a push to the bot branch): detach first
        try check(git_repository_set_head_detached(repo, &oid), "detaching HEAD")
        var ref: OpaquePointer?
        try check(git_branch_create(&ref, repo, name, commit, 1), "creating branch \(name)")
        git_reference_free(ref)
        try check(git_repository_set_head(repo, "refs/heads/\(name)"), "checking out \(name)")
        try hardReset(to: oid)
    }

    /// Stages `paths` and commits on HEAD, signed when `signing` says how. Returns nil when the resulting tree equals
    /// HEAD's (nothing changed).
    func commitChanges(paths: [String], message: String, author: GitAuthor, signing: CommitSigning? = nil) throws -> git_oid? {
        var index: OpaquePointer?
        try check(git_repository_index(&index, repo), "opening the index")
        defer { git_index_free(index) }
        if checkoutPaths != nil {
            // Sparse working tree: start from HEAD's full tree so files not on disk are kept.
            var head = try headCommitOid()
            var headCommit: OpaquePointer?
            try check(git_commit_lookup(&headCommit, repo, &head), "looking up HEAD")
            defer { git_commit_free(headCommit) }
            var headTree: OpaquePointer?
            try check(git_commit_tree(&headTree, headCommit), "reading HEAD's tree")
            defer { git_tree_free(headTree) }
            try check(git_index_read_tree(index, headTree), "reading HEAD's tree into the index")
        }
        for p in paths {
            if let link = Self.gitlink(holding: p, in: index) {
                throw GitOpsError.invalidArgument("\(PathQuoting.quoted(p)) is inside the submodule \(PathQuoting.quoted(link)); imagebump never stages files of a submodule nor changes its commit")
            }
            var isDir = false
            if FileManager.default.fileExists(atPath: workdir + "/" + p, isDirectory: &isDir), !isDir {
                try check(git_index_add_bypath(index, p), "staging \(p)")
            } else {
                try check(git_index_remove_bypath(index, p), "staging removal of \(p)")
            }
        }
        try check(git_index_write(index), "writing the index")
        var treeOid = git_oid()
        try check(git_index_write_tree(&treeOid, index), "writing the tree")
        var headOid = try headCommitOid()
        var parent: OpaquePointer?
        try check(git_commit_lookup(&parent, repo, &headOid), "looking up HEAD")
        defer { git_commit_free(parent) }
        if var headTree = git_commit_tree_id(parent)?.pointee, git_oid_equal(&headTree, &treeOid) != 0 {
            return nil
        }
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, repo, &treeOid), "looking up the tree")
        defer { git_tree_free(tree) }
        var sig: UnsafeMutablePointer<git_signature>?
        try check(git_signature_now(&sig, author.name, author.email), "author \(author)")
        defer { git_signature_free(sig) }
        if let signing {
            return try createSignedCommit(tree: tree, parent: parent, signature: sig, message: message, author: author, signing: signing)
        }
        var oid = git_oid()
        var parents: [OpaquePointer?] = [parent]
        let rc = parents.withUnsafeMutableBufferPointer { buf in
            git_commit_create(&oid, repo, "HEAD", sig, sig, "UTF-8", message, tree, 1, buf.baseAddress)
        }
        try check(rc, "committing", secrets: session.secrets)
        return oid
    }

    /// The submodule entry (a gitlink) at `path` or at one of its parent directories, if the index has one.
    static func gitlink(holding path: String, in index: OpaquePointer?) -> String? {
        var prefix = ""
        for c in path.split(separator: "/") {
            prefix += prefix.isEmpty ? String(c) : "/" + c
            if let e = git_index_get_bypath(index, prefix, 0), e.pointee.mode == UInt32(GIT_FILEMODE_COMMIT.rawValue) { return prefix }
        }
        return nil
    }

    static func hex(_ oid: git_oid) -> String {
        var oid = oid
        var buf = [CChar](repeating: 0, count: 41)
        git_oid_tostr(&buf, 41, &oid)
        return buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func currentBranch(_ repo: OpaquePointer) -> String? {
        var head: OpaquePointer?
        guard git_repository_head(&head, repo) == 0, let head else { git_error_clear(); return nil }
        defer { git_reference_free(head) }
        guard git_reference_is_branch(head) != 0, let name = git_reference_shorthand(head) else { return nil }
        return String(cString: name)
    }

    static func checkoutBranch(_ repo: OpaquePointer, _ name: String, path: String) throws {
        var ref: OpaquePointer?
        if git_branch_lookup(&ref, repo, name, GIT_BRANCH_LOCAL) != 0 {
            git_error_clear()
            var remoteRef: OpaquePointer?
            guard git_branch_lookup(&remoteRef, repo, "origin/\(name)", GIT_BRANCH_REMOTE) == 0 else {
                throw GitOpsError.invalidArgument("branch '\(name)' not found in \(path)")
            }
            defer { git_reference_free(remoteRef) }
            var commit: OpaquePointer?
            try check(git_reference_peel(&commit, remoteRef, GIT_OBJECT_COMMIT), "resolving origin/\(name)")
            defer { git_object_free(commit) }
            try check(git_branch_create(&ref, repo, name, commit, 0), "creating branch \(name)")
        }
        defer { git_reference_free(ref) }
        var target: OpaquePointer?
        try check(git_reference_peel(&target, ref, GIT_OBJECT_COMMIT), "resolving \(name)")
        defer { git_object_free(target) }
        var co = git_checkout_options()
        git_checkout_options_init(&co, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        co.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue
        try check(git_checkout_tree(repo, target, &co), "checking out \(name)")
        try check(git_repository_set_head(repo, "refs/heads/\(name)"), "checking out \(name)")
    }

    /// Modified, staged or conflicted tracked files (untracked files are ignored).
    static func dirtyFiles(_ repo: OpaquePointer) throws -> [String] {
        var opts = git_status_options()
        git_status_options_init(&opts, UInt32(GIT_STATUS_OPTIONS_VERSION))
        opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        var list: OpaquePointer?
        try check(git_status_list_new(&list, repo, &opts), "reading status")
        defer { git_status_list_free(list) }
        var out: [String] = []
        for i in 0..<git_status_list_entrycount(list) {
            guard let e = git_status_byindex(list, i)?.pointee else { continue }
            if e.status == GIT_STATUS_CURRENT || e.status.rawValue & GIT_STATUS_IGNORED.rawValue != 0 { continue }
            let delta = e.index_to_workdir ?? e.head_to_index
            if let p = delta?.pointee.new_file.path ?? delta?.pointee.old_file.path { out.append(String(cString: p)) }
        }
        return out
    }
}

let checkoutProgressCallback: git_checkout_progress_cb = { _, completed, total, payload in
    guard let payload else { return }
    let ctx = Unmanaged<RemoteContext>.fromOpaque(payload).takeUnretainedValue()
    ctx.progress?(.checkout(completed: Int(completed), total: Int(total)))
}
