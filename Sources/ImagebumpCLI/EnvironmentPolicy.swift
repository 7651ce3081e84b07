import ImagebumpKit
import ImageRules
import Support

/// imagebump.yaml as a rule for the edit, read from the root of the repository being edited (the clone): a run must
/// name what it changes (`-f` or `--env`), and a file of an environment with `mode: merge-request` only changes
/// through a merge request into that environment's branch, never through a direct push. The config is the one at
/// the root of the repository holding the edit's root (a local run may start in a subdirectory).
public struct EnvironmentPolicy: ChangePolicy {
    /// --config, nil: imagebump.yaml (or .imagebump.yaml) at the root.
    public let explicit: String?
    /// What a relative --config is resolved against.
    public let workingDirectory: String

    public init(explicit: String?, workingDirectory: String) { self.explicit = explicit; self.workingDirectory = workingDirectory }

    public var readPaths: [String] { explicit == nil ? ConfigFile.names : [] }

    private func load(_ root: String) -> Result<EnvironmentsConfig?, Problem> {
        let root = ConfigFile.repositoryRoot(from: root)
        do { return .success(try ConfigOption.load(explicit: explicit, root: root, workingDirectory: workingDirectory, checkFiles: false)) } catch { return .failure(error) }
    }

    public func scopeProblems(root: String, paths: [String]) -> [Problem] {
        guard paths.isEmpty else { return [] }
        switch load(root) {
        case .failure(let p): return [p]
        case .success(nil): return []
        case .success(let c?):
            return [Problem(message: "no -f and no --env: \(c.file) has the environments \(c.environments.map(\.name).joined(separator: ", ")); name one with --env (or the files to change with -f)")]
        }
    }

    public func apps(root: String) -> AppMap? {
        guard case .success(let config?) = load(root) else { return nil }
        return AppMap(config: config, prefix: Self.prefix(root))
    }

    /// `root` relative to the root of its repository, "" or ending in `/`: the files as imagebump.yaml names them.
    static func prefix(_ root: String) -> String {
        let repoRoot = ConfigFile.repositoryRoot(from: root)
        return root == repoRoot ? "" : String(root.dropFirst(repoRoot.count).drop { $0 == "/" }) + "/"
    }

    /// Each change the environment holding its file does not take (`Environment.ImagePolicy`), at the change's line.
    public func refusals(changes: [PlannedChange], root: String) -> [Problem] {
        guard case .success(let config?) = load(root) else { return [] } // a config that cannot be read is refused elsewhere
        let prefix = Self.prefix(root)
        return changes.compactMap { c in
            for env in config.environments where !env.images.isEmpty && env.holds(prefix + c.file) {
                if let why = env.images.refusal(of: c, env: env.name, configFile: config.file) {
                    return Problem(file: c.file, line: c.line, message: why)
                }
            }
            return nil
        }
    }

    public func refusals(changedFiles files: [String], root: String, delivery: Delivery) -> [Problem] {
        let config: EnvironmentsConfig
        switch load(root) {
        case .failure(let p): return [p]
        case .success(nil): return []
        case .success(let c?): config = c
        }
        let prefix = Self.prefix(root)
        let files = files.map { prefix + $0 }
        var out: [Problem] = []
        for env in config.environments where env.mode == .mergeRequest {
            let held = files.filter(env.holds)
            guard let first = held.first else { continue }
            let what = PathQuoting.quoted(first) + (held.count > 1 ? " (and \(held.count - 1) more file\(held.count == 2 ? "" : "s"))" : "")
            let why: String
            switch delivery {
            case .push(let branch):
                why = "a direct push to \(branch) is refused"
            case .mergeRequest(let target):
                guard let branch = env.branch, branch != target else { continue }
                why = "a merge request into \(target) is refused (\(env.name) lives on \(branch))"
            }
            out.append(Problem(message: "\(what) belongs to environment \(env.name), which \(config.file) puts behind a merge request (mode: merge-request): \(why); change it with --env \(env.name), which opens its merge request"))
        }
        return out
    }
}
