import ArgumentParser
import ImageReference
import ImagebumpKit

/// An edit without git: plan every file, then diff, check or write, and report.
public enum LocalRun {
    public static func run(_ edit: EditOptions, specs: [ImageSpec], dotenv: String?) throws {
        let plan = try Self.plan(edit.request(specs, root: RepoRoot.currentDirectory()), edit: edit)
        let write = !edit.dryRun && !edit.check
        if write {
            do { try SetJob.write(plan) } catch {
                Console.error("\(error)")
                throw ExitCode.failure
            }
        }
        try present(plan, edit: edit, wrote: write, dotenv: dotenv)
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
        for w in plan.notes { Console.warning(w) }
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
