import ImageRules

/// `imagebump.yaml`: the environments of a config repo (which files, which branch, how a change reaches them) and
/// the order in which builds are promoted through them.
public struct EnvironmentsConfig: Sendable, Equatable {
    /// The config file as named in messages.
    public let file: String
    /// In the order the file lists them.
    public let environments: [Environment]
    /// Environment names, first to last (empty when the file has no `promotion:`).
    public let promotion: [String]

    public init(file: String, environments: [Environment], promotion: [String]) {
        self.file = file; self.environments = environments; self.promotion = promotion
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
    /// How a published change reaches the environment.
    public enum Mode: String, Sendable, CaseIterable { case push, mergeRequest = "merge-request" }

    public let name: String
    /// Files or directories, relative to the config repo's root (normalised: no `.`/`..` components).
    public let files: [String]
    /// Where each of `files` is written in the config file, for messages about it.
    public let fileSites: [Site]
    public let mode: Mode
    /// The branch this environment lives on (a branch per environment); nil: the run's branch.
    public let branch: String?
    public let labels: [String]
    public let reviewers: [String]
    public let assignees: [String]

    public struct Site: Sendable, Equatable { public let line: Int; public let column: Int }

    public init(name: String, files: [String], fileSites: [Site]? = nil, mode: Mode = .push, branch: String? = nil,
                labels: [String] = [], reviewers: [String] = [], assignees: [String] = []) {
        self.name = name; self.files = files; self.fileSites = fileSites ?? files.map { _ in Site(line: 1, column: 1) }
        self.mode = mode; self.branch = branch
        self.labels = labels; self.reviewers = reviewers; self.assignees = assignees
    }
}

extension Environment {
    /// Whether the root-relative `file` is one of the environment's files or lies in one of its directories.
    public func holds(_ file: String) -> Bool {
        files.contains { $0 == "." || file == $0 || file.hasPrefix($0 + "/") }
    }
}
