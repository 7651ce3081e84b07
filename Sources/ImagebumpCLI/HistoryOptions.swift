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

    /// imagebump.yaml and the deployments its environments' files record in `checkout`: each environment read on
    /// its `branch:`, the others on the run's (`branch`; default: the branch a clone was made from, a local
    /// checkout's HEAD). The files a commit left unreadable are warned about here.
    func deployments(in checkout: ConfigCheckout, branch: String?, context: CommandContext, for what: String) throws -> (Deployments.Derived, EnvironmentsConfig) {
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
        let branches = try groups.map { g in
            let read = try git.history(in: checkout, branch: g.branch, holds: { p in g.environments.contains { $0.holds(p) } }, since: since)
            if let b = read.boundary {
                Console.warning("\(g.branch ?? "HEAD"): the history read ends at a shallow clone's oldest commit, \(b.id.prefix(12)) (\(Timestamp.iso(b.time))): deployments before it are not known (git fetch --unshallow, or GIT_DEPTH: 0 on GitLab)")
            }
            return Deployments.Branch(environments: groups.count == 1 ? nil : g.environments.map(\.name), read: read)
        }
        let derived = Deployments.derive(branches, config: config)
        // the files some commit left unreadable, said once, as they are read, whatever the command does with them
        for w in derived.notes { Console.warning(w) }
        return (derived, config)
    }

    /// `deployments` in the checkout `repo` names (the repository around the working directory by default; a URL
    /// is cloned read-only and removed afterwards).
    func withDeployments<T>(_ repo: RepoAccessOptions, context: CommandContext, for what: String,
                            _ body: (Deployments.Derived, EnvironmentsConfig) throws -> T) throws -> T {
        try context.requireGit().withCheckout(repo, context: context) { checkout in
            let (derived, config) = try deployments(in: checkout, branch: repo.branch, context: context, for: what)
            return try body(derived, config)
        }
    }
}

/// How many entries to show: 0 for all.
public struct Count: BoundedInteger {
    public static let range = 0...1_000_000
    public let value: Int
    public init(uncheckedValue: Int) { value = uncheckedValue }
}
