internal import CGit2
import FoundationEssentials
import Support

/// A config repository ready to be edited: a temporary clone of a URL, or a local working tree used in place.
/// `with(location:…)` opens one for the length of a closure (a clone is removed afterwards, also on SIGINT/SIGTERM:
/// `TempCleanup`); `publish` edits, commits and pushes, re-applying the edit when the branch moved (Publish's
/// `Publisher` is the caller). A thrown `GitOpsError`'s description is already redacted.
public final class ConfigRepo {
    /// Root of the working tree (absolute, no trailing slash). Edit files under it.
    public let workdir: String
    /// True when `workdir` is a temporary clone (removed by `close()`).
    public let isTemporaryClone: Bool
    /// The location as given, with credentials redacted (safe to print).
    public let displayLocation: String
    /// The branch edits start from (and are pushed to unless a push branch is used).
    public internal(set) var branch: String

    var repo: OpaquePointer?
    let session: CredentialSession
    /// Progress of fetches and pushes (the caller of a run may hand the open repo to another with its own).
    public var progress: GitProgressSink?
    let timeouts: NetworkTimeouts
    private var tempDir: String?
    /// `tempDir` is removed on SIGINT/SIGTERM/SIGHUP too (when the executable installed TempCleanup's handlers).
    private var tempRegistration: TempCleanup.Registration?
    let remoteName: String?
    /// Sparse clone: only these paths are in the working tree (nil = everything).
    public let checkoutPaths: [String]?
    /// A local checkout: the branch it was on when opened, restored by `close()`.
    var originalBranch: String?

    private init(repo: OpaquePointer, workdir: String, tempDir: String?, tempRegistration: TempCleanup.Registration? = nil,
                 displayLocation: String, branch: String,
                 session: CredentialSession, progress: GitProgressSink?, timeouts: NetworkTimeouts, remoteName: String?,
                 checkoutPaths: [String]? = nil) {
        self.timeouts = timeouts
        self.checkoutPaths = checkoutPaths
        self.repo = repo
        self.workdir = workdir
        self.tempDir = tempDir
        self.tempRegistration = tempRegistration
        self.isTemporaryClone = tempDir != nil
        self.displayLocation = displayLocation
        self.branch = branch
        self.session = session
        self.progress = progress
        self.remoteName = remoteName
    }

    deinit { close() }

    /// Frees libgit2 resources and removes the temporary clone (if any). Idempotent.
    public func close() {
        restoreCheckout()
        if let repo { git_repository_free(repo); self.repo = nil }
        if let tempDir {
            TempCleanup.removeTree(tempDir) // names as bytes: not every name in a clone is UTF-8
            self.tempDir = nil
        }
        if let tempRegistration { TempCleanup.unregister(tempRegistration); self.tempRegistration = nil }
    }

    /// The URL pushed to, without credentials: the given URL, or a local checkout's `origin` (its own path when it
    /// has none). Merge requests derive the forge project from it.
    public var remoteURL: String { session.location.withoutCredentials }

    /// True when `location` is a URL that `prepare` clones (as opposed to a local path used in place).
    public static func isURL(_ location: String) -> Bool { RemoteURL.isURL(location) }

    /// Prepares, runs `body`, and always closes (removing the temporary clone), also on error.
    public static func with<T>(location: String, branch: String? = nil, credentials: GitCredentials = GitCredentials(),
                               checkoutPaths: [String]? = nil, progress: GitProgressSink? = nil,
                               timeouts: NetworkTimeouts = .default, depth: CloneDepth = .shallow,
                               _ body: (ConfigRepo) throws -> T) throws -> T {
        let repo = try prepare(location: location, branch: branch, credentials: credentials, checkoutPaths: checkoutPaths,
                               progress: progress, timeouts: timeouts, depth: depth)
        defer { repo.close() }
        return try body(repo)
    }

    /// Opens the config repo.
    ///
    /// - A URL (`https://`, `http://`, `ssh://`, `git@host:path`, `git://`, `file://`) is cloned into a new temporary
    ///   directory (removed by `close()`, and on error here).
    /// - A local path is opened in place; its working tree must be clean (untracked files are allowed).
    /// - `branch`: branch to start from; nil = the remote's default branch (clone) / the current branch (local).
    /// - `checkoutPaths`: clone only — write just these files (or directory prefixes, git pathspecs) to the
    ///   working tree. Commits still contain every file (trees are built from HEAD plus the edited paths).
    ///   On a big config repo checkout dominates clone time, so pass the `-f` files when they are known;
    ///   nil (default) checks out everything. Ignored for a local path.
    /// - `timeouts`: for connecting and for each wait on the server (clone, fetch, push).
    /// - `depth`: clone only — how much of the branch's history is fetched (default: the tip alone, so the clone
    ///   costs the same however long the history; `unshallow()` fetches the rest). A `file://` URL's clone borrows
    ///   the source's objects instead (nothing is copied, the whole history is readable). libgit2 before 1.7
    ///   always fetches everything.
    ///
    /// Network connections go only to the host and port of `location` (a local checkout: of its `origin`): a
    /// redirect to another origin fails with `GitOpsError.redirectRefused` before any connection is made to it.
    public static func prepare(location: String, branch: String? = nil, credentials: GitCredentials = GitCredentials(),
                               checkoutPaths: [String]? = nil, progress: GitProgressSink? = nil,
                               timeouts: NetworkTimeouts = .default, depth: CloneDepth = .shallow) throws -> ConfigRepo {
        ensureLibgit2()
        if RemoteURL.isURL(location) {
            let paths = checkoutPaths.map { $0.map { p in p.hasPrefix("./") ? String(p.dropFirst(2)) : p } }
            return try clone(location: location, branch: branch, credentials: credentials,
                             checkoutPaths: paths.flatMap { $0.isEmpty ? nil : $0 }, progress: progress, timeouts: timeouts,
                             depth: depth)
        }
        return try openLocal(path: location, branch: branch, credentials: credentials, progress: progress, timeouts: timeouts)
    }

    private static func configureTLS(_ credentials: GitCredentials, _ loc: RemoteURL) throws {
        guard loc.kind == .https, let ca = credentials.effectiveCAFile else { return }
        guard FileManager.default.isReadableFile(atPath: ca) else {
            throw GitOpsError.invalidArgument("CA file \(ca) is not readable")
        }
        try check(imagebump_git_set_ssl_cert_locations(ca, nil), "loading CA file \(ca)")
    }

    private static func clone(location: String, branch: String?, credentials: GitCredentials,
                              checkoutPaths: [String]?, progress: GitProgressSink?, timeouts: NetworkTimeouts,
                              depth: CloneDepth) throws -> ConfigRepo {
        let loc = try RemoteURL.gitRemote(location)
        try configureTLS(credentials, loc)
        let session = try CredentialSession(credentials: credentials, location: loc)
        var template = Array((TempCleanup.directory(environment: credentials.environment) + "/imagebump-clone-XXXXXX").utf8CString)
        guard let tmp = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else {
            throw GitOpsError.invalidArgument("cannot create a temporary directory")
        }
        let tempDir = URL(fileURLWithPath: tmp).standardizedFileURL.path
        let registration = TempCleanup.register(tempDir)
        let dest = tempDir + "/repo"
        var ok = false
        defer {
            if !ok {
                TempCleanup.removeTree(tempDir) // names as bytes: not every name in a clone is UTF-8
                TempCleanup.unregister(registration)
            }
        }

        let ctx = RemoteContext(session: session, progress: progress, phase: .cloning, timeouts: timeouts)
        progress?(.step("cloning \(loc.display)\(branch.map { " (branch \($0))" } ?? "")"))
        let (repo, current) = try withExtendedLifetime(ctx) {
            try cloneSingleBranch(url: loc, into: dest, branch: branch, checkoutPaths: checkoutPaths, depth: depth,
                                  ctx: ctx, display: loc.display)
        }
        progress?(.done("cloned \(loc.display) (branch \(current))"))
        ok = true
        return ConfigRepo(repo: repo, workdir: dest, tempDir: tempDir, tempRegistration: registration, displayLocation: loc.display, branch: current,
                          session: session, progress: progress, timeouts: timeouts, remoteName: "origin",
                          checkoutPaths: checkoutPaths)
    }

    private static func openLocal(path: String, branch: String?, credentials: GitCredentials,
                                  progress: GitProgressSink?, timeouts: NetworkTimeouts) throws -> ConfigRepo {
        var repo: OpaquePointer?
        let abs = URL(fileURLWithPath: path).standardizedFileURL.path
        let rc = git_repository_open_ext(&repo, abs, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil)
        guard rc == 0, let repo else {
            throw GitOpsError.git(operation: "opening \(path)", message: lastGitErrorMessage(), code: rc)
        }
        var keep = false
        defer { if !keep { git_repository_free(repo) } }
        guard git_repository_is_bare(repo) == 0, let wdPtr = git_repository_workdir(repo) else {
            throw GitOpsError.invalidArgument("\(path) is a bare repository; a working tree is needed")
        }
        var workdir = String(cString: wdPtr)
        while workdir.count > 1 && workdir.hasSuffix("/") { workdir.removeLast() }
        let dirty = try dirtyFiles(repo)
        guard dirty.isEmpty else { throw GitOpsError.dirtyWorkingTree(path: path, files: dirty) }

        // The remote used for push: "origin" if configured.
        var remote: OpaquePointer?
        var remoteName: String? = nil
        var loc = RemoteURL(abs)
        if git_remote_lookup(&remote, repo, "origin") == 0, let remote {
            remoteName = "origin"
            if let u = git_remote_url(remote) { loc = (try? RemoteURL.gitRemote(String(cString: u))) ?? loc }
            git_remote_free(remote)
        } else {
            git_error_clear()
        }
        try configureTLS(credentials, loc)
        let session = try CredentialSession(credentials: credentials, location: loc)
        guard var current = currentBranch(repo) else {
            throw GitOpsError.invalidArgument("\(path): HEAD is detached or unborn; check out a branch or pass a branch")
        }
        let original = current
        if let branch, branch != current {
            try checkoutBranch(repo, branch, path: path)
            current = branch
        }
        keep = true
        progress?(.step("using \(abs) in place (branch \(current))"))
        let opened = ConfigRepo(repo: repo, workdir: workdir, tempDir: nil, displayLocation: abs, branch: current,
                                session: session, progress: progress, timeouts: timeouts, remoteName: remoteName)
        opened.originalBranch = original
        return opened
    }
}
