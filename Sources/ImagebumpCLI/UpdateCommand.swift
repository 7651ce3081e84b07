import ArgumentParser
import ImagebumpKit
import ImageRules
import Support

/// `imagebump update --env ENV --semver RANGE`: the scheduled image bump bot. Every image the environments' files
/// hold is set to the newest tag its registry lists that the policy allows, the way `set --env` reaches them (a
/// push, or a merge request per environment, with the same guards, trailers and reports).
public struct UpdateCommand: RoutedCommand, ContextCommand {
    public static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Set each image of the environments' files to the newest tag its registry has that the policy allows.",
        discussion: """
        The registry of each image is asked for its tags (credentials as for --verify); the newest that --semver \
        allows is set as `set --env` would set it. An image already at that tag, or with no tag the policy allows, \
        is left as it is. Exit codes as for set.
        """
    )

    @Argument(help: ArgumentHelp("Update only these images (names without tag; default: every image the files hold).", valueName: "name"))
    public var images: [String] = []

    @Option(help: ArgumentHelp("The versions an image may move to: comparators joined by blanks, all of which must hold (>=1.2 <2; a partial version is padded with zeros). Pre-releases are never chosen.", valueName: "range"))
    public var semver: String

    @Option(help: ArgumentHelp("Consider only the tags this regular expression matches whole; its first capture group, when it has one, is the version --semver compares (^main-(.+)$: main-1.4.0 is 1.4.0).", valueName: "pattern"))
    public var tagRegex: String?

    @OptionGroup(title: "Environments (imagebump.yaml)") public var environments: EnvironmentOptions
    @OptionGroup(title: "Output and guards") public var runOptions: RunOptions
    @OptionGroup(title: "Config repo (commit and push)") public var repo: RepoOptions
    @OptionGroup(title: "Merge request / pull request") public var forge: ForgeOptions
    @OptionGroup(title: "Registry") public var registry: RegistryOptions

    public init() {}

    /// The registries are asked for their tags: only `imagebump-git` has an HTTP client.
    public var route: Route { .git }

    /// The `set` this run becomes once the tags are chosen (its specs filled in by `run`).
    var setCommand: SetCommand {
        // the placeholder spec is replaced in `run`
        var s = SetCommand.derived(run: runOptions, repo: repo, forge: forge, registry: registry)
        s.environments = environments
        return s
    }

    public func validate() throws {
        if environments.names.isEmpty { throw ValidationError("update needs --env: the environments whose images are updated") }
        do { _ = try SemverRange(parsing: semver) } catch { throw ValidationError(error.message) }
        if let tagRegex { do { _ = try TagFilter(pattern: tagRegex) } catch { throw ValidationError(error.message) } }
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
                let specs = try chooseTags(root: checkout.root, workingDirectory: cwd, git: git, of: base, context: context)
                if specs.isEmpty { return try output.finish(RunReport(mode: base.mode), wrote: false) }
                var s = base
                s.edit.specs = specs
                let targets = try s.targets(root: checkout.root, workingDirectory: cwd)
                try RunOutput.reportsItself { try SetCommand.run(targets, of: s, in: checkout, context: context) }
            }
        }
    }

    /// `NAME:TAG` for each image of the environments' files (those named, when some are) whose registry lists a tag
    /// in range: the newest such tag.
    func chooseTags(root: String, workingDirectory: String, git: any GitBackend, of base: SetCommand, context: CommandContext) throws -> [String] {
        let range = try SemverRange(parsing: semver)
        let filter = try tagRegex.map { pattern throws(Problem) in try TagFilter(pattern: pattern) }
        let only = try Set(images.map { try ImageName(parsing: $0).normalized })
        var names: [String] = [], seen: Set<String> = []
        for env in try environments.resolve(root: root, workingDirectory: workingDirectory) {
            for e in try Inventory.images(root: root, paths: env.paths(root: root), maxFileSize: runOptions.maxFileSize.bytes) {
                guard let name = try? ImageName(parsing: e.image.name), only.isEmpty || only.contains(name.normalized),
                      seen.insert(name.normalized).inserted else { continue }
                names.append(e.image.name)
            }
        }
        let tags = try git.listTags(names, of: base, context: context)
        return names.compactMap { name in
            guard let tag = range.newest(tags[name] ?? [], version: { t in filter.map { $0.version(of: t) } ?? t }) else {
                Console.warning("no tag of \(name) is in --semver \(range)\(filter.map { " with --tag-regex \($0.pattern)" } ?? ""): left as it is")
                return nil
            }
            return name + ":" + tag
        }
    }
}
