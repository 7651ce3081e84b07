import ArgumentParser
import ImagebumpKit
import ImageRules
import Support

/// `imagebump metrics`: the DORA figures of the deployments the config repo's history records (read-only).
public struct MetricsCommand: RoutedCommand, ContextCommand {
    public static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Show the DORA figures of the deployments the history records: frequency, lead time, change fail rate, recovery time.",
        discussion: """
        Per environment as a whole and per image, over --since to --until (default: the first deployment read, and \
        now). Deployments are those of imagebump history. Lead time runs from the Source-Commit-Time: trailer to the \
        config commit; a change fails when a later rollback or revert undoes it, and recovers when that lands.
        """
    )

    @OptionGroup public var environments: EnvironmentFilter

    @Option(help: ArgumentHelp("The end of the window: a date, a time or an age, as for --since (default: now).", valueName: "date"))
    public var until: String?

    @Option(help: "Output format: text, json, markdown (a job summary or a merge request comment) or svg (a timeline of the deployments).")
    public var output: MetricsFormat = .text

    @OptionGroup public var history: HistoryOptions

    @OptionGroup(title: "Config repo (read-only)") public var repo: RepoAccessOptions

    public init() {}

    /// The history is read with libgit2.
    public var route: Route { .git }

    public func validate() throws {
        if let until, Timestamp.parse(until, now: 0) == nil {
            throw ValidationError("--until \(until): give a date (2026-03-01), a time (2026-03-01T12:00:00Z) or an age (7d, 12h, 2w)")
        }
    }

    /// The error on stderr; with `--output json` also one failure document on stdout (as history's, `get`'s).
    public func report(_ error: Error, in context: CommandContext) -> Error {
        let problems = RunOutput(format: output == .json ? .json : .text, dotenv: nil, context: context).printed(error)
        if output == .json, let json = try? JSONOutput.encode(GetCommand.Failure(problems)) { Console.out(json) }
        return ExitCode.failure
    }

    public func run(in context: CommandContext) throws {
        let (report, svg) = try history.withDeployments(repo, context: context, for: "metrics") { derived, config in
            let names = try environments.resolve(config)
            let until = self.until.flatMap { Timestamp.parse($0, now: context.now) } ?? context.now
            let since = history.sinceTime(now: context.now) ?? derived.deployments.last?.timestamp ?? until
            if since > until { throw Problem(message: "the window is empty: --since is after --until") }
            // --image applied once, for the figures and the timeline
            let images = history.normalizedImages
            let shown = images.isEmpty ? derived.deployments : derived.deployments.filter { images.contains(Deployments.normalized($0.image)) }
            return (MetricsReport(shown, environments: names, since: since, until: until),
                    output == .svg ? Timeline.svg(shown, environments: names, since: since, until: until) : "")
        }
        switch output {
        case .json: Console.out(try JSONOutput.encode(report))
        case .text: Console.out(report.text(), terminator: "")
        case .markdown: Console.out(report.markdown(), terminator: "")
        case .svg: Console.out(svg, terminator: "")
        }
    }
}

public enum MetricsFormat: String, ExpressibleByArgument, CaseIterable, Sendable { case text, json, markdown, svg }
