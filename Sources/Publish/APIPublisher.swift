import FoundationEssentials
import Support
import Forge
import GitOps
import ImagebumpKit
import ImageRules

/// The API backend of `Publisher.run` (`--via api`): no clone. The files the run reads are fetched through the
/// forge's API at the branch's head (`APISnapshot`), the same edit runs on them, and the change becomes one commit
/// made by the API with a lock on what was read (GitLab: `last_commit_id` per file; GitHub: `expectedHeadOid`). A
/// stale lock re-reads the new head and re-applies the edit, as a rejected push does in a clone. Merge request mode,
/// guards, trailers and the report are the git backend's.
struct APIPublisher {
    let publisher: Publisher
    /// The client; nil: made from the request (tests hand in one over another transport).
    var api: (any RepositoryAPI)?
    var backoff = RetryBackoff.default

    init(publisher: Publisher, api: (any RepositoryAPI)? = nil) { self.publisher = publisher; self.api = api }

    func run(_ request: PublishRequest, report: inout RunReport) throws -> Publisher.Outcome {
        try Self.check(request)
        let token = request.token!
        // a merge request's forge calls warn about plain http themselves
        let api = try self.api ?? Self.client(request.location, forge: request.forge, apiURL: request.apiURL,
                                              ci: request.ci, token: token, transport: MergeRequestFlow.transport(request),
                                              warning: request.mode == .mergeRequest ? nil : publisher.warning)
        let target = try request.branch ?? api.defaultBranch()
        let readPaths = request.edit.policy?.readPaths ?? []
        if request.mode.previews {
            let snapshot = try read(api, branch: target, paths: request.edit.paths, optional: readPaths)
            return .preview(try snapshot.within { try Publisher.plan(request.edit, at: $0, retention: request.mode.retention) })
        }
        try publish(request, api: api, target: target, token: token, report: &report)
        return .published(report)
    }

    /// The API client of the repository at `location` (`--forge`, `--api-url`, else derived as for a merge request).
    static func client(_ location: String, forge: String?, apiURL: String?, ci: CIEnvironment, token: GitCredentials.Token,
                       transport: TransportOptions, warning: ((String) -> Void)?) throws -> any RepositoryAPI {
        let kind = try ForgeDefaults.detectForge(explicit: forge, environment: ci, repoURL: location)
        let api = try apiURL ?? ForgeDefaults.apiURL(forge: kind, environment: ci, repoURL: location)
        if RemoteURL(api).kind == .http {
            warning?("sending the \(kind.displayName) API token to \(redact(url: Redactor.stripQuery(api))) over plain http:// (unencrypted); use https://")
        }
        return try RepositoryLocation(forge: kind, apiURL: api, project: try ForgeDefaults.projectPath(repoURL: location, apiURL: api),
                                      token: token.secret, gitLabTokenKind: token.isGitLabJobToken ? .jobToken : .privateToken,
                                      tokenSource: token.variable, transportOptions: transport).client()
    }

    /// What `--via api` cannot do, refused before anything is read.
    static func check(_ request: PublishRequest) throws {
        let url = RemoteURL(request.location)
        guard ConfigRepo.isURL(request.location), url.kind == .https || url.kind == .http else {
            throw Problem(message: "--via api reads and commits through the forge's web API: --repo must be the repository's https:// URL (given: \(redact(url: request.location))); use --via git for a local checkout or an ssh:// URL")
        }
        guard request.token != nil else {
            throw Problem(message: "--via api needs an API token (\(request.credentials.tokenSearchDescription(forLocation: request.location))); GitLab: a project access token with the api scope; GitHub: contents: write (and pull-requests: write for --merge-request)")
        }
        if request.signing.key != nil || request.signing.format != nil {
            throw Problem(message: "--via api: the forge makes the commit, so imagebump cannot sign it (GitHub signs createCommitOnBranch commits itself; GitLab signs API commits on instances with web commit signing); drop --sign-key/--sign-format, or use --via git")
        }
        if request.author != nil {
            throw Problem(message: "--via api: the commit's author is the token's user (GitHub verifies only commits without a custom author; GitLab with commit signing refuses another); drop --author, or use --via git")
        }
    }

    /// The head of `branch` and the files of the run at it.
    func read(_ api: any RepositoryAPI, branch: String, paths: [String], optional: [String]) throws -> APISnapshot {
        guard let head = try api.head(of: branch) else {
            throw Problem(message: "the branch \(branch) does not exist in the repository (\(api.forge.displayName) API); name an existing branch with --branch")
        }
        return try APISnapshot.read(api, commit: head, paths: paths, optional: optional)
    }

    private func publish(_ request: PublishRequest, api: any RepositoryAPI, target: String, token: GitCredentials.Token,
                         report: inout RunReport) throws {
        var edit = request.edit
        var pushBranch = request.pushBranch
        edit.delivery = request.mode == .mergeRequest ? .mergeRequest(target: target) : .push(branch: pushBranch ?? target)
        let readPaths = edit.policy?.readPaths ?? []
        var flow: MergeRequestFlow?
        if request.mode == .mergeRequest {
            if request.branch == nil && MergeRequestKey.isBotBranch(target) {
                throw Problem(message: "the default branch \(target) is a bot branch: a merge request into it is never what is meant; name the branch to merge into with --branch")
            }
            let snapshot = try read(api, branch: target, paths: edit.paths, optional: readPaths)
            let first = try snapshot.within { try Publisher.plan(edit, at: $0, retention: .summary) }
            var f = try MergeRequestFlow(request, remoteURL: request.location, target: target, token: token, plan: first)
            try f.preflight(explicitBranch: request.pushBranch != nil, warning: publisher.warning)
            let fromOpen = try f.changesFromOpenMergeRequest(edit) { branch, body in
                guard try api.head(of: branch) != nil else { return nil }
                return try read(api, branch: branch, paths: edit.paths, optional: readPaths).within(body)
            }
            if first.changes.isEmpty, let fromOpen {
                report = RunReport(mode: request.mode, changed: false, changes: [], filesSearched: first.searchedFiles)
                report.supersededMergeRequest = try f.closeSuperseded(changes: fromOpen, deleteBranch: api.deleteBranch)
                return
            }
            pushBranch = f.mr.sourceBranch
            flow = f
        }
        let workBranch = pushBranch ?? target
        let rebuilt = workBranch != target ? target : nil
        var lastPlan: SetPlan?
        var images: [String] { lastPlan.map { MergeRequestFlow.keyImages(request.specs, $0) }?.map(\.description) ?? request.images }
        let maxAttempts = max(1, request.retries + 1)
        var attempts = 0
        var cycleStart: Date?
        var committed: (sha: String, files: [String])?
        var alreadyOnRemote = false
        while committed == nil {
            attempts += 1
            let snapshot = try read(api, branch: target, paths: edit.paths, optional: readPaths)
            let plan = try snapshot.within { try Publisher.plan(edit, at: $0, retention: .stage) }
            try SetJob.write(plan)
            if lastPlan == nil {
                for w in plan.notes + snapshot.notes { publisher.warning?(w) }
                publisher.planned?(RunReport(mode: request.mode, plan: plan))
            }
            lastPlan = plan
            let files = try snapshot.changes(plan.writtenPaths)
            if files.isEmpty {
                publisher.progress?(.outcome("nothing to change on \(target)"))
                report = RunReport(mode: request.mode, changed: false, changes: [], filesSearched: plan.searchedFiles)
                report.branch = workBranch; report.pushed = false; report.attempts = attempts
                return
            }
            let paths = files.map(\.path)
            let message = CommitMessage.build(template: request.messageTemplate, images: images, files: paths, changes: plan.changes,
                                              provenance: request.provenance, ci: request.ci)
            if rebuilt != nil, let held = try holding(files, branch: workBranch, on: snapshot.commit, api: api) {
                publisher.progress?(.outcome("\(workBranch) already has this change (\(held.prefix(12))); nothing committed"))
                committed = (held, paths)
                alreadyOnRemote = true
                break
            }
            let start = Date()
            let outcome = try api.commit(APICommitRequest(branch: workBranch, rebuiltFrom: rebuilt, expectedHead: snapshot.commit,
                                                          message: message, files: files))
            switch outcome {
            case .committed(let sha):
                publisher.progress?(.outcome("committed \(sha.prefix(12)) to \(workBranch) through the \(api.forge.displayName) API\(attempts > 1 ? " (attempt \(attempts))" : "")"))
                committed = (sha, paths)
            case .stale(let why):
                if attempts >= maxAttempts {
                    throw GitOpsError.retriesExhausted(url: redact(url: request.location), branch: workBranch, attempts: attempts)
                }
                publisher.progress?(.step("\(target) moved (\(why)); re-reading it and re-applying the edit"))
                let cycle = cycleStart.map { Date().timeIntervalSince($0) } ?? 2 * Date().timeIntervalSince(start)
                let delay = backoff.delay(forRetry: attempts, cycle: cycle)
                if delay > 0 { Backoff.sleep(delay) }
                cycleStart = Date()
            }
        }
        report = RunReport(mode: request.mode, changed: true, changes: lastPlan?.changes ?? [], filesSearched: lastPlan?.searchedFiles)
        report.commit = committed!.sha
        report.branch = workBranch
        report.pushed = !alreadyOnRemote
        report.attempts = attempts
        report.alreadyOnRemote = alreadyOnRemote ? true : nil
        guard let flow else { return }
        try publisher.open(flow, request, images: images, commit: committed!.sha, branch: workBranch, changedFiles: committed!.files,
                           report: &report)
    }

    /// The head of bot branch `branch` when it already holds exactly this change: one commit on the target's head
    /// `base` whose files are `files` (a re-run: nothing is committed, the merge request stays as it is).
    private func holding(_ files: [APICommitRequest.File], branch: String, on base: String, api: any RepositoryAPI) throws -> String? {
        guard let head = try api.head(of: branch), head != base, try api.parents(of: head) == [base] else { return nil }
        let there = try APISnapshot.read(api, commit: head, paths: files.map(\.path))
        return files.allSatisfy { there.files[$0.path]?.blob.content == $0.content } ? head : nil
    }
}
