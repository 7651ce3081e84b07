import ArgumentParser
import Support
import ImagebumpKit
import ImageRules

/// An edit without git: plan every file, then diff, check or write, and report.
public enum LocalRun {
    /// What a target's paths are relative to: with an environment, the repository's root (as in imagebump.yaml);
    /// else the working directory.
    static func root(environment: String?, cwd: String) -> String {
        environment == nil ? cwd : ConfigFile.repositoryRoot(from: cwd)
    }

    /// Plans every target first (a failure leaves every file as it was), then writes them (write mode) and reports
    /// one entry per target.
    /// - Parameter ancestry: the application repository for the stale-run check (read by the git backend for
    ///   --source-repo; in a CI job, none makes the check say why it is skipped).
    public static func run(_ targets: [RunTarget], of command: SetCommand, ancestry: (any CommitAncestry)? = nil,
                           context: CommandContext) throws {
        let cwd = context.workingDirectory
        var output = RunOutput(format: command.edit.output, dotenv: command.repo.dotenv, context: context)
        var plans: [SetPlan] = []
        do {
            for t in targets { // each target's own specs (update picks them per environment)
                var request = t.request(try SetCommand.parse(t.command.edit.specs), root: root(environment: t.environment, cwd: cwd))
                // in a CI job the stale-run check is never skipped silently: without history, the run says why (once)
                request.ancestry = ancestry ?? (context.ci.platform == nil ? nil
                    : NoHistory("this run reads no git history: give --source-repo, a checkout or URL of the application repository"))
                request.policy = EnvironmentPolicy(explicit: command.environments.config.config, workingDirectory: cwd)
                plans.append(try SetJob.plan(request, retention: t.mode.retention))
            }
            if command.mode == .write { for p in plans { try SetJob.write(p) } }
        } catch {
            if command.mode == .write { for p in plans { FileIO.discard(p.staged) } }
            throw output.fail(error, report: RunReport(mode: command.mode))
        }
        var next = plans.makeIterator()
        try output.run(targets, mode: command.mode) { t, output in
            let plan = next.next()!
            return (present(plan, mode: t.mode, output: output), command.mode == .write)
        }
    }

    /// Prints the notes and the diff (--dry-run) of a planned run, and returns its report.
    public static func present(_ plan: SetPlan, mode: RunMode, output: RunOutput) -> RunReport {
        for w in plan.notes { Console.warning(w) }
        if mode == .dryRun && output.format == .text { // with --output json, stdout carries only the JSON document
            let colors: UnifiedDiff.Colors = output.console.colorEnabled ? .ansi : .none
            for f in plan.files { Console.out(UnifiedDiff.render(path: f.file, old: f.original, new: f.updated, colors: colors), terminator: "") }
        }
        return RunReport(mode: mode, plan: plan)
    }
}
