import ArgumentParser
import ImageReference
import ImagebumpKit

/// An edit without git: plan every file, then diff, check or write, and report.
public enum LocalRun {
    public static func run(_ edit: EditOptions, specs: [ImageSpec], dotenv: String?) throws {
        let plan: SetPlan
        do {
            plan = try SetJob.plan(edit.request(specs), retention: edit.dryRun ? .preview : (edit.check ? .summary : .stage))
        } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
        if edit.dryRun && edit.output == .text { // with --output json, stdout carries only the JSON document
            let colors: UnifiedDiff.Colors = Console.colorEnabled ? .ansi : .none
            for f in plan.files { Console.out(UnifiedDiff.render(path: f.file, old: f.original, new: f.updated, colors: colors), terminator: "") }
        }
        let write = !edit.dryRun && !edit.check
        if write {
            do { try SetJob.write(plan) } catch {
                Console.error("\(error)")
                throw ExitCode.failure
            }
        }
        switch edit.output {
        case .json:
            Console.out(try JSONOutput.encode(JSONReport(changed: plan.changed, changes: plan.changes)))
        case .text:
            // with --dry-run the diff is on stdout; the summary goes to stderr so the diff stays a clean patch
            for l in TextReport.lines(for: plan, wrote: write) { edit.dryRun ? Console.error(l, prefix: false) : Console.out(l) }
        }
        if PlatformOutputs.isGitHubActions || dotenv != nil {
            try PlatformOutputs.publish(RunOutcome(changed: plan.changed, changes: plan.changes), dotenv: dotenv)
        }
        if edit.check && plan.changed { throw ExitCode(2) }
    }
}
