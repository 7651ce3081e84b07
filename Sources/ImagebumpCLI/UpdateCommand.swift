import ArgumentParser
import ImagebumpKit
import ImageRules
import Support

/// `imagebump update`: the scheduled image bump bot. Every image the files (-f, or the environments') hold is set
/// to the tag its policy picks from its registry's tags, the way `set` reaches them (a push, or a merge request per
/// environment, with the same guards, trailers and reports).
public struct UpdateCommand: RoutedCommand, ContextCommand {
    public static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Set each image of the files to the tag its policy picks from its registry's tags.",
        discussion: """
        Needs -f (files or directories) or --env (the environments' files). The registry of each image is asked for \
        its tags (credentials as for --verify), and the tag the policy picks is set as `set` would set it. The policy: --semver, --numerical, --alphabetical (with --tag-regex) or \
        --digest for every image, else each environment's update: in imagebump.yaml (per image, else for the \
        environment). An image already at that tag, with no tag the policy allows, or with no policy is left as it \
        is. All registries are asked before anything is written: one that fails fails the run. Exit codes as for set.
        """
    )

    @Argument(help: ArgumentHelp("Update only these images (names without tag; default: every image the files hold).", valueName: "name"))
    public var images: [String] = []

    @OptionGroup(title: "Tag policy") public var policy: UpdatePolicyOptions
    @OptionGroup(title: "Files") public var paths: FileOptions
    @OptionGroup(title: "Environments (imagebump.yaml)") public var environments: EnvironmentOptions
    @OptionGroup(title: "Output and guards") public var runOptions: RunOptions
    @OptionGroup(title: "Config repo (commit and push)") public var repo: RepoOptions
    @OptionGroup(title: "Merge request / pull request") public var forge: ForgeOptions
    @OptionGroup(title: "Registry") public var registry: RegistryOptions

    public init() {}

    /// The registries are asked for their tags: only `imagebump-git` has an HTTP client.
    public var route: Route { .git }

    /// The `set` this run becomes once the tags are chosen (each target's specs filled in by `run`).
    var setCommand: SetCommand {
        var s = SetCommand.derived(run: runOptions, repo: repo, forge: forge, registry: registry)
        s.environments = environments
        s.edit.paths = paths
        return s
    }

    public func validate() throws {
        if environments.names.isEmpty && paths.files.isEmpty {
            throw ValidationError("update needs -f (files or directories) or --env (imagebump.yaml's environments) whose images it updates")
        }
        for name in images {
            do { _ = try ImageName(parsing: name) } catch { throw ValidationError("\(name) is not an image name: \(error)") }
        }
        var s = setCommand
        try s.validate()
    }

    public func run(in context: CommandContext) throws {
        let cwd = context.workingDirectory, git = try context.requireGit()
        let base = setCommand // parsed once: each read of `setCommand` parses a `set` again
        var output = RunOutput(format: runOptions.output, dotenv: repo.dotenv, context: context)
        let failure = RunReport(mode: base.mode)
        try output.reporting(failure) {
            try git.withCheckout(repo.access, context: context) { checkout in
                let environments = try self.environments.resolve(root: checkout.root, workingDirectory: cwd)
                let given = try policy.policy()
                if given == nil && environments.allSatisfy({ $0.update.policy == nil && $0.update.images.isEmpty }) {
                    let none = environments.map(\.name).joined(separator: ", ")
                    throw Problem(message: "update needs a tag policy: --semver, --numerical, --alphabetical or --digest\(none.isEmpty ? "" : ", or update: in imagebump.yaml for \(none)")")
                }
                // one client for the run: each registry logged in to once, each image asked once
                let choice = UpdateChoice(registry: try git.registry(for: base, context: context))
                var targets: [RunTarget] = []
                for t in try base.targets(root: checkout.root, workingDirectory: cwd) {
                    let env = environments.first { $0.name == t.environment }
                    let root = t.environment == nil && repo.repo == nil ? cwd : checkout.root
                    let entries = try Inventory.images(root: root, paths: t.command.edit.files, excludes: paths.exclude,
                                                       maxFileSize: runOptions.maxFileSize.bytes)
                    var t = t
                    t.command.edit.specs = try choice.specs(of: entries, only: images, environment: t.environment) { name in
                        given ?? env?.update.policy(for: name)
                    }
                    if !t.command.edit.specs.isEmpty { targets.append(t) }
                }
                for name in images where !choice.imagesSeen.contains((try? ImageName(parsing: name))?.normalized ?? name) {
                    Console.warning("\(name) is in none of the files: nothing to update")
                }
                if targets.isEmpty { return try output.finish(RunReport(mode: base.mode), wrote: false) }
                var s = base
                if base.registry.asksRegistry { // every target asked before any is written, through the same client
                    for i in targets.indices {
                        let r = try git.resolveImages(targets[i].command.edit.specs, of: base, using: choice.registry, context: context)
                        (targets[i].command.edit.specs, targets[i].images) = (r.specs, r.images)
                    }
                    s.registry.verify = false; s.registry.pinDigest = false
                    for i in targets.indices { targets[i].command.registry = s.registry }
                }
                s.edit.specs = targets[0].command.edit.specs
                try RunOutput.reportsItself { try SetCommand.run(targets, of: s, in: checkout, context: context) }
            }
        }
    }

    /// A failure before the targets reported themselves: the run report, failed.
    public func report(_ error: Error, in context: CommandContext) -> Error {
        RunOutput(format: runOptions.output, dotenv: repo.dotenv, context: context).fail(error, report: RunReport(mode: setCommand.mode))
    }
}
