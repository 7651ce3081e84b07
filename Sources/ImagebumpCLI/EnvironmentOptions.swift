import ArgumentParser
import Environments
import ImageRules
import ImagebumpKit

/// `--env` and `--config`: where a run's files, branch and mode come from.
public struct EnvironmentOptions: ParsableArguments {
    public init() {}

    @Option(name: .customLong("env"), help: ArgumentHelp("An environment of imagebump.yaml: its files (paths are then relative to the repository root), branch and mode (merge-request turns --push into a merge request). -f, --branch and merge request options given here win.", valueName: "name"))
    public var environment: String?

    @OptionGroup public var config: ConfigOption

    /// The environment named with --env, from the config of the repository at `root`; nil without --env.
    public func resolve(root: String, workingDirectory: String) throws(Problem) -> Environment? {
        guard let name = environment else { return nil }
        return try config.require(root: root, workingDirectory: workingDirectory, for: "--env \(name)").environment(name)
    }
}

extension SetCommand {
    /// How the run was asked to publish, before an environment's mode is applied.
    var asked: Publishing {
        if edit.dryRun || edit.check { return .none } // previews publish nothing, whatever the environment's mode
        if forge.mergeRequest { return .mergeRequest }
        if repo.push { return .commit(push: true) }
        if repo.commit || repo.repo != nil { return .commit(push: false) }
        return .none
    }

    /// This command with `env` applied: its files unless -f was given, its branch unless --branch was, a merge request
    /// when its mode turns this run's publishing into one, and its merge request options unless given.
    public func applying(_ env: Environment) -> SetCommand {
        var c = self
        if c.edit.files.isEmpty { c.edit.files = env.files }
        if c.repo.branch == nil { c.repo.branch = env.branch }
        if env.publishing(asked) == .mergeRequest && !forge.mergeRequest {
            c.forge.mergeRequest = true
            c.repo.push = false
            c.repo.commit = false
        }
        let mr = env.mergeRequestOptions(labels: forge.label, reviewers: forge.reviewer, assignees: forge.assignee)
        c.forge.label = mr.labels; c.forge.reviewer = mr.reviewers; c.forge.assignee = mr.assignees
        c.environments.environment = nil // applied
        return c
    }

    /// `applying` the `--env` environment read from the repository at `root` (the checkout the run edits).
    public func applyingEnvironment(root: String, workingDirectory: String) throws(Problem) -> SetCommand {
        guard let env = try environments.resolve(root: root, workingDirectory: workingDirectory) else { return self }
        return applying(env)
    }
}
