import ArgumentParser
import CIEnvironment
import Environments
import FoundationEssentials
import GitOps
import ImagebumpCLI
import ImagebumpKit
import Publish

/// `imagebump set` runs that need git: the parsed command becomes a `PublishRequest` (paths resolved against
/// the working directory once, here), the `Publisher` runs it, `RunOutput` reports it.
struct GitRemoteRunner: RemoteRunner {
    func run(_ command: SetCommand) throws { try run(nil, of: command) }

    func run(_ targets: [RunTarget], of command: SetCommand) throws { try run(Optional(targets), of: command) }

    /// `given`: the targets resolved already (a promotion's); nil: `command`'s --env environments, read from the
    /// config repo itself.
    private func run(_ given: [RunTarget]?, of command: SetCommand) throws {
        let ci = ProcessEnvironment.ci
        let cwd = RepoRoot.currentDirectory()
        let location = Self.location(command.repo.access, cwd: cwd)
        var output = RunOutput(format: command.edit.output, dotenv: Self.absolute(command.repo.dotenv, cwd: cwd))
        let credentials = Self.credentials(command.repo.access, cwd: cwd)
        let ancestry: (any CommitAncestry)?
        do {
            let run = command.edit.runOptions
            var sourceCredentials = credentials
            sourceCredentials.tokenEnv = run.sourceTokenEnv
            // the application's history is fetched under the same limits as the config repo
            ancestry = try ApplicationRepository.open(explicit: run.sourceRepo, configLocation: location, workingDirectory: cwd, ci: ci,
                                                      credentials: sourceCredentials, timeouts: Self.timeouts(command.repo.access))
        } catch { throw output.fail(error, report: RunReport(mode: command.mode)) }
        defer { (ancestry as? SourceHistory)?.close() }
        if command.repo.repo == nil && !command.mode.commits {
            // here only for --source-repo: a local edit with the stale-run check
            if let given { try LocalRun.run(given, of: command, ancestry: ancestry) } else { try LocalRun.run(command, ancestry: ancestry) }
            return
        }
        var targets = given ?? [RunTarget(environment: nil, command: command)]
        if given == nil && !command.environments.names.isEmpty {
            do {
                targets = try withConfigCheckout(command.repo.access, workingDirectory: cwd) { root in try command.targets(root: root, workingDirectory: cwd) }
            } catch { throw output.fail(error, report: RunReport(mode: command.mode)) }
        }
        if ConfigRepo.isURL(location), let t = targets.first(where: { $0.mode == .commit }) {
            // a usage error (64), found here because only this executable parses remote locations
            Console.error(t.command.repo.commit
                ? "--commit without --push on \(redact(url: location)) would commit into a temporary clone that is then removed; add --push, or give a local checkout as --repo"
                : "--repo \(redact(url: location)) needs a mode: --push, --merge-request, --dry-run or --check")
            throw ExitCode.validationFailure
        }
        if let token = credentials.resolveToken(forLocation: location) {
            Console.addMask(token.secret)
            output.secrets = [token.secret]
        }
        try output.run(targets, mode: command.mode) { (t, output) throws(TargetFailure) in
            try publish(t, location: location, credentials: credentials, ancestry: ancestry, ci: ci, cwd: cwd, output: &output)
        }
    }

    /// One target: the command becomes a `PublishRequest`, the `Publisher` runs it.
    private func publish(_ target: RunTarget, location: String, credentials: GitCredentials, ancestry: (any CommitAncestry)?,
                         ci: CIEnvironment, cwd: String, output: inout RunOutput) throws(TargetFailure) -> (report: RunReport, wrote: Bool) {
        let command = target.command
        let o = command.repo, f = command.forge
        let mode = target.mode
        var request: PublishRequest
        do {
            let specs = try SetCommand.parse(command.edit.specs)
            var edit = target.request(specs, root: location)
            edit.ancestry = ancestry
            edit.policy = EnvironmentPolicy(explicit: command.environments.config.config, workingDirectory: cwd)
            var mr = PublishRequest.MergeRequestOptions()
            mr.forge = f.forge; mr.apiURL = f.apiURL; mr.title = f.title; mr.description = f.description
            mr.labels = f.label; mr.assignees = f.assignee; mr.reviewers = f.reviewer
            mr.draft = f.draft; mr.autoMerge = f.autoMerge; mr.removeSourceBranch = f.removeSourceBranch; mr.squash = f.squash
            let explicitAuthor = try o.author.flatMap { $0.isEmpty ? nil : try GitAuthor(parsing: $0) }
            request = PublishRequest(
                mode: mode, location: location, branch: o.branch, pushBranch: o.pushBranch, specs: specs,
                edit: edit, messageTemplate: o.messageTemplate, author: explicitAuthor,
                provenance: Provenance(repository: o.sourceRepository, commit: o.sourceCommit, pipeline: o.sourcePipeline),
                retries: o.retries.value, credentials: credentials, networkTimeouts: Self.timeouts(o.access),
                caFile: Self.absolute(o.caFile, cwd: cwd), mergeRequest: mr, ci: ci, environment: target.environment)
        } catch {
            throw TargetFailure(report: output.failed(error, report: RunReport(mode: mode)))
        }
        let printer = ProgressPrinter(showOutcome: false, write: { Console.progress($0) })
        var shown = output
        defer { output = shown }
        let publisher = Publisher(progress: printer.sink,
                                  planned: { shown.showChanges($0, wrote: true) },
                                  warning: { Console.warning($0) })
        let outcome: Publisher.Outcome
        do {
            var result: Publisher.Outcome?
            try PlatformOutputs.section("imagebump_git", "imagebump: \(redact(url: location))") {
                result = try publisher.run(request)
            }
            printer.finish()
            outcome = result!
        } catch let failure as PublishFailure {
            printer.finish()
            throw TargetFailure(report: shown.failed(failure.underlying ?? failure, report: failure.report))
        } catch {
            printer.finish()
            throw TargetFailure(report: shown.failed(error, report: RunReport(mode: mode)))
        }
        switch outcome {
        case .preview(let plan): return (LocalRun.present(plan, mode: mode, format: shown.format), false)
        case .published(let report): return (report, true)
        }
    }

    /// The config repo a run names: a URL as given, a path made absolute; none: the working directory.
    static func location(_ o: RepoAccessOptions, cwd: String) -> String {
        o.repo.map { ConfigRepo.isURL($0) ? $0 : absolute($0, cwd: cwd) } ?? cwd
    }

    /// A path given on the command line, made absolute against the working directory read once per run.
    static func absolute(_ path: String, cwd: String) -> String { path.hasPrefix("/") ? path : cwd + "/" + path }
    static func absolute(_ path: String?, cwd: String) -> String? { path.map { absolute($0, cwd: cwd) } }

    static func credentials(_ o: RepoAccessOptions, cwd: String) -> GitCredentials {
        func absolute(_ p: String?) -> String? { Self.absolute(p, cwd: cwd) }
        return GitCredentials(tokenEnv: o.tokenEnv, sshKeyPath: absolute(o.sshKey), knownHostsPath: absolute(o.knownHosts),
                              insecureAcceptUnknownHostKeys: o.insecureAcceptHostKey, caFile: absolute(o.caFile),
                              environment: ProcessEnvironment.variables)
    }

    static func timeouts(_ o: RepoAccessOptions) -> NetworkTimeouts {
        NetworkTimeouts(seconds: TimeInterval(o.timeout.value), phase: TimeInterval(o.phaseTimeout.value),
                        maxPackBytes: Int64(o.maxPackSize.bytes))
    }

    func withConfigCheckout<T>(_ o: RepoAccessOptions, workingDirectory cwd: String, _ body: (String) throws -> T) throws -> T {
        let location = Self.location(o, cwd: cwd)
        if !ConfigRepo.isURL(location) { return try body(ConfigFile.repositoryRoot(from: location)) } // a local checkout, in place
        return try ConfigRepo.with(location: location, branch: o.branch, credentials: Self.credentials(o, cwd: cwd),
                                   timeouts: Self.timeouts(o)) { repo in try body(repo.workdir) }
    }
}
