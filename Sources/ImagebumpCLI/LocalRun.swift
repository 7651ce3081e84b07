import ArgumentParser
import ImageReference
import Environments
import ImagebumpKit

/// An edit without git: plan every file, then diff, check or write, and report.
public enum LocalRun {
    /// - Parameter ancestry: the application repository for the stale-run check (given only by imagebump-git).
    public static func run(_ command: SetCommand, specs: [ImageSpec], ancestry: (any CommitAncestry)? = nil) throws {
        let edit = command.edit
        var request: SetRequest
        do {
            let cwd = RepoRoot.currentDirectory()
            // with --env, paths are relative to the repository's root (as in imagebump.yaml); else to the working directory
            let root = command.environments.environment == nil ? cwd : ConfigFile.repositoryRoot(from: cwd)
            request = try command.applyingEnvironment(root: root, workingDirectory: cwd).edit.request(specs, root: root)
        } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
        request.ancestry = ancestry
        let plan = try Self.plan(request, edit: edit)
        let write = !edit.dryRun && !edit.check
        if write {
            do { try SetJob.write(plan) } catch {
                Console.error("\(error)")
                throw ExitCode.failure
            }
        }
        try present(plan, edit: edit, wrote: write, dotenv: command.repo.dotenv)
    }

    /// Plans `request` keeping what the mode needs (a diff needs the contents, a write the staged files).
    public static func plan(_ request: SetRequest, edit: EditOptions) throws -> SetPlan {
        do {
            return try SetJob.plan(request, retention: edit.dryRun ? .preview : (edit.check ? .summary : .stage))
        } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
    }

    /// Prints the result of a planned (and maybe written) run; exits 2 for --check with drift.
    public static func present(_ plan: SetPlan, edit: EditOptions, wrote: Bool, dotenv: String?) throws {
        for n in plan.notes { Console.warning(n) }
        if edit.dryRun && edit.output == .text { // with --output json, stdout carries only the JSON document
            let colors: UnifiedDiff.Colors = Console.colorEnabled ? .ansi : .none
            for f in plan.files { Console.out(UnifiedDiff.render(path: f.file, old: f.original, new: f.updated, colors: colors), terminator: "") }
        }
        switch edit.output {
        case .json:
            Console.out(try JSONOutput.encode(JSONReport(changed: plan.changed, changes: plan.changes)))
        case .text:
            // with --dry-run the diff is on stdout; the summary goes to stderr so the diff stays a clean patch
            for l in TextReport.lines(for: plan, wrote: wrote) { edit.dryRun ? Console.error(l, prefix: false) : Console.out(l) }
        }
        if PlatformOutputs.isGitHubActions || dotenv != nil {
            try PlatformOutputs.publish(RunOutcome(changed: plan.changed, changes: plan.changes), dotenv: dotenv)
        }
        if edit.check && plan.changed { throw ExitCode(2) }
    }
}
