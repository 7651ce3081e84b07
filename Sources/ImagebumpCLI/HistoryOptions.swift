import ArgumentParser
import ImagebumpKit
import ImageRules

/// What `history`, `rollback` and `metrics` read of the config repo's history: how far back, which images, from
/// which imagebump.yaml. (The repository options are each command's: read-only for history, set's for rollback.)
public struct HistoryOptions: ParsableArguments {
    public init() {}

    @Option(name: .customLong("image"), help: ArgumentHelp("Only this image (repeatable).", valueName: "name"))
    public var images: [String] = []

    @Option(help: ArgumentHelp("Read only commits made since then: a date (2026-03-01), a time (2026-03-01T12:00:00Z, or with an offset), or an age (90d, 12h, 2w).", valueName: "date"))
    public var since: String?

    @OptionGroup public var config: ConfigOption

    public func validate() throws {
        for i in images where (try? ImageName(parsing: i)) == nil { throw ValidationError("--image \(i): not an image name") }
        if let since, Timestamp.parse(since, now: 0) == nil {
            throw ValidationError("--since \(since): give a date (2026-03-01), a time (2026-03-01T12:00:00Z) or an age (90d, 12h, 2w)")
        }
    }

    /// The normalised repositories of --image.
    public var normalizedImages: [String] { images.compactMap { try? ImageName(parsing: $0).normalized } }

    /// --since as seconds since the epoch, an age taken back from `now`.
    public func sinceTime(now: Int64) -> Int64? { since.flatMap { Timestamp.parse($0, now: now) } }

    /// What was read of the history: the deployments, imagebump.yaml, and each branch's walk with its environments.
    struct Read {
        var derived: Deployments.Derived
        var config: EnvironmentsConfig
        var branches: [(name: String?, environments: [String], read: HistoryRead)]
    }

    /// imagebump.yaml and the deployments its environments' files record in `checkout`: each environment read on
    /// its `branch:`, the others on the run's (`branch`; default: the branch a clone was made from, a local
    /// checkout's HEAD). `depth`: how deep a clone is (nil: whole).
    func read(in checkout: ConfigCheckout, branch: String?, depth: Int?, context: CommandContext, for what: String) throws -> Read {
        let git = try context.requireGit()
        let config = try self.config.require(root: checkout.root, workingDirectory: context.workingDirectory, for: what)
        // a clone was made from `branch`: its HEAD
        let run = checkout.repository == nil ? branch : nil
        var groups: [(branch: String?, environments: [Environment])] = []
        for e in config.environments {
            let b = e.branch == branch ? run : e.branch ?? run
            if let i = groups.firstIndex(where: { $0.branch == b }) { groups[i].environments.append(e) } else { groups.append((b, [e])) }
        }
        let since = sinceTime(now: context.now)
        let reads = try groups.map { g in
            (name: g.branch, environments: g.environments.map(\.name),
             read: try git.history(in: checkout, branch: g.branch, holds: { p in g.environments.contains { $0.holds(p) } }, since: since, depth: depth))
        }
        let derived = Deployments.derive(reads.map { Deployments.Branch(environments: reads.count == 1 ? nil : $0.environments, read: $0.read) }, config: config)
        return Read(derived: derived, config: config, branches: reads)
    }

    /// Whether `r` holds what is asked although a walk ended at a shallow clone's boundary: each such branch has
    /// `limit` deployments that `matching` keeps (none is enough without a limit: --since was not reached).
    static func holdsEnough(_ r: Read, limit: Int?, matching: (Deployment) -> Bool) -> Bool {
        r.branches.allSatisfy { b in
            guard b.read.boundary != nil else { return true }
            guard let limit else { return false }
            var found = 0
            for d in r.derived.deployments where b.environments.contains(d.environment) && matching(d) {
                found += 1
                if found >= limit { return true }
            }
            return false
        }
    }

    /// The first depth a bounded read (--since, --limit) clones a URL at; each retry clones 8 times deeper, past
    /// `maxDepth` the whole history.
    static let firstDepth = 64, maxDepth = 4096

    /// Runs `body` with the deployments of the config repo `repo` names, in its checkout (the repository around the
    /// working directory by default; a URL is cloned and removed afterwards). A URL is read as far as asked, not
    /// whole, when --since or `limit` bounds the read: cloned `firstDepth` commits deep, and again deeper while the
    /// walk ends at the clone's boundary before a commit older than --since (or `limit` deployments that `matching`
    /// keeps). The warnings (unreadable files, a local checkout's shallow boundary) are printed once, for the read
    /// `body` gets.
    func withHistory<T>(_ repo: RepoAccessOptions, limit: Int? = nil, matching: (Deployment) -> Bool = { _ in true },
                        context: CommandContext, for what: String,
                        _ body: (ConfigCheckout, Deployments.Derived, EnvironmentsConfig) throws -> T) throws -> T {
        let git = try context.requireGit()
        var depth: Int? = since != nil || limit != nil ? Self.firstDepth : nil
        while true {
            let outcome = try git.withHistoryCheckout(repo, depth: depth, context: context) { checkout -> T? in
                let r = try read(in: checkout, branch: repo.branch, depth: depth, context: context, for: what)
                if checkout.repository != nil, depth != nil, !Self.holdsEnough(r, limit: limit, matching: matching) { return nil }
                for b in r.branches {
                    guard let end = b.read.boundary else { continue }
                    Console.warning("\(b.name ?? "HEAD"): the history read ends at a shallow clone's oldest commit, \(end.id.prefix(12)) (\(Timestamp.iso(end.time))): deployments before it are not known (git fetch --unshallow, or GIT_DEPTH: 0 on GitLab)")
                }
                // the files some commit left unreadable, said once, whatever the command does with them
                for w in r.derived.notes { Console.warning(w) }
                return .some(try body(checkout, r.derived, r.config))
            }
            // nil: not deep enough (a T that is itself optional is .some(nil) here)
            if let value = outcome { return value }
            depth = depth.flatMap { $0 >= Self.maxDepth ? nil : $0 * 8 }
        }
    }

    /// `withHistory` for a command that only reads.
    func withDeployments<T>(_ repo: RepoAccessOptions, limit: Int? = nil, matching: (Deployment) -> Bool = { _ in true },
                            context: CommandContext, for what: String,
                            _ body: (Deployments.Derived, EnvironmentsConfig) throws -> T) throws -> T {
        try withHistory(repo, limit: limit, matching: matching, context: context, for: what) { _, derived, config in try body(derived, config) }
    }
}

/// How many entries to show: 0 for all.
public struct Count: BoundedInteger {
    public static let range = 0...1_000_000
    public let value: Int
    public init(uncheckedValue: Int) { value = uncheckedValue }
}
