internal import CGit2
import ImagebumpKit

/// The config repo's history as `imagebump history` reads it: the first-parent chain of a branch (what reached it,
/// a merged merge request as its merge commit), keeping the commits that changed a file the caller asks about, with
/// those files' bytes before and after. Read-only; the derivation is `Deployments.derive`'s.
public enum ConfigHistory {
    /// The commits newest first, and the files `holds` keeps as they stood in the commit the walk stopped at.
    /// - Parameter path: a repository's working tree (or a directory in it).
    /// - Parameter revision: what to start from (a branch, a commit), nil: HEAD.
    /// - Parameter holds: whether a root-relative path is one of the environments' files.
    /// - Parameter since: the walk stops at the first commit committed before this time (as `git log --since`).
    /// - Parameter maxFileSize: a file larger than this is read as absent (it holds no image the rules read).
    public static func commits(repositoryAt path: String, revision: String?, holds: (String) -> Bool, since: Int64?,
                               maxFileSize: Int = 16 << 20) throws -> HistoryRead {
        ensureLibgit2()
        var r: OpaquePointer?
        try check(git_repository_open_ext(&r, path, 0, nil), "open \(path) as a git repository")
        guard let repo = r else { return HistoryRead(commits: []) }
        defer { git_repository_free(repo) }
        var start: OpaquePointer?
        // a branch of a local checkout may be only origin's (a CI job's checkout fetches branches so)
        if git_revparse_single(&start, repo, revision ?? "HEAD") != 0, let revision {
            git_error_clear()
            try check(git_revparse_single(&start, repo, "refs/remotes/origin/\(revision)"),
                      "resolving \(revision) (no such branch or commit, nor origin/\(revision): fetch it)")
        } else if start == nil {
            try check(git_revparse_single(&start, repo, revision ?? "HEAD"), "resolving \(revision ?? "HEAD")")
        }
        defer { git_object_free(start) }
        var peeled: OpaquePointer?
        try check(git_object_peel(&peeled, start, GIT_OBJECT_COMMIT), "resolving \(revision ?? "HEAD") to a commit")
        defer { git_object_free(peeled) }
        let head = git_object_id(peeled)!.pointee

        // the first-parent chain, followed by hand: a revwalk loads every parent, and fails at a shallow boundary
        var out: [HistoryCommit] = []
        var blobs = Blobs(limit: maxFileSize)
        var base: [String: [UInt8]] = [:]
        var boundary: (id: String, time: Int64)?
        var next: git_oid? = head
        while var oid = next {
            var c: OpaquePointer?
            try check(git_commit_lookup(&c, repo, &oid), "reading commit \(ConfigRepo.hex(oid))")
            guard let commit = c else { break }
            defer { git_commit_free(commit) }
            next = git_commit_parentcount(commit) > 0 ? git_commit_parent_id(commit, 0)?.pointee : nil
            let time = Int64(git_commit_time(commit))
            // a shallow clone's oldest commit: its parent is not there, so what it changed cannot be told
            let changes = since.map { time < $0 } == true ? nil : try changed(repo, commit, holds: holds, blobs: &blobs)
            guard let changes else {
                // what the environments held when the walk stopped: what ran where before the commits read
                base = try files(repo, commit, holds: holds, blobs: &blobs)
                if since.map({ time >= $0 }) ?? true { boundary = (ConfigRepo.hex(oid), time) }
                break
            }
            if changes.isEmpty { continue }
            let parents = (0..<git_commit_parentcount(commit)).compactMap { git_commit_parent_id(commit, $0).map { ConfigRepo.hex($0.pointee) } }
            out.append(HistoryCommit(id: ConfigRepo.hex(oid), time: time, parents: parents, message: message(commit),
                                     mergedMessages: parents.count > 1 ? (try? merged(repo, commit)) ?? [] : [], changes: changes))
        }
        return HistoryRead(commits: out, base: base, boundary: boundary)
    }

    /// The blobs read, by id: the old side of a change is the new side of the previous change of that path, read
    /// once and shared (`Deployments` then parses it once too).
    struct Blobs {
        let limit: Int
        var read: [String: [UInt8]?] = [:]

        /// A side of a delta: nil when absent (added, deleted), not a file, or over `limit`.
        mutating func bytes(_ repo: OpaquePointer, _ file: git_diff_file) -> [UInt8]? {
            var id = file.id
            guard git_oid_is_zero(&id) == 0, file.mode == UInt16(GIT_FILEMODE_BLOB.rawValue) || file.mode == UInt16(GIT_FILEMODE_BLOB_EXECUTABLE.rawValue) else { return nil }
            let key = ConfigRepo.hex(id)
            if let known = read[key] { return known }
            let b = ConfigHistory.blob(repo, &id, limit)
            read[key] = .some(b)
            return b
        }
    }

    static func message(_ commit: OpaquePointer) -> String { git_commit_message(commit).map { String(cString: $0) } ?? "" }

    /// The files `holds` keeps that `commit` changed against its first parent (all of its files for a root commit);
    /// nil when the first parent is missing (the boundary of a shallow clone).
    static func changed(_ repo: OpaquePointer, _ commit: OpaquePointer, holds: (String) -> Bool, blobs: inout Blobs) throws -> [HistoryCommit.FileChange]? {
        if isShallowBoundary(commit) { return nil }
        var parentTree: OpaquePointer?
        if git_commit_parentcount(commit) > 0 {
            var parent: OpaquePointer?
            guard git_commit_parent(&parent, commit, 0) == 0 else { git_error_clear(); return nil }
            defer { git_commit_free(parent) }
            try check(git_commit_tree(&parentTree, parent), "reading a commit's tree")
        }
        defer { git_tree_free(parentTree) }
        return try diff(repo, parentTree, commit, holds: holds, blobs: &blobs)
    }

    /// The files `holds` keeps in `commit`'s tree, with their bytes.
    static func files(_ repo: OpaquePointer, _ commit: OpaquePointer, holds: (String) -> Bool, blobs: inout Blobs) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for f in try diff(repo, nil, commit, holds: holds, blobs: &blobs) { out[f.path] = f.new }
        return out
    }

    /// The changes `holds` keeps from `parentTree` (nil: empty) to `commit`'s tree.
    static func diff(_ repo: OpaquePointer, _ parentTree: OpaquePointer?, _ commit: OpaquePointer, holds: (String) -> Bool,
                     blobs: inout Blobs) throws -> [HistoryCommit.FileChange] {
        var tree: OpaquePointer?
        try check(git_commit_tree(&tree, commit), "reading a commit's tree")
        defer { git_tree_free(tree) }
        var opts = git_diff_options()
        git_diff_options_init(&opts, UInt32(GIT_DIFF_OPTIONS_VERSION))
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, repo, parentTree, tree, &opts), "comparing a commit with its parent")
        defer { git_diff_free(diff) }
        var out: [HistoryCommit.FileChange] = []
        for i in 0..<git_diff_num_deltas(diff) {
            guard let d = git_diff_get_delta(diff, i)?.pointee else { continue }
            let path = d.new_file.path.map { String(cString: $0) } ?? d.old_file.path.map { String(cString: $0) } ?? ""
            guard holds(path) else { continue }
            out.append(.init(path: path, old: blobs.bytes(repo, d.old_file), new: blobs.bytes(repo, d.new_file)))
        }
        return out
    }

    /// A blob's bytes, nil when it is missing or over `limit`.
    static func blob(_ repo: OpaquePointer, _ id: inout git_oid, _ limit: Int) -> [UInt8]? {
        var b: OpaquePointer?
        guard git_blob_lookup(&b, repo, &id) == 0, let blob = b else { git_error_clear(); return nil }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size <= limit else { return nil }
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    /// The messages of the commits a merge brings in (reachable from its other parents, not from its first), newest
    /// first, at most 50.
    static func merged(_ repo: OpaquePointer, _ merge: OpaquePointer) throws -> [String] {
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, repo), "walking a merge")
        defer { git_revwalk_free(walk) }
        git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue)
        for i in 0..<git_commit_parentcount(merge) {
            guard var p = git_commit_parent_id(merge, i)?.pointee else { continue }
            try check(i == 0 ? git_revwalk_hide(walk, &p) : git_revwalk_push(walk, &p), "walking a merge")
        }
        var out: [String] = []
        var oid = git_oid()
        while out.count < 50, git_revwalk_next(&oid, walk) == 0 {
            var c: OpaquePointer?
            guard git_commit_lookup(&c, repo, &oid) == 0, let commit = c else { continue }
            out.append(message(commit))
            git_commit_free(commit)
        }
        return out
    }
}

extension ConfigRepo {
    /// What `ConfigHistory.commits` reads `branch` of this clone at: HEAD for its own branch, else the remote's
    /// branch, fetched (a clone holds one branch) `depth` commits deep (nil: all of it).
    public func historyRevision(of branch: String, depth: Int? = nil) throws -> String? {
        if branch == self.branch { return nil }
        // Int32.max: libgit2's GIT_FETCH_DEPTH_UNSHALLOW, the whole history into a shallow clone
        guard let oid = try fetchIfPresent(branch, depth: depth.map { Int32(clamping: $0) } ?? (isShallow ? Int32.max : 0)) else {
            throw GitOpsError.invalidArgument("no branch \(branch) on \(session.location.display)")
        }
        return ConfigRepo.hex(oid)
    }
}
