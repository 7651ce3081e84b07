import ArgumentParser
import ImagebumpKit

/// `--env` of `get`, `history` and `metrics`: which environments to show (rollback's is one, required: its own).
public struct EnvironmentFilter: ParsableArguments {
    public init() {}

    @Option(name: .customLong("env"), help: ArgumentHelp("An environment of imagebump.yaml (repeatable; default: all).", valueName: "name"), completion: Completions.environments)
    public var names: [String] = []

    /// The environments named, checked against `config`; every one of it when none is.
    func resolve(_ config: EnvironmentsConfig) throws -> [String] {
        for e in names { _ = try config.environment(e) }
        return names.isEmpty ? config.environments.map(\.name) : names
    }
}
