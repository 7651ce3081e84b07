import FoundationEssentials
import Support
import Forge
import GitOps
import ImageRules
import ImagebumpKit

/// The merge request side of a `--merge-request` run, in the order it happens: everything the forge can check before
/// anything is pushed, the guards against what the open MR already holds, closing an MR its target branch has
/// overtaken, and opening or updating the MR once its branch is pushed.
struct MergeRequestFlow {
    let service = MergeRequestService()
    /// Source branch, target, project, key and options; title and description are filled in by `open`.
    var mr: MergeRequestRequest
    /// The open MR of this key, found before the push.
    private(set) var existing: ExistingMergeRequest?

    /// The key and the forge request for a run whose first plan (against the target branch) is `plan`.
    init(_ request: PublishRequest, remoteURL: String, target: String, token: GitCredentials.Token, plan: SetPlan) throws {
        let (kind, api, project) = try Self.forge(request, remoteURL: remoteURL)
        let key = MergeRequestKey(targetBranch: target,
                                  scope: request.environment.map { .environment($0) } ?? .files(request.edit.paths),
                                  images: Self.keyImages(request.specs, plan).map(\.name.normalized))
        mr = MergeRequestRequest(
            forge: kind, apiURL: api, project: project, sourceBranch: request.pushBranch ?? key.branch, targetBranch: target,
            title: "", description: "", options: request.mergeRequest,
            token: token.secret, gitLabTokenKind: token.isGitLabJobToken ? .jobToken : .privateToken,
            tokenSource: token.variable, transportOptions: Self.transport(request), key: key)
    }

    /// The forge, its API URL and the project path of the repository at `remoteURL`.
    static func forge(_ request: PublishRequest, remoteURL: String) throws -> (ForgeKind, String, String) {
        let ci = request.ci
        let kind = try ForgeDefaults.detectForge(explicit: request.forge, environment: ci, repoURL: remoteURL)
        let api = try request.apiURL ?? ForgeDefaults.apiURL(forge: kind, environment: ci, repoURL: remoteURL)
        return (kind, api, try ForgeDefaults.projectPath(repoURL: remoteURL, apiURL: api))
    }

    /// The forge API's limits: the run's network timeouts, CA file and proxy settings.
    static func transport(_ request: PublishRequest) -> TransportOptions {
        TransportOptions(caFile: request.credentials.caFile, timeoutSeconds: request.networkTimeouts.idle,
                         phaseTimeout: request.networkTimeouts.phase, environment: request.credentials.environment)
    }

    /// The images the MR is about: those the run changes; with nothing to change, those it found (to find the MR
    /// the target branch may have overtaken). Never one that matched nothing (`--allow-missing`).
    static func keyImages(_ specs: [ImageSpec], _ plan: SetPlan) -> [ImageSpec] {
        let changed = Set(plan.changes.map(\.image))
        let picked = plan.changes.isEmpty ? plan.matchedSpecs.map { specs[$0] } : specs.filter { changed.contains($0.name.written) }
        return picked.isEmpty ? specs : picked
    }

    /// Checks the forge before anything is pushed and finds the open MR of the key; the branch to push is then
    /// `mr.sourceBranch` (the open MR's, when it was found by its marker under another name).
    mutating func preflight(explicitBranch: Bool, warning: ((String) -> Void)?) throws {
        let found = try service.preflight(mr)
        for w in found.warnings { warning?(w) }
        existing = found.existing
        if let existing, !explicitBranch { mr.sourceBranch = existing.sourceBranch }
    }

    /// The branch to push as read before the first push, the lease of that push. With an open MR: its branch, the
    /// run's edit planned on what it holds, so that the downgrade and stale-run guards refuse a run older than the MR;
    /// `changes` are those from the MR's values to the run's (nil when the branch is gone). Without one: a plain
    /// read of `mr.sourceBranch`, which may hold a closed MR's leftovers and is not checked.
    func readBranch(_ edit: SetRequest, repo: ConfigRepo) throws -> (read: RemoteBranchRead, changes: [PlannedChange]?) {
        guard let existing else { return (try repo.readRemoteBranch(mr.sourceBranch), nil) }
        let r = try repo.readRemoteBranch(existing.sourceBranch) { workdir in try self.changes(edit, on: existing, at: workdir) }
        return (r.read, r.result)
    }

    /// The changes from the open MR's values to the run's, its branch's files read by `reading` (nil: no such
    /// branch): `readBranch`'s guards for a run through the forge's API, which has no clone to read into.
    func changesFromOpenMergeRequest(_ edit: SetRequest,
                                     reading: (String, (String) throws -> [PlannedChange]) throws -> [PlannedChange]?) throws -> [PlannedChange]? {
        guard let existing else { return nil }
        return try reading(existing.sourceBranch) { workdir in try changes(edit, on: existing, at: workdir) }
    }

    /// The guards of `readBranch` on the push branch's files at `workdir`, each time it is read again after a refused
    /// push (another writer moved it): against the open MR found before the push, or when there was none, the one
    /// the forge lists now (another run may have opened it since). No open MR: no guard.
    func pushBranchCheck(_ edit: SetRequest) -> (String) throws -> Void {
        { workdir in
            guard let open = try self.existing ?? self.service.openMergeRequest(self.mr) else { return }
            _ = try self.changes(edit, on: open, at: workdir)
        }
    }

    private func changes(_ edit: SetRequest, on existing: ExistingMergeRequest, at workdir: String) throws -> [PlannedChange] {
        var onBranch = edit
        onBranch.allowMissing = true // the MR's branch may lack what the target has; only its values matter here
        do {
            return try Publisher.plan(onBranch, at: workdir, retention: .summary).changes
        } catch let e as SetJobError {
            throw SetJobError(e.problems.map {
                Problem(file: $0.file, line: $0.line, column: $0.column,
                        message: "\($0.message); the open merge request \(existing.url) (\(existing.sourceBranch)) holds it")
            })
        }
    }

    /// The target branch already holds the run's values, which are not older than the open MR's (`changes`: from the
    /// MR's values to the target's): the MR is closed with a comment saying so and its branch deleted.
    func closeSuperseded(changes: [PlannedChange], repo: ConfigRepo) throws -> RunReport.ClosedMergeRequest? {
        try closeSuperseded(changes: changes, deleteBranch: repo.deleteRemoteBranch)
    }

    /// `closeSuperseded` with the branch deleted by `deleteBranch`.
    func closeSuperseded(changes: [PlannedChange], deleteBranch: (String) throws -> Void) throws -> RunReport.ClosedMergeRequest? {
        guard let existing else { return nil }
        try service.close(mr, number: existing.number,
                          comment: MergeRequestDescription.supersededNote(target: mr.targetBranch, changes: changes))
        try deleteBranch(existing.sourceBranch)
        return RunReport.ClosedMergeRequest(url: existing.url, number: existing.number, branch: existing.sourceBranch,
                                            forge: mr.forge)
    }

    /// Opens the MR for the pushed branch, or updates the open one.
    func open(title: String, description: String, headSHA: String?) throws -> MergeRequestResult {
        var r = mr
        r.title = title; r.description = description; r.headSHA = headSHA
        return try service.openOrUpdate(r)
    }
}
