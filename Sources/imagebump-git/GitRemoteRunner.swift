import ArgumentParser
import Foundation
import Forge
import GitOps
import ImageReference
import ImagebumpCLI
import ImagebumpKit
import ImageRules
import Environments

/// `imagebump set` with --repo/--commit/--push/--merge-request: edit inside the config repo's working tree,
/// commit, push with re-apply retries, and open or update the merge request.
struct GitRemoteRunner: RemoteRunner {
    func run(_ command: SetCommand) throws {
        let specs = try SetCommand.parse(command.edit.specs)
        let env = ProcessInfo.processInfo.environment
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ p: String?) -> String? { p.map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 } }
        let location = Self.location(command.repo, cwd: cwd)
        let ancestry: SourceRepository?
        do {
            ancestry = try ApplicationRepository.open(explicit: command.edit.runOptions.sourceRepo, configLocation: location,
                                                      workingDirectory: cwd, environment: env)
        } catch { Console.error("\(error)"); throw failureExit }
        if command.repo.repo == nil && [.write, .dryRun, .check].contains(command.mode) {
            // here only for --source-repo: a local edit with the stale-run check
            try LocalRun.run(command, specs: specs, ancestry: ancestry)
            return
        }
        // --env: the environment's files, branch and mode, read from the config repo itself
        var command = command
        if command.environments.environment != nil {
            do {
                command = try withConfigCheckout(command.repo) { root in try command.applyingEnvironment(root: root, workingDirectory: cwd) }
            } catch { Console.error("\(error)"); throw failureExit }
        }
        let o = command.repo, f = command.forge
        let dotenv = absolute(o.dotenv)
        let push = o.push || f.mergeRequest
        let isURL = ConfigRepo.isURL(location)
        if isURL && command.mode == .commit {
            // a usage error (64), found here because only this executable parses remote locations
            Console.error(o.commit
                ? "--commit without --push on \(redact(url: location)) would commit into a temporary clone that is then removed; add --push, or give a local checkout as --repo"
                : "--repo \(redact(url: location)) needs a mode: --push, --merge-request, --dry-run or --check")
            throw ExitCode.validationFailure
        }
        let credentials = GitCredentials(tokenEnv: o.tokenEnv, sshKeyPath: absolute(o.sshKey), knownHostsPath: absolute(o.knownHosts),
                                         insecureAcceptUnknownHostKeys: o.insecureAcceptHostKey, caFile: absolute(o.caFile))
        let token = credentials.resolveToken(forLocation: location)
        if let token, PlatformOutputs.isGitHubActions { Console.raw(1, "::add-mask::\(token.secret)\n") }
        let secrets = token.map { [$0.secret] } ?? []
        if command.mode == .dryRun || command.mode == .check {
            try preview(command, specs: specs, ancestry: ancestry, location: isURL ? location : nil, credentials: credentials,
                        secrets: secrets, dotenv: dotenv, cwd: cwd)
            return
        }
        let author: GitAuthor
        do { author = try GitAuthor.resolve(o.author, environment: env) } catch {
            Console.error("\(error)"); throw failureExit
        }
        let explicit = Provenance(repository: o.sourceRepository, commit: o.sourceCommit, pipeline: o.sourcePipeline)
        let printer = ProgressPrinter()
        let images = specs.map(\.description)

        var lastPlan: SetPlan?
        var outcome = RunOutcome(changed: false, changes: [])
        var mrResult: MergeRequestResult?
        var publishResult: PublishResult?
        var forgeContext: (kind: ForgeKind, api: String, project: String)?
        do {
            if f.mergeRequest && token == nil {
                throw CLIError("--merge-request needs an API token (\(credentials.tokenSearchDescription)); GitLab: a project access token with api and write_repository scopes; GitHub: contents: write and pull-requests: write")
            }
            try PlatformOutputs.section("imagebump_git", "imagebump: \(redact(url: location))") {
                let sparse = Self.sparsePaths(command.edit.files)
                try ConfigRepo.with(location: location, branch: o.branch, credentials: credentials, checkoutPaths: sparse,
                                    progress: printer.sink, timeouts: NetworkTimeouts(seconds: TimeInterval(o.timeout))) { repo in
                    if f.mergeRequest {
                        // the project comes from the URL pushed to (a local checkout: its origin)
                        let kind = try ForgeDefaults.detectForge(explicit: f.forge, environment: env, repoURL: repo.remoteURL)
                        let api = try f.apiURL ?? ForgeDefaults.apiURL(forge: kind, environment: env, repoURL: repo.remoteURL)
                        forgeContext = (kind, api, try ForgeDefaults.projectPath(repoURL: repo.remoteURL, apiURL: api))
                    }
                    let target = repo.branch
                    let pushBranch = o.pushBranch ?? (f.mergeRequest ? ForgeDefaults.pushBranch(images: images, targetBranch: target) : nil)
                    publishResult = try repo.publish(
                        pushBranch: pushBranch, author: author, push: push, retries: o.retries,
                        message: { files in
                            let changes = (lastPlan?.changes ?? []).map { ChangeDescription(file: $0.file, old: $0.old, new: $0.new) }
                            return CommitMessage.build(template: o.message, images: images, files: files, changes: changes,
                                                       provenance: explicit, environment: env)
                        },
                        edit: { workdir in
                            var request = command.request(specs, root: workdir)
                            request.ancestry = ancestry
                            let plan = try SetJob.plan(request, retention: .stage)
                            // a re-applied edit (after a rejected push) finds the same things: say them once
                            if lastPlan == nil { for w in plan.notes { Console.warning(w) } }
                            try SetJob.write(plan)
                            lastPlan = plan
                            return plan.writtenPaths
                        })
                    if f.mergeRequest, let ctx = forgeContext, let result = publishResult, result.commit != nil, let token {
                        let rows = (lastPlan?.changes ?? []).map { ImageChangeRow(file: $0.file, image: $0.image, old: $0.old, new: $0.new) }
                        let subject = CommitMessage.expand(o.message, images: images, files: result.changedFiles, changes: [])
                            .split(separator: "\n").first.map(String.init) ?? "bump images"
                        let title = f.title.map { CommitMessage.expand($0, images: images, files: result.changedFiles, changes: []) } ?? subject
                        let description = f.description.map {
                            CommitMessage.expand($0, images: images, files: result.changedFiles,
                                                 changes: rows.map { ChangeDescription(file: $0.file, old: $0.old, new: $0.new) })
                        } ?? MergeRequestDescription.render(changes: rows, provenance: MergeRequestDescription.provenanceLinks(environment: env))
                        let mr = MergeRequestRequest(
                            forge: ctx.kind, apiURL: ctx.api, project: ctx.project, sourceBranch: result.branch, targetBranch: target,
                            title: title, description: description, labels: f.label, assignees: f.assignee, reviewers: f.reviewer,
                            draft: f.draft, autoMerge: f.autoMerge, removeSourceBranch: f.removeSourceBranch, squash: f.squash,
                            token: token.secret, gitLabTokenKind: token.source.hasSuffix("CI_JOB_TOKEN") ? .jobToken : .privateToken,
                            tokenSource: token.source.replacingOccurrences(of: "token from ", with: ""), headSHA: result.commit,
                            transportOptions: TransportOptions(caFile: absolute(o.caFile), timeoutSeconds: TimeInterval(o.timeout)))
                        do {
                            mrResult = try MergeRequestService().openOrUpdate(mr)
                        } catch {
                            throw CLIError("\(error)\nthe branch \(result.branch) was pushed; re-run the same command to open or update the merge request")
                        }
                        for w in mrResult?.warnings ?? [] { Console.warning(w) }
                    }
                }
            }
        } catch {
            Console.error(redact(text: "\(error)", secrets: secrets))
            try? PlatformOutputs.publish(outcome, dotenv: dotenv)
            throw failureExit
        }
        let result = publishResult!
        outcome = RunOutcome(changed: result.commit != nil, changes: result.commit != nil ? (lastPlan?.changes ?? []) : [],
                             commit: result.commit, branch: result.branch,
                             mergeRequestURL: mrResult?.url, mergeRequestNumber: mrResult?.number)
        try PlatformOutputs.publish(outcome, dotenv: dotenv)
        switch command.edit.output {
        case .json:
            var report = JSONReport(changed: outcome.changed, changes: outcome.changes)
            report.commit = result.commit
            report.branch = result.branch
            report.pushed = result.pushed
            report.attempts = result.attempts
            report.mergeRequest = mrResult.map { .init(url: $0.url, number: $0.number, created: $0.created) }
            Console.out(try JSONOutput.encode(report))
        case .text:
            if let plan = lastPlan, result.commit != nil {
                for l in TextReport.lines(for: plan, wrote: true) { Console.out(l) }
            }
            if let c = result.commit, result.alreadyOnRemote {
                Console.out("\(result.branch) already has this change at \(c): nothing pushed")
            } else if let c = result.commit {
                Console.out(result.pushed ? "pushed \(c) to \(result.branch)\(result.attempts > 1 ? " after \(result.attempts) attempts" : "")"
                                          : "committed \(c) on \(result.branch)")
            } else {
                Console.out("already up to date on \(result.branch): nothing to commit")
            }
            if let mr = mrResult { Console.out("\(mr.created ? "opened" : (mr.updated ? "updated" : "unchanged")) merge request \(mr.url)") }
        }
    }

    /// --dry-run / --check with --repo: clone (sparse, as a push does) or read the local checkout, plan, print the
    /// diff or the drift; nothing is written, committed or pushed.
    private func preview(_ command: SetCommand, specs: [ImageSpec], ancestry: SourceRepository?, location url: String?,
                         credentials: GitCredentials, secrets: [String], dotenv: String?, cwd: String) throws {
        var plan: SetPlan?
        func request(root: String) -> SetRequest {
            var r = command.request(specs, root: root)
            r.ancestry = ancestry // a preview refuses what the run would refuse
            return r
        }
        do {
            if let url {
                try PlatformOutputs.section("imagebump_git", "imagebump: \(redact(url: url))") {
                    try ConfigRepo.with(location: url, branch: command.repo.branch, credentials: credentials,
                                        checkoutPaths: Self.sparsePaths(command.edit.files), progress: ProgressPrinter().sink,
                                        timeouts: NetworkTimeouts(seconds: TimeInterval(command.repo.timeout))) { repo in
                        plan = try SetJob.plan(request(root: repo.workdir), retention: command.edit.dryRun ? .preview : .summary)
                    }
                }
            } else {
                let root = command.repo.repo.map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 } ?? cwd
                plan = try SetJob.plan(request(root: root), retention: command.edit.dryRun ? .preview : .summary)
            }
        } catch {
            Console.error(redact(text: "\(error)", secrets: secrets))
            throw failureExit
        }
        try LocalRun.present(plan!, edit: command.edit, wrote: false, dotenv: dotenv)
    }

    /// A clone only needs the -f paths on disk (commits still carry every file): checkout dominates clone time.
    static func sparsePaths(_ files: [String]) -> [String]? {
        files.isEmpty || files.contains { $0 == "." || $0 == "./" } ? nil : files
    }

    /// The config repo a run names: a URL as given, a path made absolute; none: the working directory.
    static func location(_ o: RepoOptions, cwd: String) -> String {
        o.repo.map { ConfigRepo.isURL($0) || $0.hasPrefix("/") ? $0 : cwd + "/" + $0 } ?? cwd
    }

    func withConfigCheckout<T>(_ o: RepoOptions, _ body: (String) throws -> T) throws -> T {
        let cwd = FileManager.default.currentDirectoryPath
        let location = Self.location(o, cwd: cwd)
        if !ConfigRepo.isURL(location) { return try body(ConfigFile.repositoryRoot(from: location)) } // a local checkout, in place
        func absolute(_ p: String?) -> String? { p.map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 } }
        let credentials = GitCredentials(tokenEnv: o.tokenEnv, sshKeyPath: absolute(o.sshKey), knownHostsPath: absolute(o.knownHosts),
                                         insecureAcceptUnknownHostKeys: o.insecureAcceptHostKey, caFile: absolute(o.caFile))
        return try ConfigRepo.with(location: location, branch: o.branch, credentials: credentials,
                                   timeouts: NetworkTimeouts(seconds: TimeInterval(o.timeout))) { repo in try body(repo.workdir) }
    }
}
