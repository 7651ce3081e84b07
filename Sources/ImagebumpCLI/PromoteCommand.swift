import ArgumentParser
import ImagebumpKit
import ImageRules
import Support

/// `imagebump promote FROM TO`: set in TO's files exactly the image references FROM's files hold now, the way TO
/// is reached (its mode). A `set --env TO` whose specs are read from FROM.
public struct PromoteCommand: RoutedCommand, ContextCommand {
    public static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Set in environment TO the images that environment FROM runs now (imagebump.yaml).",
        discussion: """
        Every image FROM's files hold (or those named with --image) is set in TO's files, with TO's mode: a push, or \
        a merge request for an environment with mode: merge-request. Promoting out of the order of promotion: is \
        refused. Exit codes as for set.
        """
    )

    @Argument(help: "The environment to promote from.", completion: Completions.environments) public var from: String
    @Argument(help: "The environment to promote to.", completion: Completions.environments) public var to: String

    @Option(name: .customLong("image"), help: ArgumentHelp("Promote only this image (repeatable).", valueName: "name"))
    public var images: [String] = []

    @Flag(help: "Also add images that FROM holds and TO does not (to the kustomization of their own app in TO).")
    public var add = false

    @Flag(help: "Allow promoting out of the order of promotion: (skipping or going back).")
    public var skipOrder = false

    @OptionGroup public var config: ConfigOption
    @OptionGroup(title: "Output and guards") public var runOptions: RunOptions
    @OptionGroup(title: "Config repo (commit and push)") public var repo: RepoOptions
    @OptionGroup(title: "Merge request / pull request") public var forge: ForgeOptions
    @OptionGroup(title: "Registry") public var registry: RegistryOptions

    public init() {}

    /// The `set` this promotion becomes once FROM's images are known (specs filled in by `resolve`).
    var setCommand: SetCommand {
        // the placeholder spec is replaced in `resolve`
        var s = SetCommand.derived(run: runOptions, repo: repo, forge: forge, registry: registry)
        s.edit.add = add
        s.environments.environment = [to]
        s.environments.config = config
        return s
    }

    public var route: Route { SetCommand.route(repo: repo, forge: forge, run: runOptions, registry: registry) }

    public func validate() throws { var s = setCommand; try s.validate() }

    /// Reads FROM's and TO's images in the repository at `root` and returns the `set` to run there, reaching TO.
    public func resolve(root: String, workingDirectory: String) throws -> RunTarget {
        let config = try self.config.require(root: root, workingDirectory: workingDirectory, for: "promote")
        let (fromEnv, toEnv) = (try config.environment(from), try config.environment(to))
        if fromEnv.branch != toEnv.branch {
            throw Problem(message: "\(from) and \(to) live on different branches (\(fromEnv.branch ?? "the run's branch"), \(toEnv.branch ?? "the run's branch")); promote reads both from one checkout, so it supports environments on one branch only")
        }
        // what each environment runs, bases included, app by app; then what its files hold that no workload in the
        // repository runs (an images: entry for a remote base)
        func held(_ env: Environment) throws -> [HeldImage] {
            let paths = env.paths(root: root), limit = runOptions.maxFileSize.bytes
            let running = try RunningImages.collect(root: root, paths: paths, maxFileSize: limit).map {
                HeldImage($0.found, app: config.app(of: $0.overlay, in: env))
            }
            let seen = Set(running.map { "\($0.app) \($0.image.name)" })
            let written = try Inventory.images(root: root, paths: paths, maxFileSize: limit).map {
                HeldImage($0, app: config.app(of: $0.file, in: env))
            }
            return running + written.filter { !seen.contains("\($0.app) \($0.image.name)") }
        }
        let promotion = try Promotion.plan(config, from: from, to: to, fromImages: try held(fromEnv), toImages: try held(toEnv),
                                           only: images, add: add, skipOrder: skipOrder)
        for h in promotion.notInTarget {
            Console.warning("\(h.image.reference) (\(h.image.place)) is in \(from)\(h.app.isEmpty ? "" : " (app \(h.app))") but not in \(to): not promoted (use --add to add it)")
        }
        var s = setCommand
        s.edit.specs = promotion.specs.map(\.text)
        var addScopes: [String: [String]]?
        s.edit.add = !promotion.additions.isEmpty
        if s.edit.add {
            // an image TO runs from a base (or --add) gets an images: entry in its own app's TO kustomizations only;
            // they are named first, so they count as named with -f (the directories are still searched)
            let paths = toEnv.paths(root: root)
            let kustomizations = paths.compactMap { p in
                let named = isKustomizationFile(p) ? p : nil
                return (Self.kustomization(in: p, root: root) ?? named).map { (file: $0, app: config.app(of: p, in: toEnv)) }
            }
            s.edit.files = kustomizations.map(\.file) + paths
            addScopes = promotion.additions.mapValues { apps in kustomizations.filter { apps.contains($0.app) }.map(\.file) }
        }
        if repo.message == nil { s.repo.message = CommitTemplate.promotion(promotion.summary) }
        var target = s.target(toEnv, root: root)
        target.addScopes = addScopes
        if target.mode == .mergeRequest {
            // one merge request per (environment, images), shared with `set --env`: a re-run with newer versions updates it
            if forge.description == nil { target.command.forge.description = "\(promotion.summary.prefix(1).uppercased())\(promotion.summary.dropFirst()):\n\n{changes}" }
        }
        return target
    }

    /// A refusal before the `set` (the order of promotion, an unknown environment): reported as `set` reports.
    var failure: RunReport {
        var r = RunReport(mode: SetCommand.mode(repo: repo, forge: forge, run: runOptions))
        r.environment = to
        return r
    }

    public func report(_ error: Error, in context: CommandContext) -> Error {
        RunOutput(format: runOptions.output, dotenv: repo.dotenv, context: context).fail(error, report: failure)
    }

    public func run(in context: CommandContext) throws {
        let cwd = context.workingDirectory
        let output = RunOutput(format: runOptions.output, dotenv: repo.dotenv, context: context)
        guard route == .git else {
            let target = try output.reporting(failure) { try resolve(root: ConfigFile.repositoryRoot(from: cwd), workingDirectory: cwd) }
            return try SetCommand.run([target], of: target.command, in: nil, context: context)
        }
        // one checkout: FROM and TO are read in the clone the promotion then edits
        let git = try context.requireGit()
        try output.reporting(failure) {
            try git.withCheckout(repo.access, context: context) { checkout in
                let target = try resolve(root: checkout.root, workingDirectory: cwd)
                try RunOutput.reportsItself { try SetCommand.run([target], of: target.command, in: checkout, context: context) }
            }
        }
    }

    /// `dir/kustomization.yaml` (or .yml, Kustomization) when `path` is a directory holding one.
    static func kustomization(in path: String, root: String) -> String? {
        KustomizeBuild.kustomizationFileName(in: ConfigFile.join(root, path)).map { path == "." ? $0 : path + "/" + $0 }
    }
}
