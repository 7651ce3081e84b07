import ArgumentParser
import ImagebumpKit
import ImageRules
import Support

/// `--config PATH`, shared by the commands that read `imagebump.yaml`.
public struct ConfigOption: ParsableArguments {
    public init() {}

    @Option(help: ArgumentHelp("The environments file (default: imagebump.yaml or .imagebump.yaml at the repository root).", valueName: "path"))
    public var config: String?

    /// The config of the repository at `root`, nil when it has none and no --config was given.
    /// - Parameter workingDirectory: what a relative --config is resolved against.
    public func load(root: String, workingDirectory: String) throws(Problem) -> EnvironmentsConfig? {
        try Self.load(explicit: config, root: root, workingDirectory: workingDirectory)
    }

    /// The config named with --config (`explicit`), or else found at `root`; nil when there is none.
    /// - Parameter checkFiles: whether every environment's files must exist at `root` (off for a sparse clone).
    static func load(explicit config: String?, root: String, workingDirectory: String, checkFiles: Bool = true) throws(Problem) -> EnvironmentsConfig? {
        guard let path = try ConfigFile.locate(root: root, explicit: config, workingDirectory: workingDirectory) else { return nil }
        // messages name the file as the user knows it: as given, or by its name at the root (never a clone's path)
        let display = config ?? String(path.dropFirst(root.hasSuffix("/") ? root.count : root.count + 1))
        return try ConfigFile.load(path: path, display: display, root: root, checkFiles: checkFiles)
    }

    /// Like `load`, for runs that cannot go on without a config.
    public func require(root: String, workingDirectory: String, for what: String) throws(Problem) -> EnvironmentsConfig {
        guard let c = try load(root: root, workingDirectory: workingDirectory) else {
            throw Problem(message: "\(what) needs \(ConfigFile.names.joined(separator: " or ")) at the root of \(root) (or --config PATH)")
        }
        return c
    }
}
