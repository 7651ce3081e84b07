import ArgumentParser
import ImagebumpKit
import ImageRules
import Support

/// `imagebump history`: every deployment the config repo's history records (read-only).
public struct HistoryCommand: RoutedCommand, ContextCommand {
    public static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the deployments the config repo's history records: when, where, which image, from which build.",
        discussion: """
        Every commit on the branch (first parent: a merged merge request is its merge commit) that changed the image \
        an environment's files hold is a deployment, whoever made it: the files before and after are read with the \
        rules set uses, so hand edits and sed commits count. The source commit and pipeline come from the commit's \
        Source-* trailers. A deployment is a rollback when its commit has a Rollback-Of: trailer, is a git revert, or \
        undoes the environment's previous deployment of the image; a promotion when another environment ran the new \
        image before. Newest first.
        """
    )

    @OptionGroup public var environments: EnvironmentFilter

    @Option(bounded: "Show at most this many deployments, the newest (0: all).", valueName: "N")
    public var limit = Count(0)

    @Option(help: "Output format: text or json.")
    public var output: OutputFormat = .text

    @OptionGroup public var history: HistoryOptions

    @OptionGroup(title: "Config repo (read-only)") public var repo: RepoAccessOptions

    public init() {}

    /// The history is read with libgit2.
    public var route: Route { .git }

    /// The error on stderr; with `--output json` also one failure document on stdout, as `get` prints.
    public func report(_ error: Error, in context: CommandContext) -> Error {
        let problems = RunOutput(format: output, dotenv: nil, context: context).printed(error)
        if output == .json, let json = try? JSONOutput.encode(GetCommand.Failure(problems)) { Console.out(json) }
        return ExitCode.failure
    }

    public func run(in context: CommandContext) throws {
        let images = history.normalizedImages
        // --limit bounds the read as --since does
        let report = try history.withDeployments(repo, limit: limit.value == 0 ? nil : limit.value, matching: { d in
            (environments.names.isEmpty || environments.names.contains(d.environment)) && (images.isEmpty || images.contains(Deployments.normalized(d.image)))
        }, context: context, for: "history") { derived, config in
            _ = try environments.resolve(config)
            return HistoryReport(derived, query: .init(environments: environments.names, images: history.normalizedImages,
                                                       since: history.sinceTime(now: context.now), limit: limit.value == 0 ? nil : limit.value))
        }
        switch output {
        case .json: Console.out(try JSONOutput.encode(report))
        case .text: Console.out(report.text(), terminator: "")
        }
    }
}
