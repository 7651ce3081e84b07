import ArgumentParser
import Support
import ImagebumpKit
import FoundationEssentials
import GitOps
import Forge
import ImagebumpCLI

/// The git backend of `imagebump-git`: `imagebump set` runs that need git become a `PublishRequest` each (paths
/// resolved against the context's working directory), the `Publisher` runs them, `RunOutput` reports them.
public struct GitRemoteRunner: GitBackend {
    public init() {}

    public func run(_ targets: [RunTarget], of command: SetCommand, in checkout: ConfigCheckout?, context: CommandContext) throws {
        let cwd = context.workingDirectory
        let location = Self.location(command.repo.access, cwd: cwd)
        var output = RunOutput(format: command.edit.output, dotenv: command.repo.dotenv, context: context)
        let credentials = Self.credentials(command.repo.access, context: context).resolvingToken(forLocation: location)
        try withApplicationHistory(command, context: context) { ancestry in
            if ConfigRepo.isURL(location), let t = targets.first(where: { $0.mode == .commit }) {
                // a usage error (64), found here because only this executable parses remote locations
                throw output.fail(Problem(message: t.command.repo.commit
                    ? "--commit without --push on \(redact(url: location)) would commit into a temporary clone that is then removed; add --push, or give a local checkout as --repo"
                    : "--repo \(redact(url: location)) needs a mode: --push, --merge-request, --dry-run or --check"),
                    report: RunReport(mode: command.mode), exitCode: .validationFailure)
            }
            // the config repo's token, resolved once (`credentials.token`): masked here, git's and the forge's
            if let token = credentials.token {
                context.console.addMask(token.secret)
                output.secrets = [token.secret]
            }
            for password in Proxy.passwords(environment: context.variables) {
                context.console.addMask(password)
                output.secrets.append(password)
            }
            var first = true
            try output.run(targets, mode: command.mode) { (t, output) throws(TargetFailure) in
                // the checkout the targets were read from is edited by the first one, when it is on that one's branch
                let clone = first ? (checkout?.repository as? ConfigRepo).flatMap { (t.command.repo.branch ?? $0.branch) == $0.branch ? $0 : nil } : nil
                first = false
                return try publish(t, location: location, clone: clone, credentials: credentials, ancestry: ancestry,
                                   context: context, output: &output)
            }
        }
    }

    /// Runs `body` with the application repository's history for the stale-run check (`ApplicationRepository`);
    /// a failure to open it is reported as the run's.
    public func withApplicationHistory<T>(_ command: SetCommand, context: CommandContext,
                                          _ body: ((any CommitAncestry)?) throws -> T) throws -> T {
        let cwd = context.workingDirectory
        let ancestry: (any CommitAncestry)?
        do {
            let run = command.edit.runOptions
            var sourceCredentials = Self.credentials(command.repo.access, context: context)
            sourceCredentials.tokenEnv = run.sourceTokenEnv
            // the application's history is fetched under the same limits as the config repo
            ancestry = try ApplicationRepository.open(explicit: run.sourceRepo, configLocation: Self.location(command.repo.access, cwd: cwd),
                                                      workingDirectory: cwd, ci: context.ci, credentials: sourceCredentials,
                                                      timeouts: Self.timeouts(command.repo.access))
        } catch {
            throw RunOutput(format: command.edit.output, dotenv: command.repo.dotenv, context: context)
                .fail(error, report: RunReport(mode: command.mode))
        }
        defer { (ancestry as? SourceHistory)?.close() }
        return try body(ancestry)
    }

    public func withCheckout<T>(_ o: RepoAccessOptions, context: CommandContext, _ body: (ConfigCheckout) throws -> T) throws -> T {
        let location = Self.location(o, cwd: context.workingDirectory)
        if !ConfigRepo.isURL(location) { // a local checkout, in place
            return try body(ConfigCheckout(root: ConfigFile.repositoryRoot(from: location), repository: nil))
        }
        return try ConfigRepo.with(location: location, branch: o.branch, credentials: Self.credentials(o, context: context).resolvingToken(forLocation: location),
                                   timeouts: Self.timeouts(o)) { repo in try body(ConfigCheckout(root: repo.workdir, repository: repo)) }
    }

    public func history(in checkout: ConfigCheckout, branch: String?, holds: (String) -> Bool, since: Int64?, depth: Int?) throws -> HistoryRead {
        let clone = checkout.repository as? ConfigRepo
        // a clone made shallow by another path than withHistoryCheckout is read whole
        if depth == nil { try clone?.unshallow() }
        let revision = try branch.flatMap { b in try clone.map { try $0.historyRevision(of: b, depth: depth) } ?? b }
        return try ConfigHistory.commits(repositoryAt: checkout.root, revision: revision, holds: holds, since: since)
    }

    public func withHistoryCheckout<T>(_ o: RepoAccessOptions, depth: Int?, context: CommandContext, _ body: (ConfigCheckout) throws -> T) throws -> T {
        let location = Self.location(o, cwd: context.workingDirectory)
        if !ConfigRepo.isURL(location) { return try withCheckout(o, context: context, body) }
        return try ConfigRepo.with(location: location, branch: o.branch, credentials: Self.credentials(o, context: context),
                                   timeouts: Self.timeouts(o), depth: depth.map { .commits($0) } ?? .full) { repo in
            try body(ConfigCheckout(root: repo.workdir, repository: repo))
        }
    }

    /// One target: the command becomes a `PublishRequest`, the `Publisher` runs it.
    private func publish(_ target: RunTarget, location: String, clone: ConfigRepo?, credentials: GitCredentials,
                         ancestry: (any CommitAncestry)?, context: CommandContext,
                         output: inout RunOutput) throws(TargetFailure) -> (report: RunReport, wrote: Bool) {
        let command = target.command, cwd = context.workingDirectory
        let o = command.repo, f = command.forge
        let mode = target.mode
        var request: PublishRequest
        do {
            let specs = try SetCommand.parse(command.edit.specs)
            var edit = target.request(specs, root: location)
            edit.ancestry = ancestry
            edit.policy = EnvironmentPolicy(explicit: command.environments.config.config, workingDirectory: cwd)
            let mr = MergeRequestOptions(labels: f.label, assignees: f.assignee, reviewers: f.reviewer, draft: f.draft,
                                         autoMerge: f.autoMerge, removeSourceBranch: f.removeSourceBranch, squash: f.squash)
            let explicitAuthor = try o.author.flatMap { $0.isEmpty ? nil : try GitAuthor(parsing: $0) }
            request = PublishRequest(
                mode: mode, location: location, branch: o.branch, pushBranch: o.pushBranch,
                edit: edit, messageTemplate: o.messageTemplate, author: explicitAuthor,
                provenance: Provenance(repository: o.sourceRepository, commit: o.sourceCommit, pipeline: o.sourcePipeline,
                                       commitTime: o.sourceCommitTime ?? Self.sourceCommitTime(command, ancestry: ancestry, ci: context.ci),
                                       rollbackOf: target.rollbackOf),
                retries: o.retries.value, credentials: credentials, networkTimeouts: Self.timeouts(o.access),
                mergeRequest: mr, ci: context.ci, environment: target.environment)
            request.signing = try Self.signing(o.signing, context: context)
            (request.forge, request.apiURL) = (f.forge, f.apiURL)
            (request.titleTemplate, request.descriptionTemplate) = (f.title, f.description)
            request.viaAPI = o.transport.via == .api
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
            try PlatformOutputs.section("imagebump_git", "imagebump: \(redact(url: location))", on: context.ci.platform) {
                result = try publisher.run(request, in: clone)
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
        case .preview(let plan): return (LocalRun.present(plan, mode: mode, output: shown), false)
        case .published(let report): return (report, true)
        }
    }

    /// Without --source-commit-time or the CI platform's (GitLab's CI_COMMIT_TIMESTAMP; GitHub has none): the
    /// source commit's committer time in the application repository the stale-run check opened (--source-repo, the
    /// job's checkout), when that holds it. A URL's history is not fetched for it.
    static func sourceCommitTime(_ command: SetCommand, ancestry: (any CommitAncestry)?, ci: CIEnvironment) -> String? {
        guard ci.provenance.commitTime == nil, let repo = ancestry as? SourceRepository,
              let sha = command.repo.sourceCommit ?? ci.provenance.commit, let t = repo.commitTime(sha) else { return nil }
        return Timestamp.iso(t)
    }

    /// The config repo a run names: a URL as given, a path made absolute; none: the working directory.
    static func location(_ o: RepoAccessOptions, cwd: String) -> String {
        o.repo.map { ConfigRepo.isURL($0) ? $0 : absolute($0, cwd: cwd) } ?? cwd
    }

    /// A path given on the command line, made absolute against the working directory read once per run.
    static func absolute(_ path: String, cwd: String) -> String { path.hasPrefix("/") ? path : cwd + "/" + path }
    static func absolute(_ path: String?, cwd: String) -> String? { path.map { absolute($0, cwd: cwd) } }

    static func credentials(_ o: RepoAccessOptions, context: CommandContext) -> GitCredentials {
        func absolute(_ p: String?) -> String? { Self.absolute(p, cwd: context.workingDirectory) }
        return GitCredentials(tokenEnv: o.tokenEnv, sshKeyPath: absolute(o.sshKey), knownHostsPath: absolute(o.knownHosts),
                              insecureAcceptUnknownHostKeys: o.insecureAcceptHostKey, caFile: absolute(o.caFile),
                              environment: context.variables)
    }

    /// The signing key and format given on the command line; a key from a variable is read here and never printed.
    static func signing(_ o: SigningOptions, context: CommandContext) throws -> SigningRequest {
        var request = SigningRequest(format: o.signFormat, environment: context.variables)
        if let name = o.signKeyEnv {
            guard let text = context.variables[name], !text.trimmingBlanksAndNewlines().isEmpty else {
                throw Problem(message: "--sign-key-env \(name): the variable \(name) is not set or empty")
            }
            request.key = .material(text, variable: name)
            request.environment[name] = nil // ssh-keygen and gpg get the key on stdin or in a file, not in their environment
        } else if let key = o.signKey {
            // a key file is taken against the working directory; an OpenPGP key id is not a file
            let path = absolute(key, cwd: context.workingDirectory)
            request.key = .named(FileManager.default.fileExists(atPath: path) ? path : key)
        }
        return request
    }

    static func timeouts(_ o: RepoAccessOptions) -> NetworkTimeouts {
        NetworkTimeouts(seconds: TimeInterval(o.timeout.value), phase: TimeInterval(o.phaseTimeout.value),
                        maxPackBytes: Int64(o.maxPackSize.bytes))
    }
}
