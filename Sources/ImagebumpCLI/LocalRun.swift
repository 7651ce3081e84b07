import ArgumentParser
import Environments
import ImageReference
import ImageRules
import ImagebumpKit

/// An edit without git: plan every file, then diff, check or write, and report.
public enum LocalRun {
    /// - Parameter ancestry: the application repository for the stale-run check (given only by imagebump-git).
    public static func run(_ command: SetCommand, ancestry: (any CommitAncestry)? = nil) throws {
        var output = RunOutput(format: command.edit.output, dotenv: command.repo.dotenv)
        let report = RunReport(mode: command.mode.rawValue)
        let plan: SetPlan
        do {
            let specs = try SetCommand.parse(command.edit.specs)
            let cwd = RepoRoot.currentDirectory()
            // with --env, paths are relative to the repository's root (as in imagebump.yaml); else to the working directory
            let root = command.environments.environment == nil ? cwd : ConfigFile.repositoryRoot(from: cwd)
            var request = try command.applyingEnvironment(root: root, workingDirectory: cwd).edit.request(specs, root: root)
            request.ancestry = ancestry
            plan = try Self.plan(request, edit: command.edit)
            if command.mode == .write { try SetJob.write(plan) }
        } catch {
            throw output.fail(error, report: report)
        }
        try present(plan, edit: command.edit, mode: command.mode, output: &output)
    }

    /// Plans `request` keeping what the mode needs (a diff needs the contents, a write the staged files).
    public static func plan(_ request: SetRequest, edit: EditOptions) throws -> SetPlan {
        try SetJob.plan(request, retention: edit.dryRun ? .preview : (edit.check ? .summary : .stage))
    }

    /// Prints the diff (--dry-run) and the report of a planned run that wrote (write mode) or not.
    public static func present(_ plan: SetPlan, edit: EditOptions, mode: SetCommand.Mode, output: inout RunOutput) throws {
        for w in plan.notes { Console.warning(w) }
        if edit.dryRun && edit.output == .text { // with --output json, stdout carries only the JSON document
            let colors: UnifiedDiff.Colors = Console.colorEnabled ? .ansi : .none
            for f in plan.files { Console.out(UnifiedDiff.render(path: f.file, old: f.original, new: f.updated, colors: colors), terminator: "") }
        }
        try output.finish(RunReport(mode: mode.rawValue, plan: plan, check: edit.check), wrote: mode == .write)
    }
}
