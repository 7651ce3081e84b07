import ArgumentParser
import ImagebumpKit
import ImageRules

/// `imagebump rollback --env NAME [--to N|COMMIT|VERSION]`: set an environment back to an image its history records,
/// the way `set --env NAME` reaches it (its mode: a merge request for an environment with mode: merge-request),
/// with the downgrade guard passed on purpose and the commit undone named in a `Rollback-Of:` trailer.
public struct RollbackCommand: RoutedCommand, ContextCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Set an environment back to an image it ran before, read from the config repo's history.",
        discussion: """
        Without --to: the images the environment's newest deployment changed go back to what they were before it. \
        The change is made as set --env makes it (files, branch, mode:, trailers, reports, guards), as a downgrade \
        allowed on purpose; the commit records the deployment it undoes as Rollback-Of: <commit>. Exit codes as for set.
        """
    )

    @Option(name: .customLong("env"), help: ArgumentHelp("The environment of imagebump.yaml to roll back.", valueName: "name"), completion: Completions.environments)
    public var environment: String

    @Option(help: ArgumentHelp("Where to go back to: N deployments back (1: the one before the newest, the default), a config commit (the images right after it), or a version deployed before (a tag, @digest or whole reference).", valueName: "N|commit|version"))
    public var to: String?

    @OptionGroup public var history: HistoryOptions
    @OptionGroup(title: "Output and guards") public var runOptions: RunOptions
    @OptionGroup(title: "Config repo (commit and push)") public var repo: RepoOptions
    @OptionGroup(title: "Merge request / pull request") public var forge: ForgeOptions

    public init() {}

    /// The history is read with libgit2.
    public var route: Route { .git }

    public func validate() throws {
        var s = setCommand(specs: ["placeholder:0"])
        try s.validate()
    }

    /// The `set --env` this rollback becomes: `specs` in the environment's files, downgrades allowed.
    func setCommand(specs: [String]) -> SetCommand {
        var s = SetCommand.derived(run: runOptions, repo: repo, forge: forge)
        s.edit.runOptions.allowDowngrade = true // a rollback is a downgrade by design
        s.edit.specs = specs
        s.environments.config = history.config
        return s
    }

    /// What to set, from the history read in `checkout`, as the run that sets it.
    func resolve(_ derived: Deployments.Derived, _ config: EnvironmentsConfig, in checkout: ConfigCheckout) throws -> (RunTarget, [RollbackPlan.Step]) {
        let env = try config.environment(environment)
        let target = to.map { RollbackPlan.Target(parsing: $0, commits: derived.deployments.map(\.configCommit)) }
        let steps = try RollbackPlan.plan(derived.deployments, environment: environment, images: history.normalizedImages, to: target)
        var s = setCommand(specs: steps.map(\.target))
        if repo.message == nil { s.repo.message = CommitTemplate.rollback(environment) }
        var t = s.target(env, root: checkout.root)
        t.rollbackOf = steps.flatMap(\.rollbackOf).uniqued()
        if t.mode == .mergeRequest, forge.description == nil {
            t.command.forge.description = "Roll back \(environment):\n\n{changes}\n\nRollback of " + t.rollbackOf.map { "`\($0)`" }.joined(separator: ", ")
        }
        return (t, steps)
    }

    public func run(in context: CommandContext) throws {
        var failure = RunReport(mode: SetCommand.mode(repo: repo, forge: forge, run: runOptions))
        failure.environment = environment
        let output = RunOutput(format: runOptions.output, dotenv: repo.dotenv, context: context)
        // one checkout: the history is read in the clone the rollback then edits
        try output.reporting(failure) {
            try history.withHistory(repo.access, context: context, for: "rollback") { checkout, derived, config in
                let (target, steps) = try resolve(derived, config, in: checkout)
                for s in steps {
                    // values from the history are quoted: a line break in one cannot start a line of its own
                    let q: (String) -> String = { PathQuoting.quoted($0) }
                    Console.progress("imagebump: rolling back \(q(environment)): \(q(s.current)) → \(q(s.target)) (undoes \(s.rollbackOf.map { q(String($0.prefix(12))) }.joined(separator: ", ")))\n")
                }
                try RunOutput.reportsItself { try SetCommand.run([target], of: target.command, in: checkout, context: context) }
            }
        }
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] { var seen = Set<Element>(); return filter { seen.insert($0).inserted } }
}
