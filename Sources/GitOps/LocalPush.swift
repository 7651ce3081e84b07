internal import CGit2
import FoundationEssentials

/// A clone's push to the `file://` repository it was cloned from, the ref moved only from the value the push was
/// built on. libgit2's local transport writes the remote's ref without comparing its old value (git_reference_create,
/// forced): of two concurrent pushes both "succeeded" and one commit was lost (4 bumps in 20 of issue 19's
/// benchmark). Objects go as one pack (what the new commit reaches and the old value does not, as libgit2 sends
/// them); the ref moves by git_reference_create_matching, a compare-and-swap under the ref's lock.
extension ConfigRepo {
    /// The repository a temporary clone pushes to when that is this machine's `file://` path, else nil (a network
    /// remote, or a local checkout used in place, which pushes through libgit2 as before).
    var localPushTarget: String? {
        guard isTemporaryClone, session.location.kind == .file else { return nil }
        return Self.localRepositoryPath(of: session.location)
    }

    /// Pushes local `branch` to `path`'s branch of that name, replacing `expected` only (zero: the branch must not
    /// exist). nil when pushed, else why it was refused (the branch moved: re-read and re-apply).
    func pushToLocalRepository(at path: String, branch: String, expected: git_oid, repo: OpaquePointer) throws -> String? {
        let ref = "refs/heads/\(branch)"
        var opened: OpaquePointer?
        try check(git_repository_open_ext(&opened, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil), "opening \(path)")
        guard let remote = opened else { throw GitOpsError.invalidArgument("cannot open \(path)") }
        defer { git_repository_free(remote) }
        guard git_repository_is_bare(remote) == 1, let gitdir = git_repository_path(remote) else {
            throw GitOpsError.invalidArgument("\(path) is not a bare repository: a push would change the branch under its checkout")
        }
        var new = git_oid()
        try check(git_reference_name_to_id(&new, repo, ref), "resolving \(ref)")
        var old = expected
        let creating = git_oid_is_zero(&old) == 1

        var pb: OpaquePointer?, walk: OpaquePointer?
        try check(git_packbuilder_new(&pb, repo), "packing objects")
        defer { git_packbuilder_free(pb) }
        try check(git_revwalk_new(&walk, repo), "walking the push")
        defer { git_revwalk_free(walk) }
        try check(git_revwalk_push(walk, &new), "walking the push")
        if !creating, (try? objectExists(old, in: repo)) == true { try check(git_revwalk_hide(walk, &old), "walking the push") }
        try check(git_packbuilder_insert_walk(pb, walk), "packing objects")
        progress?(.step("pushing to \(session.location.display) (\(branch))"))
        try check(git_packbuilder_write(pb, String(cString: gitdir) + "objects/pack", 0, nil, nil), "writing objects to \(path)")
        let written = Int(git_packbuilder_object_count(pb)) // as a push reports them (no byte count: a local write)
        progress?(.push(current: written, total: written, bytes: nil))

        var out: OpaquePointer?
        let rc = creating ? git_reference_create(&out, remote, ref, &new, 0, "push")
                          : git_reference_create_matching(&out, remote, ref, &new, 1, &old, "push")
        git_reference_free(out)
        if rc == GIT_EMODIFIED.rawValue || rc == GIT_EEXISTS.rawValue || rc == GIT_ELOCKED.rawValue {
            git_error_clear() // moved, or being moved by another push (its lock file)
            return "the remote's \(branch) moved"
        }
        try check(rc, "updating \(ref) in \(path)")
        var tracking: OpaquePointer? // as a push updates the remote-tracking ref
        if let remoteName, git_reference_create(&tracking, repo, "refs/remotes/\(remoteName)/\(branch)", &new, 1, "push") != 0 { git_error_clear() }
        git_reference_free(tracking)
        return nil
    }

    private func objectExists(_ oid: git_oid, in repo: OpaquePointer) throws -> Bool {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repo), "opening the object store")
        defer { git_odb_free(odb) }
        var id = oid
        return git_odb_exists(odb, &id) == 1
    }

    /// The path of a plain `file:///absolute/path` URL, nil for anything else.
    static func localRepositoryPath(of location: RemoteURL) -> String? {
        guard location.kind == .file, location.host == nil || location.host == "" || location.host == "localhost",
              location.rest.hasPrefix("/"), !location.rest.contains("%"), !location.rest.contains("?"),
              !location.rest.contains("#") else { return nil }
        return location.rest
    }
}
