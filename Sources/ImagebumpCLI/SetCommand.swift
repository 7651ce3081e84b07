import ArgumentParser
import ImagebumpKit
import ImageRules
import Support

public struct SetCommand: RoutedCommand, ContextCommand {
    public static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set image tags/digests in YAML files, changing only the bytes of the edited values.",
        discussion: """
        Exit codes: 0 success (changed or already up to date), 1 failure (nothing written), \
        2 --check found drift, 64 usage error.
        """
    )

    @OptionGroup(title: "Editing") public var edit: EditOptions
    @OptionGroup(title: "Config repo (commit and push)") public var repo: RepoOptions
    @OptionGroup(title: "Merge request / pull request") public var forge: ForgeOptions
    @OptionGroup(title: "Environments (imagebump.yaml)") public var environments: EnvironmentOptions
    @OptionGroup(title: "Registry") public var registry: RegistryOptions

    public init() {}

    /// What the run does, from the parsed flags (--merge-request implies --push, which implies --commit).
    public var mode: RunMode { Self.mode(repo: repo, forge: forge, run: edit.runOptions) }

    public var route: Route { Self.route(repo: repo, forge: forge, run: edit.runOptions, registry: registry) }

    /// The mode from the option groups `set` and `promote` share.
    static func mode(repo: RepoOptions, forge: ForgeOptions, run: RunOptions) -> RunMode {
        if forge.mergeRequest { return .mergeRequest }
        if repo.push { return .push }
        if repo.commit { return .commit }
        if run.dryRun { return .dryRun }
        if run.check { return .check }
        return repo.repo != nil ? .commit : .write // a local checkout named with --repo is committed to in place
    }

    /// From the mode: a commit, a push or a merge request needs libgit2/libcurl (`imagebump-git`); so does a config
    /// repo (cloned or opened, also to preview), and the stale-run check of an explicit --source-repo (it reads the
    /// application repository's history), and --verify and --pin-digest (they ask the images' registries).
    static func route(repo: RepoOptions, forge: ForgeOptions, run: RunOptions, registry: RegistryOptions) -> Route {
        mode(repo: repo, forge: forge, run: run).commits || repo.repo != nil || run.sourceRepo != nil || registry.asksRegistry ? .git : .local
    }

    public mutating func validate() throws {
        if (edit.dryRun || edit.check) && (repo.commit || repo.push || forge.mergeRequest) {
            let given = [("--commit", repo.commit), ("--push", repo.push), ("--merge-request", forge.mergeRequest)]
                .filter(\.1).map(\.0).joined(separator: " and ")
            throw ValidationError("\(edit.dryRun ? "--dry-run" : "--check") writes nothing, so it cannot be combined with \(given)")
        }
        if repo.transport.via == .api && repo.repo == nil {
            throw ValidationError("--via api reads and commits through the forge's API: name the repository with --repo https://...")
        }
    }

    public func run(in context: CommandContext) throws {
        if environments.names.isEmpty {
            return try Self.run([RunTarget(environment: nil, command: self)], of: self, in: nil, context: context)
        }
        // the --env environments, read from the checkout the run edits; a failure to read them is this run's
        let cwd = context.workingDirectory
        let output = RunOutput(format: edit.output, dotenv: repo.dotenv, context: context), failure = RunReport(mode: mode)
        guard route == .git else {
            let resolved = try output.reporting(failure) { try self.targets(root: ConfigFile.repositoryRoot(from: cwd), workingDirectory: cwd) }
            return try Self.run(resolved, of: self, in: nil, context: context)
        }
        let git = try context.requireGit()
        try output.reporting(failure) {
            try git.withCheckout(for: self, context: context) { checkout in
                let resolved = try self.targets(root: checkout.root, workingDirectory: cwd)
                try RunOutput.reportsItself { try Self.run(resolved, of: self, in: checkout, context: context) }
            }
        }
    }

    /// A failure before the targets reported themselves: the run report, failed.
    public func report(_ error: Error, in context: CommandContext) -> Error {
        RunOutput(format: edit.output, dotenv: repo.dotenv, context: context).fail(error, report: RunReport(mode: mode))
    }

    /// Runs `targets` (read from `checkout`, when they were) the way `command` routes: here; here with the
    /// application's history read by git (--source-repo); or in the config repo, by the git backend.
    /// With --verify or --pin-digest the registries are asked first, once for all targets.
    static func run(_ targets: [RunTarget], of command: SetCommand, in checkout: ConfigCheckout?, context: CommandContext) throws {
        var (targets, command) = (targets, command)
        if command.registry.asksRegistry {
            let resolution = try context.requireGit().resolveImages(command.edit.specs, of: command, using: nil, context: context)
            (targets, command.edit.specs) = (resolution.applied(to: targets), resolution.specs)
        }
        guard command.route == .git else { return try LocalRun.run(targets, of: command, context: context) }
        let git = try context.requireGit()
        if command.repo.repo == nil && !command.mode.commits { // a local edit with the stale-run check
            return try git.withApplicationHistory(command, context: context) { ancestry in
                try LocalRun.run(targets, of: command, ancestry: ancestry, context: context)
            }
        }
        try git.run(targets, of: command, in: checkout, context: context)
    }

    /// The image specs, parsed; two specs naming one image are refused.
    public static func parse(_ texts: [String]) throws -> [ImageSpec] {
        let specs = try texts.map(ImageSpec.init(parsing:))
        // Two specs for one repository would race for the same values: refuse rather than pick one.
        var seen: [String: String] = [:]
        for s in specs {
            if let first = seen[s.name.normalized] {
                throw Problem(message: "image specs \(first) and \(s.text) name the same image (\(s.name.normalized)); give one")
            }
            seen[s.name.normalized] = s.text
        }
        return specs
    }

    public func request(_ specs: [ImageSpec], root: String) -> SetRequest { edit.request(specs, root: root) }
}

public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable { case text, json }

public struct EditOptions: ParsableArguments {
    public init() {}

    @Argument(help: ArgumentHelp("Image specs: NAME:TAG, NAME@DIGEST, NAME:TAG@DIGEST, NAME=NEWNAME:TAG[@DIGEST], NAME=NEWNAME@DIGEST.",
                                 valueName: "image-spec"))
    public var specs: [String]

    /// -f and --exclude (shared with `update`).
    @OptionGroup public var paths: FileOptions
    public var files: [String] { get { paths.files } set { paths.files = newValue } }
    public var exclude: [String] { get { paths.exclude } set { paths.exclude = newValue } }

    @Flag(help: "An image spec that matches nothing is not an error.")
    public var allowMissing = false

    @Flag(help: "In a kustomization file named with -f, append an images: entry when none matches (as kustomize edit set image does), creating images: if needed.")
    public var add = false

    /// What the run shows and refuses (shared with `promote`).
    @OptionGroup public var runOptions: RunOptions
    public var dryRun: Bool { runOptions.dryRun }
    public var check: Bool { runOptions.check }
    public var output: OutputFormat { runOptions.output }
    public var maxFileSize: Int { runOptions.maxFileSize.bytes }

    public func request(_ specs: [ImageSpec], root: String) -> SetRequest {
        SetRequest(specs: specs, root: root, paths: files, excludes: exclude, add: add, allowMissing: allowMissing,
                   maxFileSize: maxFileSize, allowDowngrade: runOptions.allowDowngrade)
    }

    public func validate() throws {
        if specs.isEmpty { throw ValidationError("give at least one image spec, e.g. imagebump set registry.example.com/app:1.2.3") }
    }
}

/// `set`'s and `promote`'s config repo options: the shared access options, and what to commit and push.
@dynamicMemberLookup
public struct RepoOptions: ParsableArguments {
    public init() {}

    @OptionGroup public var access: RepoAccessOptions

    @OptionGroup public var transport: ViaOptions

    /// The access options read as this group's own (`repo.branch`).
    public subscript<T>(dynamicMember path: WritableKeyPath<RepoAccessOptions, T>) -> T {
        get { access[keyPath: path] }
        set { access[keyPath: path] = newValue }
    }

    @Flag(help: ArgumentHelp("Commit the change.", discussion: "--commit, --push and --merge-request without --repo commit in the current directory's repository."))
    public var commit = false

    @Flag(help: "Commit and push the change (implies --commit).")
    public var push = false

    @Option(help: "Push to this branch instead (a bot branch, rebuilt from --branch's head on every run).")
    public var pushBranch: String?

    @Option(help: ArgumentHelp("Commit message template; placeholders {images}, {files}, {changes} (default: \(CommitTemplate.default); for promote: \(CommitTemplate.promotion(Promotion.summary(from: "FROM", to: "TO")).split(separator: "\n")[0]), then one line per change).", discussion: "{images} is app:1.2.3, ...; {files} the files, as code spans; {changes} one line per change, - `file`: `old` → `new` (values from the repository are code spans and never start a line, so no GitLab quick action or mention comes from a file, and a [skip ci] in them is broken by an invisible word joiner: only your own text can skip the pipeline).", valueName: "template"))
    public var message: String?

    /// `--message`, or the default template when it was not given.
    public var messageTemplate: String { message ?? CommitTemplate.default }

    @Option(help: ArgumentHelp("Commit author (default: from the CI platform's variables, else imagebump <imagebump@localhost>).", discussion: "The default: GITLAB_USER_NAME and GITLAB_USER_EMAIL on GitLab CI; on GitHub Actions GITHUB_ACTOR with GITHUB_ACTOR_ID+GITHUB_ACTOR@users.noreply.github.com (as GitHub links commits to accounts); else, in a local checkout, its git user.name and user.email; else imagebump <imagebump@localhost>.", valueName: "Name <email>"))
    public var author: String?

    @Option(bounded: "Attempts after a rejected push (fetch, re-apply the edit on the new head, push again).",
            discussion: "When the push is rejected because the branch moved: fetch, reset to the new head, re-run the structured edit on the new files, commit and push again, never a text rebase; exponential backoff with jitter. If the new head already has the values, the run stops with success and no commit. A push the server refuses for another reason (a protected branch, a hook) fails with the server's own remote: lines, redacted, each on a remote: line (quoted when it holds control characters).")
    public var retries = RetryCount(5)

    /// How the commits are signed (every attempt's).
    @OptionGroup public var signing: SigningOptions

    @Option(help: ArgumentHelp("Provenance trailer Source-Repository: of every commit (default: CI_PROJECT_URL, or GITHUB_SERVER_URL/GITHUB_REPOSITORY).", valueName: "url"))
    public var sourceRepository: String?

    @Option(help: ArgumentHelp("Provenance trailer Source-Commit: of every commit (default: CI_COMMIT_SHA, or GITHUB_SHA).", valueName: "sha"))
    public var sourceCommit: String?

    @Option(help: ArgumentHelp("Provenance trailer Source-Pipeline: of every commit (default: CI_PIPELINE_URL, or the GitHub Actions run's URL).", valueName: "url"))
    public var sourcePipeline: String?

    @Option(help: ArgumentHelp("Provenance trailer Source-Commit-Time: of every commit, when the source commit was made: ISO 8601, written in UTC (default: CI_COMMIT_TIMESTAMP, else the source commit's time in --source-repo or the job's checkout when it is a local repository).", valueName: "time"))
    public var sourceCommitTime: String?

    @Option(help: ArgumentHelp("Write \(PlatformOutputs.dotenvKeys.joined(separator: ", ")) as KEY=value lines (GitLab artifacts:reports:dotenv), also when the run fails.", discussion: "IMAGEBUMP_STATUS is ok, drift or failed; a commit pushed before a failure is still reported.", valueName: "path"))
    public var dotenv: String?

    public func validate() throws {
        if let t = sourceCommitTime, Timestamp.parseISO(t) == nil {
            throw ValidationError("--source-commit-time \(t): give an ISO 8601 time, e.g. 2026-03-01T12:00:00Z")
        }
    }
}

public struct ForgeOptions: ParsableArguments {
    public init() {}

    @Flag(name: [.customLong("merge-request"), .customLong("pull-request")],
          help: "Push to a bot branch and open or update a merge request (GitLab) / pull request (GitHub) into --branch.")
    public var mergeRequest = false

    @Option(help: ArgumentHelp("Which API: gitlab or github (default: from the CI environment, else the repo host).", discussion: "The default: the platform running the job (GITLAB_CI=true, GITHUB_ACTIONS=true) when the config repo is on that job's server; else the repo's host (gitlab.*, github.* and github.com); else an error asking for --forge.", valueName: "gitlab|github"), completion: Completions.forges)
    public var forge: String?

    @Option(help: ArgumentHelp("API base URL (default: CI_API_V4_URL / GITHUB_API_URL, https://<host>/api/v4, https://api.github.com, https://<host>/api/v3).", discussion: "CI_API_V4_URL (GitLab) or GITHUB_API_URL (GitHub) only from a job of that platform whose server the config repo is on; else from the repo's host: https://<host>/api/v4, https://api.github.com, or GitHub Enterprise Server's https://<host>/api/v3. A self-managed base with a path prefix and a private CA (--ca-file) works.", valueName: "url"))
    public var apiURL: String?

    @Option(help: ArgumentHelp("Merge request / pull request title template, with --message's placeholders (default: the commit subject).", valueName: "template"))
    public var title: String?

    @Option(help: ArgumentHelp("Merge request / pull request description template, with --message's placeholders (default: a Markdown table of every change and the provenance links).", valueName: "template"))
    public var description: String?

    @Option(help: "Label to set (repeatable; a label that does not exist is created by the forge).")
    public var label: [String] = []

    @Option(help: ArgumentHelp("Assignee username (repeatable; a leading @ is dropped).", discussion: "Looked up before the push (GitLab: its user id): a user who does not exist, or on GitHub cannot be assigned, fails the run with nothing pushed.", valueName: "username"))
    public var assignee: [String] = []

    @Option(help: ArgumentHelp("Reviewer (repeatable): a username (a leading @ is dropped); on GitHub also a team as org/team, requested as a team reviewer.", discussion: "A user is looked up before the push (GitLab: its user id): one who does not exist fails the run with nothing pushed. A team is requested by its slug (team_reviewers); the token must see the organisation's teams.", valueName: "username|org/team"))
    public var reviewer: [String] = []

    @Flag(help: "Open as a draft.")
    public var draft = false

    @Flag(help: "GitLab: merge when the pipeline succeeds; GitHub: enable auto-merge (GraphQL).")
    public var autoMerge = false

    @Flag(help: "GitLab: delete the source branch when merged.")
    public var removeSourceBranch = false

    @Flag(help: "GitLab: squash commits when merged.")
    public var squash = false
}
