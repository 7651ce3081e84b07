internal import CGit2
import FoundationEssentials

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
}

extension ConfigRepo {
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
    ///   - signing: sign every commit made (a re-applied edit's too); nil: unsigned.
    ///   - pushBranchRead: the remote push branch as the caller read (and checked) it: the lease of the first
    ///     push, which then reads nothing first. nil (or another branch's read): read now, `pushBranchCheck` run on it.
    ///   - pushBranchCheck: run on the files of the remote push branch each time this reads it (after a push it
    ///     refused; before the first attempt without `pushBranchRead`): a throw ends the run. The force push
    ///     replaces only the commit so checked; a branch moved since is a refused push, retried from a fresh read.
    ///   - push: false = commit locally only (`--commit` without `--push`).
    ///   - retries: retries after the first attempt (default 5).
    ///   - backoff: delays between attempts.
    ///   - message: the commit message, given the changed paths of the current attempt.
    ///   - edit: (re)writes files under the working tree root it receives and returns the changed paths
    ///     relative to that root (absolute paths under it are accepted); empty = nothing to change.
    public func publish(pushBranch: String? = nil, pushBranchRead: RemoteBranchRead? = nil,
                        pushBranchCheck: ((String) throws -> Void)? = nil, author: GitAuthor = .fallback,
                        signing: CommitSigning? = nil, push: Bool = true, retries: Int = 5, backoff: RetryBackoff = .default,
                        message: ([String]) throws -> String,
                        edit: (String) throws -> [String]) throws -> PublishResult {
        guard let repo else { throw GitOpsError.invalidArgument("repository already closed") }
        let workBranch = pushBranch ?? branch
        let force = pushBranch != nil && pushBranch != branch
        if push && remoteName == nil {
            throw GitOpsError.invalidArgument("\(displayLocation) has no 'origin' remote to push to")
        }
        var lease = git_oid() // the remote push branch as read (and checked): the force push replaces only that
        if force {
            // Learn what the remote's bot branch holds (an up-to-date one is kept), the lease of the push.
            if push {
                if let read = pushBranchRead, read.branch == workBranch {
                    lease = read.oid
                } else {
                    lease = try leaseOnPushBranch(workBranch, fetched: try fetchIfPresent(workBranch), check: pushBranchCheck)
                }
            }
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
                progress?(.outcome("nothing to change on \(branch)"))
                return PublishResult(commit: nil, branch: workBranch, pushed: false, attempts: attempts, changedFiles: [])
            }
            let made: git_oid?
            do {
                made = try commitChanges(paths: changed, message: try message(changed), author: author, signing: signing)
            } catch {
                // no commit (a key that cannot sign, say): the edited files go back as HEAD has them, so a local
                // checkout (clean when opened) is left as it was
                try? hardReset(to: try headCommitOid())
                throw error
            }
            guard let commit = made else {
                try hardReset(to: try headCommitOid())
                progress?(.outcome("nothing to change on \(branch)"))
                return PublishResult(commit: nil, branch: workBranch, pushed: false, attempts: attempts, changedFiles: [])
            }
            let sha = Self.hex(commit)
            let pushStart = Date()
            guard push else {
                progress?(.outcome("committed \(sha.prefix(12)) on \(workBranch)"))
                return PublishResult(commit: sha, branch: workBranch, pushed: false, attempts: attempts, changedFiles: changed)
            }
            if force, let existing = remoteBranchHolding(commit, branch: workBranch) {
                try hardReset(to: existing) // the push branch is checked out: move it to the remote's commit
                progress?(.outcome("\(workBranch) already has this change (\(Self.hex(existing).prefix(12))); nothing pushed"))
                var result = PublishResult(commit: Self.hex(existing), branch: workBranch, pushed: false, attempts: attempts,
                                           changedFiles: changed)
                result.alreadyOnRemote = true
                return result
            }
            let pushed = try pushOnce(branch: workBranch, force: force, lease: lease, repo: repo)
            // Cycle estimate: the whole re-apply cycle when we have one, else twice the push.
            let cycle = cycleStart.map { Date().timeIntervalSince($0) } ?? 2 * Date().timeIntervalSince(pushStart)
            switch pushed {
            case .pushed:
                progress?(.outcome("pushed \(sha.prefix(12)) to \(workBranch)\(attempts > 1 ? " (attempt \(attempts))" : "")"))
                return PublishResult(commit: sha, branch: workBranch, pushed: true, attempts: attempts, changedFiles: changed)
            case .stale(let why):
                if attempts >= maxAttempts {
                    throw GitOpsError.retriesExhausted(url: session.location.display, branch: workBranch, attempts: attempts)
                }
                progress?(.step("\(workBranch) moved on the remote (\(why)); re-applying on the new head"))
                let delay = backoff.delay(forRetry: attempts, cycle: cycle)
                if delay > 0 { Backoff.sleep(delay) }
                cycleStart = Date()
                lease = try reapplyBase(workBranch: workBranch, force: force, startHead: startHead, check: pushBranchCheck) ?? lease
            }
        }
    }

    /// After a refused push, the base the edit is re-applied on: the remote's head of `branch`, fetched in one
    /// connection with the push branch `workBranch`. A local checkout keeps its own commits and the user's files
    /// (else the run stops, the checkout as it was at `startHead`). For a force push, the push branch as read now,
    /// after `check` ran on it, is returned: the next push's lease; the push branch is rebuilt on the new head.
    private func reapplyBase(workBranch: String, force: Bool, startHead: git_oid, check: ((String) throws -> Void)?) throws -> git_oid? {
        let fetched = try fetchIfPresent(force ? [branch, workBranch] : [branch]) // one connection for both
        guard let newHead = fetched[0] else {
            throw GitOpsError.git(operation: "fetch from \(session.location.display)", message: "no branch \(branch) on the remote", code: -1)
        }
        if !isTemporaryClone && !force && !isAncestor(startHead, of: newHead) {
            // A local repo used in place: never throw away local commits that are not on the remote.
            try hardReset(to: startHead)
            throw GitOpsError.invalidArgument("\(displayLocation): local branch \(branch) has commits that are not on the remote; push or reset them first")
        }
        if !isTemporaryClone, case let inTheWay = try untrackedFilesInTheWay(movingTo: newHead), !inTheWay.isEmpty {
            try hardReset(to: startHead) // the checkout as it was: the user's files untouched, nothing pushed
            throw GitOpsError.untrackedFilesInTheWay(path: displayLocation, branch: branch, files: inTheWay)
        }
        guard force else { try hardReset(to: newHead); return nil }
        let lease = try leaseOnPushBranch(workBranch, fetched: fetched[1], check: check)
        try resetBranch(workBranch, to: newHead)
        return lease
    }
}
