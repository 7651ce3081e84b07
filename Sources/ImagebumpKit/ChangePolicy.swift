import ImageRules
import Support

/// How a planned change reaches its branch: what a policy about the repository allows or refuses.
public enum Delivery: Sendable, Equatable {
    /// Committed and pushed straight to `branch`.
    case push(branch: String)
    /// Pushed to a bot branch and proposed by a merge request into `target`.
    case mergeRequest(target: String)
}

/// A rule the repository being edited sets for the edit (imagebump.yaml's environments), read from that repository's
/// root — the clone for git runs — and checked before anything is written.
public protocol ChangePolicy: Sendable {
    /// Files at the root the policy reads (a sparse clone must check them out).
    var readPaths: [String] { get }
    /// Problems with what the run is scoped to, before any file is read; `paths` are the `-f` paths (empty: the whole root).
    func scopeProblems(root: String, paths: [String]) -> [Problem]
    /// Refusals of changes to `files` (root-relative, in order) delivered as `delivery`.
    func refusals(changedFiles files: [String], root: String, delivery: Delivery) -> [Problem]
    /// The apps of the repository holding `root` (nil: the policy tells none apart), for `--add` (`AddScope`).
    func apps(root: String) -> AppMap?
    /// Refusals of the references `changes` would write (an environment's `requireDigest`, `allowedRegistries`),
    /// whatever the mode: a local write and a preview are refused as a push would be.
    func refusals(changes: [PlannedChange], root: String) -> [Problem]
}

extension ChangePolicy {
    public func apps(root: String) -> AppMap? { nil }
    public func refusals(changes: [PlannedChange], root: String) -> [Problem] { [] }
}

/// The apps of the repository a policy reads (imagebump.yaml's `apps:`, or what its environments' globs tell apart),
/// for paths relative to the edit's root.
public struct AppMap: Sendable {
    public let config: EnvironmentsConfig
    /// The edit's root relative to the repository's ("" or `sub/`): imagebump.yaml names paths from the repository's.
    public let prefix: String
    public init(config: EnvironmentsConfig, prefix: String) { self.config = config; self.prefix = prefix }

    /// The app the root-relative `path` belongs to; nil when the config places it in none.
    public func app(of path: String) -> String? { config.app(holding: prefix + path) }
}
