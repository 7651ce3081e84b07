import ImageRules
import Support

/// `imagebump.yaml`: the environments of a config repo (which files, which branch, how a change reaches them) and
/// the order in which builds are promoted through them.
public struct EnvironmentsConfig: Sendable, Equatable {
    /// The config file as named in messages.
    public let file: String
    /// In the order the file lists them.
    public let environments: [Environment]
    /// Environment names, first to last (empty when the file has no `promotion:`).
    public let promotion: [String]
    /// The apps of a multi-app repository (`apps:`), empty when the file has none.
    public let apps: [App]

    public init(file: String, environments: [Environment], promotion: [String], apps: [App] = []) {
        self.file = file; self.environments = environments; self.promotion = promotion; self.apps = apps
    }

    public subscript(name: String) -> Environment? { environments.first { $0.name == name } }

    /// The environment called `name`, or an error listing the ones there are.
    public func environment(_ name: String) throws(Problem) -> Environment {
        guard let e = self[name] else {
            throw Problem(message: "no environment \(name) in \(file) (it has: \(environments.map(\.name).joined(separator: ", ")))")
        }
        return e
    }

    /// Checks that promoting `from` → `to` follows `promotion:` step by step. Without `promotion:` any pair is allowed.
    public func checkOrder(from: String, to: String, skipOrder: Bool) throws(Problem) {
        _ = try environment(from); _ = try environment(to)
        if from == to { throw Problem(message: "cannot promote \(from) to itself") }
        guard !promotion.isEmpty, !skipOrder else { return }
        guard let i = promotion.firstIndex(of: from), let j = promotion.firstIndex(of: to) else {
            let missing = promotion.contains(from) ? to : from
            throw Problem(message: "\(missing) is not in promotion: [\(promotion.joined(separator: ", "))] of \(file) (use --skip-order to promote anyway)")
        }
        if j != i + 1 {
            let path = promotion.joined(separator: " → ")
            let why = j <= i ? "goes backwards" : "skips \(promotion[(i + 1)..<j].joined(separator: ", "))"
            throw Problem(message: "promoting \(from) → \(to) \(why) in the promotion order \(path) of \(file) (use --skip-order to promote anyway)")
        }
    }
}

/// One environment of `environments:`.
public struct Environment: Sendable, Equatable {
    /// The `mode:` values: how a published change reaches the environment (`RunMode.reaching`).
    public static let modes: [RunMode] = [.push, .mergeRequest]

    public let name: String
    /// Files or directories, relative to the config repo's root (normalised: no `.`/`..` components); may hold
    /// globs (`*`, `**`: `PathPattern`).
    public let files: [String]
    /// Where each of `files` is written in the config file, for messages about it.
    public let fileSites: [Site]
    /// `.push` or `.mergeRequest`.
    public let mode: RunMode
    /// The branch this environment lives on (a branch per environment); nil: the run's branch.
    public let branch: String?
    public let labels: [String]
    public let reviewers: [String]
    public let assignees: [String]
    /// Which image references the environment accepts (`requireDigest`, `allowedRegistries`).
    public var images = ImagePolicy()
    /// The tag policies `imagebump update` follows (`update:`).
    public var update = UpdatePolicies()

    public struct Site: Sendable, Equatable { public let line: Int; public let column: Int }

    public init(name: String, files: [String], fileSites: [Site]? = nil, mode: RunMode = .push, branch: String? = nil,
                labels: [String] = [], reviewers: [String] = [], assignees: [String] = []) {
        self.name = name; self.files = files; self.fileSites = fileSites ?? files.map { _ in Site(line: 1, column: 1) }
        self.mode = mode; self.branch = branch
        self.labels = labels; self.reviewers = reviewers; self.assignees = assignees
    }
}

extension Environment {
    /// The name as it appears in report keys (`IMAGEBUMP_<KEY>_CHANGED` in the dotenv report): ASCII letters
    /// upper-cased, ASCII digits kept, every other character `_`. Two environments of one file never share a key.
    public static func reportKey(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { s in
            switch s {
            case "a"..."z": Unicode.Scalar(s.value - 32)!
            case "A"..."Z", "0"..."9": s
            default: "_"
            }
        }))
    }

    /// `files` as patterns (`apps/*/overlays/dev`).
    public var patterns: [PathPattern] { files.map(PathPattern.init) }

    /// Whether the root-relative `file` is one of the environment's files or lies in one of its directories (globs
    /// matched, not expanded: a sparse clone may not hold the others).
    public func holds(_ file: String) -> Bool { patterns.contains { $0.holds(file) } }

    /// The environment's files in the repository at `root`, globs expanded (sorted), each path once.
    public func paths(root: String) -> [String] {
        var seen = Set<String>()
        return patterns.flatMap { $0.isGlob ? $0.expand(root: root).map(\.path) : [$0.text] }.filter { seen.insert($0).inserted }
    }
}

/// One app of `apps:`: the files that are its manifests in every environment (its base and overlays).
public struct App: Sendable, Equatable {
    public let name: String
    public let files: [String]
    public init(name: String, files: [String]) { self.name = name; self.files = files }
}

extension EnvironmentsConfig {
    /// The app the root-relative `path` (an overlay, a file) of environment `env` belongs to: the `apps:` entry whose
    /// files hold it; without `apps:`, what the wildcards of env's pattern matched (`apps/*/overlays/dev` gives
    /// `sample-app` for `apps/sample-app/overlays/dev`); "" when neither tells (one app for the whole environment).
    public func app(of path: String, in env: Environment) -> String {
        if !apps.isEmpty { return apps.first { $0.files.contains { PathPattern($0).holds(path) } }?.name ?? "" }
        for p in env.patterns where p.isGlob { if let c = p.capture(holding: path) { return c } }
        return ""
    }

    /// The app the repository-relative `path` belongs to in any environment: the `apps:` entry whose files hold it,
    /// else the non-empty capture of the first environment glob that holds it; nil when neither places it.
    public func app(holding path: String) -> String? {
        if !apps.isEmpty { return apps.first { $0.files.contains { PathPattern($0).holds(path) } }?.name }
        for env in environments {
            for p in env.patterns where p.isGlob { if let c = p.capture(holding: path), !c.isEmpty { return c } }
        }
        return nil
    }
}
