internal import CGit2
import FoundationEssentials
internal import Glibc

/// A local checkout's untracked (and ignored) files are the user's: moving its working tree to another commit
/// must never write over them. `git pull` refuses in the same case.
extension ConfigRepo {
    /// Paths on disk, tracked by no commit of HEAD, that checking out `oid` would replace: a file `oid` adds, or
    /// a file standing where `oid` puts a directory.
    func untrackedFilesInTheWay(movingTo oid: git_oid) throws -> [String] {
        var headTree: OpaquePointer?, targetTree: OpaquePointer?
        try check(treeOfCommit(&headTree, try headCommitOid()), "reading HEAD's tree")
        defer { git_tree_free(headTree) }
        try check(treeOfCommit(&targetTree, oid), "reading the remote's tree")
        defer { git_tree_free(targetTree) }
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, repo, headTree, targetTree, nil), "comparing with the remote's tree")
        defer { git_diff_free(diff) }
        var found: [String] = []
        for i in 0..<git_diff_num_deltas(diff) {
            guard let d = git_diff_get_delta(diff, i)?.pointee, d.status == GIT_DELTA_ADDED || d.status == GIT_DELTA_TYPECHANGE,
                  let p = d.new_file.path else { continue }
            let path = String(cString: p)
            var prefix = ""
            for c in path.split(separator: "/") {
                prefix += prefix.isEmpty ? String(c) : "/" + c
                var st = stat()
                guard lstat(workdir + "/" + prefix, &st) == 0 else { break } // nothing on disk there
                let inTheWay = prefix == path || (st.st_mode & S_IFMT) != S_IFDIR
                if inTheWay {
                    if !Self.tracked(prefix, in: headTree), !found.contains(prefix) { found.append(prefix) }
                    break
                }
            }
        }
        return found
    }

    private static func tracked(_ path: String, in tree: OpaquePointer?) -> Bool {
        var entry: OpaquePointer?
        guard git_tree_entry_bypath(&entry, tree, path) == 0 else { git_error_clear(); return false }
        git_tree_entry_free(entry)
        return true
    }

    private func treeOfCommit(_ tree: inout OpaquePointer?, _ oid: git_oid) -> Int32 {
        var oid = oid
        var commit: OpaquePointer?
        let rc = git_commit_lookup(&commit, repo, &oid)
        guard rc == 0 else { return rc }
        defer { git_commit_free(commit) }
        return git_commit_tree(&tree, commit)
    }
}
