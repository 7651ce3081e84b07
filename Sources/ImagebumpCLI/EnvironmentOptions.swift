import ArgumentParser
import ImagebumpKit
import ImageRules
import Support

/// `--env` and `--config`: where a run's files, branch and mode come from.
public struct EnvironmentOptions: ParsableArguments {
    public init() {}

    @Option(name: .customLong("env"), help: ArgumentHelp("An environment of imagebump.yaml: its files (paths are then relative to the repository root), branch and mode (merge-request turns --push into a merge request). Repeatable, or a comma list: each environment is reached its own way, with one report entry each. -f, --branch and merge request options given here win.", valueName: "name"), completion: Completions.environments)
    public var environment: [String] = []

    @OptionGroup public var config: ConfigOption

    /// The environments named with --env (`--env dev,staging --env production`), in order, each once.
    public var names: [String] {
        var seen = Set<String>()
        // names hold no blanks (imagebump.yaml allows letters, digits, '.', '_', '-'): `dev, staging` is two
        return environment.flatMap { $0.split(separator: ",") }.map { String($0.filter { $0 != " " && $0 != "\t" }) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// The environments named with --env, from the config of the repository at `root`; empty without --env.
    public func resolve(root: String, workingDirectory: String) throws(Problem) -> [Environment] {
        let names = self.names
        guard !names.isEmpty else { return [] }
        let config = try config.require(root: root, workingDirectory: workingDirectory, for: "--env \(names.joined(separator: ","))")
        var out: [Environment] = []
        for n in names { out.append(try config.environment(n)) }
        return out
    }

    public func validate() throws {
        if !environment.isEmpty && names.isEmpty { throw ValidationError("--env needs an environment name") }
    }
}

/// One part of a run once imagebump.yaml is read: the `set` to run, the environment it reaches and how (`mode`).
/// With an environment, the command's paths are relative to the repository root (as imagebump.yaml's are);
/// without one, to the working directory.
public struct RunTarget {
    public var environment: String?
    public var command: SetCommand
    /// How this target is reached: the command's mode as the environment's `mode:` turns it (`RunMode.reaching`).
    public var mode: RunMode
    /// With `--add`: where each image may be added (`SetRequest.addScopes`); nil: any named kustomization.
    public var addScopes: [String: [String]]?
    /// A rollback: the config commits it undoes, written as `Rollback-Of:` trailers.
    public var rollbackOf: [String] = []
    /// What the registries said of the run's images (`--verify`, `--pin-digest`), for the report; nil: not asked.
    public var images: [ResolvedImage]?

    public init(environment: String?, command: SetCommand, mode: RunMode? = nil, addScopes: [String: [String]]? = nil) {
        self.environment = environment; self.command = command; self.mode = mode ?? command.mode; self.addScopes = addScopes
    }

    /// The edit this target asks for, its paths relative to `root`.
    public func request(_ specs: [ImageSpec], root: String) -> SetRequest {
        var r = command.edit.request(specs, root: root)
        r.addScopes = addScopes
        return r
    }
}

extension SetCommand {
    /// The target `env` makes of this command: its files unless -f was given (globs expanded in the repository at
    /// `root`), its branch unless --branch was, the mode its `mode:` turns this run's into, and its merge request
    /// options unless given.
    public func target(_ env: Environment, root: String) -> RunTarget {
        var c = self
        if c.edit.files.isEmpty { c.edit.files = env.paths(root: root) }
        if c.repo.branch == nil { c.repo.branch = env.branch }
        let mr = env.mergeRequestOptions(labels: forge.label, reviewers: forge.reviewer, assignees: forge.assignee)
        c.forge.label = mr.labels; c.forge.reviewer = mr.reviewers; c.forge.assignee = mr.assignees
        c.environments.environment = [] // applied: the target names it
        return RunTarget(environment: env.name, command: c, mode: mode.reaching(env.mode))
    }

    /// The targets of this run, the `--env` environments read from the repository at `root` (the checkout the run
    /// edits), one each in the order named; without --env, the command itself.
    public func targets(root: String, workingDirectory: String) throws(Problem) -> [RunTarget] {
        let envs = try environments.resolve(root: root, workingDirectory: workingDirectory)
        return envs.isEmpty ? [RunTarget(environment: nil, command: self)] : envs.map { target($0, root: root) }
    }
}
