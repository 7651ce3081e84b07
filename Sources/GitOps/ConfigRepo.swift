import CGit2
import Foundation
import TempCleanup

/// Backoff between push attempts after a concurrent update won: exponential with jitter, scaled to the
/// measured duration of one fetch→edit→commit→push cycle (the time a competing push needs to land), so that
/// the spread adapts to the server's speed.
public struct RetryBackoff: Sendable {
    /// Minimum delay unit before the first retry (before jitter).
    public var base: TimeInterval
    /// The delay unit is at least `cycleMultiplier` × the last measured cycle duration.
    public var cycleMultiplier: Double
    /// Upper bound of the unjittered delay.
    public var maximum: TimeInterval

    public init(base: TimeInterval = 0.25, cycleMultiplier: Double = 4, maximum: TimeInterval = 30) {
        self.base = base
        self.cycleMultiplier = cycleMultiplier
        self.maximum = maximum
    }

    public static let `default` = RetryBackoff()
    /// No waiting (tests).
    public static let none = RetryBackoff(base: 0, cycleMultiplier: 0, maximum: 0)

    /// Delay before retry number `retry` (1-based), given the last cycle's duration:
    /// `d = min(maximum, max(base, cycleMultiplier·cycle)·2^(retry-1))`, scaled by a random factor in [0.1, 2)
    /// (mean ≈ d, spread ≈ 2d). Simulated for 20 publishers starting at the same instant, the default
    /// 5 retries leave P(some publisher gives up) ≈ 0.1–0.3 % whatever the server speed.
    public func delay(forRetry retry: Int, cycle: TimeInterval = 0) -> TimeInterval {
        let unit = max(base, cycleMultiplier * cycle)
        guard unit > 0 else { return 0 }
        let d = min(maximum, unit * pow(2, Double(max(0, retry - 1))))
        return d * Double.random(in: 0.1..<2.0)
    }
}

/// Outcome of `ConfigRepo.publish`.
public struct PublishResult: Sendable, Equatable {
    /// Sha of the commit made (nil when there was nothing to change).
    public var commit: String?
    /// Branch committed to / pushed to.
    public var branch: String
    /// Whether the commit reached the remote.
    public var pushed: Bool
    /// Number of edit→commit→push attempts made (1 = first try succeeded).
    public var attempts: Int
    /// Paths changed by the final (landed) edit, relative to the repo root.
    public var changedFiles: [String]
    /// A push branch that already held exactly this change (same tree on the same target head): nothing was
    /// pushed and `commit` is the branch's existing head, so a merge request stays untouched.
    public var alreadyOnRemote = false

    /// True when the values were already in place: no commit, no push.
    public var nothingToChange: Bool { commit == nil }
}

/// A config repository ready to be edited: a temporary clone of a URL, or a local working tree used in place.
///
/// Typical use (the CLI):
/// ```swift
/// let env = ProcessInfo.processInfo.environment
/// let creds = GitCredentials(tokenEnv: opts.tokenEnv, sshKeyPath: opts.sshKey, knownHostsPath: opts.knownHosts,
///                            insecureAcceptUnknownHostKeys: opts.insecureIgnoreHostKey, caFile: opts.caFile)
/// let printer = ProgressPrinter()                      // live line on a TTY, plain lines in CI logs
/// let author = try GitAuthor.resolve(opts.author)      // --author, else CI variables, else imagebump <imagebump@localhost>
/// var changes: [ChangeDescription] = []                // refreshed by every (re-)application of the edit
/// let result = try ConfigRepo.with(location: opts.repo, branch: opts.branch, credentials: creds,
///                                  checkoutPaths: nil /* or the -f files */, progress: printer.sink) { repo in
///     try repo.publish(pushBranch: opts.pushBranch, author: author, push: opts.push, retries: opts.retries,
///                      message: { files in
///                          CommitMessage.build(template: opts.message ?? CommitMessage.defaultTemplate,
///                                              images: imageSpecs, files: files, changes: changes,
///                                              provenance: Provenance(repository: opts.sourceRepo))
///                      },
///                      edit: { root in
///                          changes = try applyEdits(root: root)          // the structured YAML edit
///                          return Array(Set(changes.map(\.file)))       // paths relative to root
///                      })
/// }
/// // result.commit / .branch / .pushed / .attempts → JSON; result.nothingToChange → "already up to date", exit 0
/// // catch let e as GitOpsError → print e.description (credentials already redacted); exit 1
/// ```
public final class ConfigRepo {
    /// Root of the working tree (absolute, no trailing slash). Edit files under it.
    public let workdir: String
    /// True when `workdir` is a temporary clone (removed by `close()`).
    public let isTemporaryClone: Bool
    /// The location as given, with credentials redacted (safe to print).
    public let displayLocation: String
    /// The branch edits start from (and are pushed to unless a push branch is used).
    public private(set) var branch: String

    private var repo: OpaquePointer?
    private let session: CredentialSession
    private let progress: GitProgressSink?
    private let timeouts: NetworkTimeouts
    private var tempDir: String?
    /// `tempDir` is removed on SIGINT/SIGTERM/SIGHUP too (when the executable installed TempCleanup's handlers).
    private var tempRegistration: TempCleanup.Registration?
    private let remoteName: String?
    /// Sparse clone: only these paths are in the working tree (nil = everything).
    public let checkoutPaths: [String]?

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
        if let repo { git_repository_free(repo); self.repo = nil }
        if let tempDir {
            try? FileManager.default.removeItem(atPath: tempDir)
            self.tempDir = nil
        }
        if let tempRegistration { TempCleanup.unregister(tempRegistration); self.tempRegistration = nil }
    }

    /// The URL pushed to, without credentials: the given URL, or a local checkout's `origin` (its own path when it
    /// has none). Merge requests derive the forge project from it.
    public var remoteURL: String { session.location.url }

    /// True when `location` is a URL that `prepare` clones (as opposed to a local path used in place).
    public static func isURL(_ location: String) -> Bool { RemoteLocation.isURL(location) }

    /// Prepares, runs `body`, and always closes (removing the temporary clone), also on error.
    public static func with<T>(location: String, branch: String? = nil, credentials: GitCredentials = GitCredentials(),
                               checkoutPaths: [String]? = nil, progress: GitProgressSink? = nil,
                               timeouts: NetworkTimeouts = .default,
                               _ body: (ConfigRepo) throws -> T) throws -> T {
        let repo = try prepare(location: location, branch: branch, credentials: credentials, checkoutPaths: checkoutPaths,
                               progress: progress, timeouts: timeouts)
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
    ///
    /// Network connections go only to the host and port of `location` (a local checkout: of its `origin`): a
    /// redirect to another origin fails with `GitOpsError.redirectRefused` before any connection is made to it.
    public static func prepare(location: String, branch: String? = nil, credentials: GitCredentials = GitCredentials(),
                               checkoutPaths: [String]? = nil, progress: GitProgressSink? = nil,
                               timeouts: NetworkTimeouts = .default) throws -> ConfigRepo {
        ensureLibgit2()
        if RemoteLocation.isURL(location) {
            let paths = checkoutPaths.map { $0.map { p in p.hasPrefix("./") ? String(p.dropFirst(2)) : p } }
            return try clone(location: location, branch: branch, credentials: credentials,
                             checkoutPaths: paths.flatMap { $0.isEmpty ? nil : $0 }, progress: progress, timeouts: timeouts)
        }
        return try openLocal(path: location, branch: branch, credentials: credentials, progress: progress, timeouts: timeouts)
    }

    private static func configureTLS(_ credentials: GitCredentials, _ loc: RemoteLocation) throws {
        guard loc.kind == .https, let ca = credentials.effectiveCAFile else { return }
        guard FileManager.default.isReadableFile(atPath: ca) else {
            throw GitOpsError.invalidArgument("CA file \(ca) is not readable")
        }
        try check(imagebump_git_set_ssl_cert_locations(ca, nil), "loading CA file \(ca)")
    }

    private static func clone(location: String, branch: String?, credentials: GitCredentials,
                              checkoutPaths: [String]?, progress: GitProgressSink?, timeouts: NetworkTimeouts) throws -> ConfigRepo {
        let loc = try RemoteLocation(location)
        try configureTLS(credentials, loc)
        let session = CredentialSession(credentials: credentials, location: loc)
        var template = Array((NSTemporaryDirectory() + "/imagebump-clone-XXXXXX").utf8CString)
        guard let tmp = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else {
            throw GitOpsError.invalidArgument("cannot create a temporary directory")
        }
        let tempDir = URL(fileURLWithPath: tmp).standardizedFileURL.path
        let registration = TempCleanup.register(tempDir)
        let dest = tempDir + "/repo"
        var ok = false
        defer {
            if !ok {
                try? FileManager.default.removeItem(atPath: tempDir)
                TempCleanup.unregister(registration)
            }
        }

        let ctx = RemoteContext(session: session, progress: progress, phase: .cloning, timeouts: timeouts)
        var opts = git_clone_options()
        git_clone_options_init(&opts, UInt32(GIT_CLONE_OPTIONS_VERSION))
        opts.fetch_opts.callbacks = ctx.makeCallbacks()
        opts.checkout_opts.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue
        opts.checkout_opts.progress_cb = checkoutProgressCallback
        opts.checkout_opts.progress_payload = Unmanaged.passUnretained(ctx).toOpaque()
        progress?(.step("cloning \(loc.display)\(branch.map { " (branch \($0))" } ?? "")"))
        var repo: OpaquePointer?
        let rc: Int32 = withOptionalStrArray(checkoutPaths) { paths in
            if let paths { opts.checkout_opts.paths = paths.pointee }
            return withOptionalCString(branch) { br in
                opts.checkout_branch = br
                return ctx.run { git_clone(&repo, loc.url, dest, &opts) }
            }
        }
        if rc < 0 {
            if let repo { git_repository_free(repo) }
            let msg = lastGitErrorMessage(secrets: session.secrets)
            if let branch, msg.contains("refs/remotes/origin/\(branch)") {
                throw GitOpsError.invalidArgument("branch '\(branch)' not found in \(loc.display)")
            }
            throw ctx.error(operation: "clone of \(loc.display)", code: rc)
        }
        withExtendedLifetime(ctx) {}
        guard let repo else { throw GitOpsError.git(operation: "clone of \(loc.display)", message: "no repository", code: -1) }
        let current = currentBranch(repo)
        guard let current else {
            git_repository_free(repo)
            throw GitOpsError.invalidArgument("\(loc.display) has no branches (empty repository?)")
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
        var loc = RemoteLocation.localPathLocation(abs)
        if git_remote_lookup(&remote, repo, "origin") == 0, let remote {
            remoteName = "origin"
            if let u = git_remote_url(remote) { loc = (try? RemoteLocation(String(cString: u))) ?? loc }
            git_remote_free(remote)
        } else {
            git_error_clear()
        }
        try configureTLS(credentials, loc)
        let session = CredentialSession(credentials: credentials, location: loc)
        guard var current = currentBranch(repo) else {
            throw GitOpsError.invalidArgument("\(path): HEAD is detached or unborn; check out a branch or pass a branch")
        }
        if let branch, branch != current {
            try checkoutBranch(repo, branch, path: path)
            current = branch
        }
        keep = true
        progress?(.step("using \(abs) in place (branch \(current))"))
        return ConfigRepo(repo: repo, workdir: workdir, tempDir: nil, displayLocation: abs, branch: current,
                          session: session, progress: progress, timeouts: timeouts, remoteName: remoteName)
    }

    // MARK: - Publish

    /// Edits, commits and (optionally) pushes, safely against concurrent updates of the same branch.
    ///
    /// Loop: `edit(workdir)` → nothing changed: return with no commit → stage the returned paths and commit
    /// (parent = current head) → push. When the push is rejected because the branch moved (non-fast-forward /
    /// stale ref), fetch, hard-reset to the new remote head, run `edit` AGAIN on the fresh files (re-apply,
    /// never rebase a patch), commit, push; exponential backoff with jitter between attempts; at most
    /// `retries + 1` attempts. Authentication failures are never retried.
    ///
    /// - Parameters:
    ///   - pushBranch: push to this branch instead of `branch`: it is (re)built from `branch`'s head and
    ///     force-updated (a bot branch), so re-runs update it.
    ///   - author: author and committer.
    ///   - push: false = commit locally only (`--commit` without `--push`).
    ///   - retries: retries after the first attempt (default 5).
    ///   - backoff: delays between attempts.
    ///   - message: the commit message, given the changed paths of the current attempt.
    ///   - edit: (re)writes files under the working tree root it receives and returns the changed paths
    ///     relative to that root (absolute paths under it are accepted); empty = nothing to change.
    public func publish(pushBranch: String? = nil, author: GitAuthor = .fallback, push: Bool = true,
                        retries: Int = 5, backoff: RetryBackoff = .default,
                        message: ([String]) throws -> String,
                        edit: (String) throws -> [String]) throws -> PublishResult {
        guard let repo else { throw GitOpsError.invalidArgument("repository already closed") }
        let workBranch = pushBranch ?? branch
        let force = pushBranch != nil && pushBranch != branch
        if push && remoteName == nil {
            throw GitOpsError.invalidArgument("\(displayLocation) has no 'origin' remote to push to")
        }
        if force {
            // (Re)build the bot branch from the target branch's head.
            let head = try headCommitOid()
            try resetBranch(workBranch, to: head)
        }
        let maxAttempts = max(1, retries + 1)
        let startHead = try headCommitOid()
        var attempts = 0
        var cycleStart: Date? = nil
        while true {
            attempts += 1
            let changed = try normalize(paths: try edit(workdir))
            if changed.isEmpty {
                progress?(.done("nothing to change on \(branch)"))
                return PublishResult(commit: nil, branch: workBranch, pushed: false, attempts: attempts, changedFiles: [])
            }
            guard let commit = try commitChanges(paths: changed, message: try message(changed), author: author) else {
                try hardReset(to: try headCommitOid())
                progress?(.done("nothing to change on \(branch)"))
                return PublishResult(commit: nil, branch: workBranch, pushed: false, attempts: attempts, changedFiles: [])
            }
            let sha = Self.hex(commit)
            let pushStart = Date()
            guard push else {
                progress?(.done("committed \(sha.prefix(12)) on \(workBranch)"))
                return PublishResult(commit: sha, branch: workBranch, pushed: false, attempts: attempts, changedFiles: changed)
            }
            if force, let existing = remoteBranchHolding(commit, branch: workBranch) {
                try hardReset(to: existing) // the push branch is checked out: move it to the remote's commit
                progress?(.done("\(workBranch) already has this change (\(Self.hex(existing).prefix(12))); nothing pushed"))
                var result = PublishResult(commit: Self.hex(existing), branch: workBranch, pushed: false, attempts: attempts,
                                           changedFiles: changed)
                result.alreadyOnRemote = true
                return result
            }
            let pushed = try pushOnce(branch: workBranch, force: force, repo: repo)
            // Cycle estimate: the whole re-apply cycle when we have one, else twice the push.
            let cycle = cycleStart.map { Date().timeIntervalSince($0) } ?? 2 * Date().timeIntervalSince(pushStart)
            switch pushed {
            case .pushed:
                progress?(.done("pushed \(sha.prefix(12)) to \(workBranch)\(attempts > 1 ? " (attempt \(attempts))" : "")"))
                return PublishResult(commit: sha, branch: workBranch, pushed: true, attempts: attempts, changedFiles: changed)
            case .stale(let why):
                if attempts >= maxAttempts {
                    throw GitOpsError.retriesExhausted(url: session.location.display, branch: workBranch, attempts: attempts)
                }
                progress?(.step("\(workBranch) moved on the remote (\(why)); re-applying on the new head"))
                let delay = backoff.delay(forRetry: attempts, cycle: cycle)
                if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                cycleStart = Date()
                let newHead = try fetchBranch(branch)
                if !isTemporaryClone && !force && !isAncestor(startHead, of: newHead) {
                    // A local repo used in place: never throw away local commits that are not on the remote.
                    try hardReset(to: startHead)
                    throw GitOpsError.invalidArgument("\(displayLocation): local branch \(branch) has commits that are not on the remote; push or reset them first")
                }
                if force { try resetBranch(workBranch, to: newHead) } else { try hardReset(to: newHead) }
            }
        }
    }

    /// `publish` with a fixed message.
    public func publish(pushBranch: String? = nil, author: GitAuthor = .fallback, push: Bool = true,
                        retries: Int = 5, backoff: RetryBackoff = .default, message: String,
                        edit: (String) throws -> [String]) throws -> PublishResult {
        try publish(pushBranch: pushBranch, author: author, push: push, retries: retries, backoff: backoff,
                    message: { _ in message }, edit: edit)
    }

    /// Sha of the current HEAD commit.
    public func headCommit() throws -> String { Self.hex(try headCommitOid()) }

    // MARK: - Internals

    private enum PushOutcome { case pushed, stale(String) }

    private func pushOnce(branch: String, force: Bool, repo: OpaquePointer) throws -> PushOutcome {
        guard let remoteName else { throw GitOpsError.invalidArgument("no remote") }
        var remote: OpaquePointer?
        try check(git_remote_lookup(&remote, repo, remoteName), "looking up remote \(remoteName)")
        defer { git_remote_free(remote) }
        let ctx = RemoteContext(session: session, progress: progress, phase: .pushing, timeouts: timeouts)
        var opts = git_push_options()
        git_push_options_init(&opts, UInt32(GIT_PUSH_OPTIONS_VERSION))
        opts.callbacks = ctx.makeCallbacks()
        let refspec = (force ? "+" : "") + "refs/heads/\(branch):refs/heads/\(branch)"
        progress?(.step("pushing to \(session.location.display) (\(branch))"))
        let rc = withStrArray([refspec]) { arr in ctx.run { git_remote_push(remote, arr, &opts) } }
        withExtendedLifetime(ctx) {}
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
            throw GitOpsError.pushRejected(url: session.location.display, ref: rejected.ref, status: rejected.status)
        }
        return .pushed
    }

    static func looksLikeConnectionLoss(_ msg: String) -> Bool {
        let m = msg.lowercased()
        return ["eof", "connection", "broken pipe", "reset by peer", "timed out", "failed to send", "failed to receive",
                "early eof", "socket"].contains { m.contains($0) }
    }

    /// Fetches `branch` from the remote and returns its new head.
    private func fetchBranch(_ branch: String) throws -> git_oid {
        guard let repo, let remoteName else { throw GitOpsError.invalidArgument("no remote") }
        var remote: OpaquePointer?
        try check(git_remote_lookup(&remote, repo, remoteName), "looking up remote \(remoteName)")
        defer { git_remote_free(remote) }
        let ctx = RemoteContext(session: session, progress: progress, phase: .fetching, timeouts: timeouts)
        var opts = git_fetch_options()
        git_fetch_options_init(&opts, UInt32(GIT_FETCH_OPTIONS_VERSION))
        opts.callbacks = ctx.makeCallbacks()
        let tracking = "refs/remotes/\(remoteName)/\(branch)"
        let rc = withStrArray(["+refs/heads/\(branch):\(tracking)"]) { arr in ctx.run { git_remote_fetch(remote, arr, &opts, nil) } }
        withExtendedLifetime(ctx) {}
        if rc < 0 { throw ctx.error(operation: "fetch from \(session.location.display)", code: rc) }
        var oid = git_oid()
        try check(git_reference_name_to_id(&oid, repo, tracking), "resolving \(tracking)")
        return oid
    }

    /// The remote's head of `branch` when it has the same tree and the same single parent as `commit`.
    private func remoteBranchHolding(_ commit: git_oid, branch: String) -> git_oid? {
        guard let repo, let remoteName else { return nil }
        var remoteOid = git_oid()
        guard git_reference_name_to_id(&remoteOid, repo, "refs/remotes/\(remoteName)/\(branch)") == 0 else { return nil }
        var ours = commit
        var a: OpaquePointer?, b: OpaquePointer?
        guard git_commit_lookup(&a, repo, &remoteOid) == 0 else { return nil }
        defer { git_commit_free(a) }
        guard git_commit_lookup(&b, repo, &ours) == 0 else { return nil }
        defer { git_commit_free(b) }
        guard let ta = git_commit_tree_id(a), let tb = git_commit_tree_id(b), git_oid_equal(ta, tb) != 0,
              git_commit_parentcount(a) == 1, git_commit_parentcount(b) == 1,
              let pa = git_commit_parent_id(a, 0), let pb = git_commit_parent_id(b, 0), git_oid_equal(pa, pb) != 0 else { return nil }
        return remoteOid
    }

    private func isAncestor(_ a: git_oid, of b: git_oid) -> Bool {
        var a = a, b = b
        if git_oid_equal(&a, &b) != 0 { return true }
        return git_graph_descendant_of(repo, &b, &a) == 1
    }

    private func headCommitOid() throws -> git_oid {
        var oid = git_oid()
        try check(git_reference_name_to_id(&oid, repo, "HEAD"), "resolving HEAD")
        return oid
    }

    /// Hard-resets the current branch, index and working tree to `oid`.
    private func hardReset(to oid: git_oid) throws {
        var oid = oid
        var obj: OpaquePointer?
        try check(git_object_lookup(&obj, repo, &oid, GIT_OBJECT_COMMIT), "looking up commit")
        defer { git_object_free(obj) }
        var co = git_checkout_options()
        git_checkout_options_init(&co, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        co.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue
        let rc = withOptionalStrArray(checkoutPaths) { paths in
            if let paths { co.paths = paths.pointee }
            return git_reset(repo, obj, GIT_RESET_HARD, &co)
        }
        try check(rc, "resetting to \(Self.hex(oid).prefix(12))")
    }

    /// Points local branch `name` at `oid`, checks it out and hard-resets the working tree.
    private func resetBranch(_ name: String, to oid: git_oid) throws {
        var oid = oid
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, repo, &oid), "looking up commit")
        defer { git_commit_free(commit) }
        var ref: OpaquePointer?
        try check(git_branch_create(&ref, repo, name, commit, 1), "creating branch \(name)")
        git_reference_free(ref)
        try check(git_repository_set_head(repo, "refs/heads/\(name)"), "checking out \(name)")
        try hardReset(to: oid)
    }

    /// Stages `paths` and commits on HEAD. Returns nil when the resulting tree equals HEAD's (nothing changed).
    private func commitChanges(paths: [String], message: String, author: GitAuthor) throws -> git_oid? {
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
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: workdir + "/" + p, isDirectory: &isDir), !isDir.boolValue {
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
        var oid = git_oid()
        var parents: [OpaquePointer?] = [parent]
        let rc = parents.withUnsafeMutableBufferPointer { buf in
            git_commit_create(&oid, repo, "HEAD", sig, sig, "UTF-8", message, tree, 1, buf.baseAddress)
        }
        try check(rc, "committing", secrets: session.secrets)
        return oid
    }

    /// Validates the edit closure's paths: relative to the root (absolute ones under the root are converted),
    /// no `..` escapes; duplicates removed.
    private func normalize(paths: [String]) throws -> [String] {
        var out: [String] = []
        for raw in paths {
            var p = raw
            if p.hasPrefix("/") {
                let std = URL(fileURLWithPath: p).standardizedFileURL.path
                let root = URL(fileURLWithPath: workdir).standardizedFileURL.path
                let realRoot = URL(fileURLWithPath: workdir).resolvingSymlinksInPath().path
                if std.hasPrefix(root + "/") { p = String(std.dropFirst(root.count + 1)) }
                else if std.hasPrefix(realRoot + "/") { p = String(std.dropFirst(realRoot.count + 1)) }
                else { throw GitOpsError.invalidArgument("path \(raw) is outside the repository \(displayLocation)") }
            }
            while p.hasPrefix("./") { p.removeFirst(2) }
            let comps = p.split(separator: "/")
            if p.isEmpty || comps.contains("..") || comps.first == ".git" {
                throw GitOpsError.invalidArgument("invalid path '\(raw)' (must be inside the repository)")
            }
            p = comps.joined(separator: "/")
            if !out.contains(p) { out.append(p) }
        }
        return out
    }

    static func hex(_ oid: git_oid) -> String {
        var oid = oid
        var buf = [CChar](repeating: 0, count: 41)
        git_oid_tostr(&buf, 41, &oid)
        return buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func currentBranch(_ repo: OpaquePointer) -> String? {
        var head: OpaquePointer?
        guard git_repository_head(&head, repo) == 0, let head else { git_error_clear(); return nil }
        defer { git_reference_free(head) }
        guard git_reference_is_branch(head) != 0, let name = git_reference_shorthand(head) else { return nil }
        return String(cString: name)
    }

    private static func checkoutBranch(_ repo: OpaquePointer, _ name: String, path: String) throws {
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
    private static func dirtyFiles(_ repo: OpaquePointer) throws -> [String] {
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

extension RemoteLocation {
    static func localPathLocation(_ path: String) -> RemoteLocation {
        // A plain local path never fails to parse.
        (try? RemoteLocation(path))!
    }
}

private let checkoutProgressCallback: git_checkout_progress_cb = { _, completed, total, payload in
    guard let payload else { return }
    let ctx = Unmanaged<RemoteContext>.fromOpaque(payload).takeUnretainedValue()
    ctx.progress?(.checkout(completed: Int(completed), total: Int(total)))
}

func withOptionalStrArray<R>(_ strings: [String]?, _ body: (UnsafePointer<git_strarray>?) -> R) -> R {
    guard let strings else { return body(nil) }
    return withStrArray(strings) { body($0) }
}

func withOptionalCString<R>(_ s: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let s else { return body(nil) }
    return s.withCString { body($0) }
}

/// Calls `body` with a `git_strarray` of `strings` (valid only during the call).
func withStrArray<R>(_ strings: [String], _ body: (UnsafePointer<git_strarray>) -> R) -> R {
    var cStrings: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { cStrings.forEach { free($0) } }
    return cStrings.withUnsafeMutableBufferPointer { buf in
        var arr = git_strarray(strings: buf.baseAddress, count: buf.count)
        return body(&arr)
    }
}
