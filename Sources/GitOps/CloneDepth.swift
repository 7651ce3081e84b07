internal import CGit2
internal import CGitStream
import FoundationEssentials
import Support

/// How much of a branch's history a clone of the config repo fetches.
public enum CloneDepth: Sendable, Equatable {
    /// The newest `n` commits (at least 1): an edit and its push need only the tip.
    case commits(Int)
    /// All of it: what reading the history back needs.
    case full

    /// Every clone's default: the tip alone (`git clone --depth 1`).
    public static let shallow = CloneDepth.commits(1)

    /// git_fetch_options.depth for this depth (0: the whole history).
    var fetchDepth: Int32 {
        switch self {
        case .commits(let n): return Int32(clamping: max(1, n))
        case .full: return 0
        }
    }
}

extension ConfigRepo {
    /// True when this libgit2 fetches shallow (1.7 and later: bookworm-backports' 1.8; Debian 12's own 1.5 cannot,
    /// and every clone is then whole).
    public static var canFetchShallow: Bool { imagebump_git_supports_shallow() == 1 }

    /// True when the repository holds only the newest part of its history (it has a .git/shallow).
    public var isShallow: Bool { repo.map { git_repository_is_shallow($0) == 1 } ?? false }

    /// Fetches the rest of `branch`'s history (default: the branch edits start from) into a shallow clone, so that
    /// history reads back to the first commit. Nothing is fetched when the repository is not shallow.
    public func unshallow(branch: String? = nil) throws {
        guard isShallow else { return }
        _ = try fetchIfPresent(branch ?? self.branch, depth: Int32.max) // GIT_FETCH_DEPTH_UNSHALLOW
    }

    /// The depth of a later fetch into this repository: a shallow clone fetches a branch's new tip alone (as
    /// `git fetch --depth 1`), anything else fetches what it lacks (a depth in a local checkout's fetch would make it
    /// shallow).
    var followUpFetchDepth: Int32 { isTemporaryClone && isShallow ? 1 : 0 }

    /// The object directory of the repository a `file://` URL names, which a clone of it borrows (objects/info/
    /// alternates, as `git clone --shared`) instead of copying: libgit2's local transport copies every object of the
    /// branch and has no depth. nil when the URL is not a plain `file:///absolute/path` of a repository.
    static func borrowableObjects(of location: RemoteURL) -> String? {
        guard let path = localRepositoryPath(of: location) else { return nil }
        var source: OpaquePointer?
        guard git_repository_open_ext(&source, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil) == 0,
              let source else { git_error_clear(); return nil }
        defer { git_repository_free(source) }
        guard let common = git_repository_commondir(source) else { return nil }
        var dir = String(cString: common)
        while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
        let objects = dir + "/objects"
        var isDir = false
        guard FileManager.default.fileExists(atPath: objects, isDirectory: &isDir), isDir, !objects.contains("\n") else { return nil }
        return objects
    }
}

/// git_remote_fetch of `refspecs`, `depth` commits deep (0: the whole history). A server without the shallow
/// capability (an old or minimal one), which libgit2 refuses a depth for, is asked again for the whole history, as
/// `git fetch --depth` would have to.
func fetch(_ remote: OpaquePointer?, _ refspecs: [String], _ options: inout git_fetch_options, depth: Int32) -> Int32 {
    imagebump_git_fetch_set_depth(&options, depth)
    let rc = withStrArray(refspecs) { git_remote_fetch(remote, $0, &options, nil) }
    guard rc == GIT_EINVALID.rawValue, depth != 0, let e = git_error_last(), let m = e.pointee.message,
          String(cString: m).contains("support shallow") else { return rc }
    git_error_clear()
    git_remote_disconnect(remote)
    imagebump_git_fetch_set_depth(&options, 0)
    return withStrArray(refspecs) { git_remote_fetch(remote, $0, &options, nil) }
}

/// Registers libgit2's transports again with the fixes that make its shallow fetch work (see
/// imagebump_shallow_transports.h). Once per process.
func installShallowTransports() -> Int32 { imagebump_shallow_transports_install() }

/// A commit at the boundary of a shallow clone as libgit2 1.7+ reads it: listed in .git/shallow, it has no parents,
/// although its header names some (libgit2 1.5 gives those parents, which then cannot be looked up). What such a
/// commit changed, and what came before it, cannot be told.
func isShallowBoundary(_ commit: OpaquePointer) -> Bool {
    declaredParents(commit).count > Int(git_commit_parentcount(commit))
}

/// The parents a commit's raw header names, as hex (a shallow clone's grafts do not change them).
func declaredParents(_ commit: OpaquePointer) -> [String] {
    guard let header = git_commit_raw_header(commit) else { return [] }
    var parents: [String] = []
    for line in String(cString: header).split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("parent ") { parents.append(String(line.dropFirst("parent ".count))) }
        else if !line.isEmpty && !line.hasPrefix("tree ") { break }
    }
    return parents
}
