import ArgumentParser
import Foundation
import ImageReference
import ImagebumpKit

struct SetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set image tags/digests in YAML files, changing only the bytes of the edited values.",
        discussion: """
        Exit codes: 0 success (changed or already up to date), 1 failure (nothing written), \
        2 --check found drift, 64 usage error.
        """
    )

    @OptionGroup var edit: EditOptions

    func run() throws {
        let specs: [ImageSpec]
        do { specs = try edit.specs.map(ImageSpec.init(parsing:)) } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
        let request = SetRequest(specs: specs, paths: edit.files, add: edit.add, allowMissing: edit.allowMissing,
                                 maxFileSize: edit.maxFileSize << 20)
        let plan: SetPlan
        do { plan = try SetJob.plan(request, retention: edit.dryRun ? .preview : (edit.check ? .summary : .stage)) } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
        if edit.dryRun {
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
            let lines = TextReport.lines(for: plan, wrote: write)
            // with --dry-run the diff is on stdout; the summary goes to stderr so the diff stays a clean patch
            for l in lines { edit.dryRun ? Console.error(l, prefix: false) : Console.out(l) }
        }
        if edit.check && plan.changed { throw ExitCode(2) }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

struct EditOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Image specs: NAME:TAG, NAME@DIGEST, NAME:TAG@DIGEST, NAME=NEWNAME:TAG[@DIGEST], NAME=NEWNAME@DIGEST.",
                                 valueName: "image-spec"))
    var specs: [String]

    @Option(name: [.short, .customLong("file")], help: ArgumentHelp("A YAML file, or a directory searched recursively for *.yaml/*.yml (hidden directories skipped). Repeatable. Default: the current directory.", valueName: "path"))
    var files: [String] = []

    @Flag(help: "Write nothing; print a unified diff of what would change.")
    var dryRun = false

    @Flag(help: "Write nothing; exit 2 if any file would change, 0 if all are up to date.")
    var check = false

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    @Flag(help: "An image spec that matches nothing is not an error.")
    var allowMissing = false

    @Flag(help: "In a kustomization file named with -f, append an images: entry when none matches.")
    var add = false

    @Option(help: ArgumentHelp("Refuse files larger than this many MiB.", valueName: "MiB"))
    var maxFileSize = 64

    func validate() throws {
        if specs.isEmpty { throw ValidationError("give at least one image spec, e.g. imagebump set app=registry.example.com/app:1.2.3") }
        if maxFileSize < 1 { throw ValidationError("--max-file-size must be at least 1") }
    }
}
