import FoundationEssentials
import Support
import Forge
import GitOps
import ImagebumpKit
import ImageRules

/// Runs a `PublishRequest`: clone or open the config repo → plan the edit → (dry-run/check: report) or write,
/// commit, push with re-apply on a moved branch → open or update the merge request. Returns the run report;
/// throws `PublishFailure` carrying the report of what happened before the failure.
public struct Publisher {
    /// Progress for stderr.
    public var progress: GitProgressSink?
    /// Called once with the first planned edit, before anything is committed or pushed (to show the changes first).
    public var planned: ((RunReport) -> Void)?
    /// Non-fatal notes (e.g. a reviewer the forge did not accept).
    public var warning: ((String) -> Void)?

    public init(progress: GitProgressSink? = nil, planned: ((RunReport) -> Void)? = nil, warning: ((String) -> Void)? = nil) {
        self.progress = progress; self.planned = planned; self.warning = warning
    }

    /// What a run did: a preview's plan (--dry-run, --check: the caller reports it and shows its diff), or what was
    /// committed, pushed and opened.
    public enum Outcome {
        case preview(SetPlan)
        case published(RunReport)
    }

    /// - Parameter opened: the config repo, cloned already (the checkout a promotion or `--env` was read from), used
    ///   instead of cloning `request.location` again; the caller closes it.
    public func run(_ request: PublishRequest, in opened: ConfigRepo? = nil) throws -> Outcome {
        var report = RunReport(mode: request.mode)
        do {
            guard request.mode.commits || request.mode.previews else { throw Problem(message: "\(request.mode.rawValue) runs without git") }
            if request.viaAPI { return try APIPublisher(publisher: self).run(request, report: &report) }
            let token = request.token
            if request.mode == .mergeRequest && token == nil {
                throw Problem(message: "--merge-request needs an API token (\(request.credentials.tokenSearchDescription(forLocation: request.location))); GitLab: a project access token with api and write_repository scopes; GitHub: contents: write and pull-requests: write")
            }
            if request.mode.previews && !ConfigRepo.isURL(request.location) { // a local checkout is read as it is
                return .preview(try Self.plan(request.edit, at: request.location, retention: request.mode.retention))
            }
            func run(in repo: ConfigRepo) throws -> Outcome {
                if request.mode.previews { return .preview(try Self.plan(request.edit, at: repo.workdir, retention: request.mode.retention)) }
                try publish(request, repo: repo, token: token, report: &report)
                return .published(report)
            }
            if let opened {
                opened.progress = progress
                return try run(in: opened)
            }
            return try ConfigRepo.with(location: request.location, branch: request.branch, credentials: request.credentials,
                                       checkoutPaths: ConfigRepo.isURL(request.location) ? request.sparsePaths : nil, progress: progress,
                                       timeouts: request.networkTimeouts, run)
        } catch let e as PublishFailure {
            throw e
        } catch {
            throw PublishFailure(report: report, underlying: error)
        }
    }

    private func publish(_ request: PublishRequest, repo: ConfigRepo, token: GitCredentials.Token?, report: inout RunReport) throws {
        let ci = request.ci
        let target = repo.branch
        var flow: MergeRequestFlow?
        var pushBranch = request.pushBranch
        var pushBranchRead: RemoteBranchRead?
        var edit = request.edit
        edit.delivery = request.mode == .mergeRequest ? .mergeRequest(target: target)
            : (request.mode == .push ? .push(branch: pushBranch ?? target) : nil)
        if request.mode == .mergeRequest, let token {
            if request.branch == nil && MergeRequestKey.isBotBranch(target) {
                throw Problem(message: "\(repo.displayLocation) is on \(target), a bot branch: a merge request into it is never what is meant; check out the branch to merge into, or name it with --branch")
            }
            // before anything is written or pushed: the forge's checks, the open MR, and the guards against its values
            let first = try Self.plan(edit, at: repo.workdir, retention: .summary)
            var f = try MergeRequestFlow(request, remoteURL: repo.remoteURL, target: repo.branch, token: token, plan: first)
            try f.preflight(explicitBranch: request.pushBranch != nil, warning: warning)
            let read = try f.readBranch(edit, repo: repo)
            if first.changes.isEmpty, let fromOpen = read.changes {
                report = RunReport(mode: request.mode, changed: false, changes: [], filesSearched: first.searchedFiles)
                report.supersededMergeRequest = try f.closeSuperseded(changes: fromOpen, repo: repo)
                return
            }
            pushBranch = f.mr.sourceBranch
            pushBranchRead = read.read
            flow = f
        }
        // --author, else whoever started the CI job, else a local checkout's git identity, else imagebump's own
        let author = request.author ?? GitAuthor.fromCI(ci) ?? (ConfigRepo.isURL(request.location) ? nil : repo.configuredAuthor())
            ?? GitAuthor.fallback
        let signing = try repo.signing(for: request.signing)
        try signing?.preflight() // a missing program or key file is found before anything is written
        var lastPlan: SetPlan?
        // the images the change is about: never one that matched nothing (--allow-missing)
        var images: [String] { lastPlan.map { MergeRequestFlow.keyImages(request.specs, $0) }?.map(\.description) ?? request.images }
        let result = try repo.publish(
            pushBranch: pushBranch, pushBranchRead: pushBranchRead, pushBranchCheck: flow?.pushBranchCheck(edit), author: author, signing: signing, push: request.mode != .commit, retries: request.retries,
            message: { files in
                return CommitMessage.build(template: request.messageTemplate, images: images, files: files, changes: lastPlan?.changes ?? [],
                                           provenance: request.provenance, ci: ci)
            },
            edit: { workdir in
                let plan = try Self.plan(edit, at: workdir, retention: .stage)
                try SetJob.write(plan)
                if lastPlan == nil {
                    for w in plan.notes { warning?(w) }
                    planned?(RunReport(mode: request.mode, plan: plan))
                }
                lastPlan = plan
                return plan.writtenPaths
            })
        report = RunReport(mode: request.mode, changed: result.commit != nil,
                           changes: result.commit != nil ? (lastPlan?.changes ?? []) : [], filesSearched: lastPlan?.searchedFiles)
        report.commit = result.commit
        report.branch = result.branch
        report.pushed = result.pushed
        report.attempts = result.attempts
        report.alreadyOnRemote = result.alreadyOnRemote ? true : nil
        guard let flow, result.commit != nil else { return }
        try open(flow, request, images: images, commit: result.commit, branch: result.branch, changedFiles: result.changedFiles, report: &report)
    }

    /// Opens or updates the merge request of `flow` for the commit pushed to `branch` (in both backends, git and API).
    func open(_ flow: MergeRequestFlow, _ request: PublishRequest, images: [String], commit: String?, branch: String, changedFiles: [String],
              report: inout RunReport) throws {
        let ci = request.ci
        let subject = CommitMessage.expand(request.messageTemplate, images: images, files: changedFiles, changes: [])
            .split(separator: "\n").first.map(String.init) ?? "bump images"
        let title = request.titleTemplate.map { CommitMessage.expand($0, images: images, files: changedFiles, changes: []) } ?? subject
        let description = request.descriptionTemplate.map {
            CommitMessage.expand($0, images: images, files: changedFiles, changes: report.changes)
        } ?? MergeRequestDescription.render(changes: report.changes, provenance: MergeRequestDescription.provenanceLinks(
            ci.provenance(overriddenBy: request.provenance),
            environment: ci))
        let opened: MergeRequestResult
        do {
            opened = try flow.open(title: title, description: description, headSHA: commit)
        } catch {
            throw PublishFailure(report: report, description: "\(error)\nthe branch \(branch) was pushed; re-run the same command to open or update the \(flow.mr.forge.mergeRequestNoun)")
        }
        for w in opened.warnings { warning?(w) }
        report.mergeRequest = opened
    }

    /// Plans `edit` with its paths relative to `root` (the clone or the checkout).
    static func plan(_ edit: SetRequest, at root: String, retention: SetJob.Retention) throws -> SetPlan {
        var edit = edit
        edit.root = root
        return try SetJob.plan(edit, retention: retention)
    }
}
