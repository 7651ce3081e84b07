import ArgumentParser
import ImagebumpKit

/// What shell completion offers beyond ArgumentParser's own (`--output`'s values come from `OutputFormat`): the
/// environments of the imagebump.yaml at the root of the repository around the working directory, and the forges.
enum Completions {
    /// `--env`, and promote's FROM and TO: nothing when there is no imagebump.yaml or it does not parse (a completion
    /// prints no errors).
    static let environments = CompletionKind.custom { _, _, prefix in
        environmentNames().filter { $0.hasPrefix(prefix) }
    }

    static let forges = CompletionKind.list(["gitlab", "github"])

    static func environmentNames() -> [String] {
        let cwd = RepoRoot.currentDirectory()
        let root = ConfigFile.repositoryRoot(from: cwd)
        // the environments' files need not exist to be completed
        guard let config = try? ConfigOption.load(explicit: nil, root: root, workingDirectory: cwd, checkFiles: false) else { return [] }
        return config.environments.map(\.name)
    }
}
