import ImageRules

/// The deployments a config repo's history records, derived from its commits alone (no disk, no network): the image
/// values each environment's files hold before and after every commit, read with the rules `set` and `get` use, so
/// that hand edits and sed commits count as much as imagebump's own.
public enum Deployments {
    public struct Derived: Sendable, Equatable {
        /// Newest first.
        public var deployments: [Deployment]
        /// Files that could not be read in some commit (skipped there), one line each.
        public var notes: [String]
    }

    /// - Parameter commits: newest first, each child before its parents (as `git log` lists them).
    /// - Parameter config: the environments (their files) and promotion order deployments are attributed by.
    public static func derive(_ commits: [HistoryCommit], config: EnvironmentsConfig) -> Derived {
        var state = State()
        var chunks: [[Deployment]] = [] // one per commit, oldest first
        var notes: [String] = []
        var seen: [String] = []
        for c in commits.reversed() {
            let trailers = c.trailers
            // what the commit says it undoes (a rollback of several images may name several commits), full ids where known
            let undone = (trailers.values(Trailers.rollbackOf) + [Trailers.revertedCommit(message: c.message)].compactMap { $0 })
                .map { named in seen.last { $0.hasPrefix(named.lowercased()) } ?? named }
            var now: [Deployment] = []
            var updates: [(Key, String?)] = []
            for env in config.environments {
                var changes: [(key: Key, written: String, old: String?, new: String?, file: String)] = []
                for f in c.changes where env.holds(f.path) {
                    do {
                        let old = try references(f.old, file: f.path), new = try references(f.new, file: f.path)
                        let app = config.app(of: f.path, in: env)
                        for name in (old.names + new.names).uniqued() where old[name]?.ref != new[name]?.ref {
                            let written = new[name]?.written ?? old[name]!.written
                            changes.append((Key(environment: env.name, app: app, image: name), written, old[name]?.ref, new[name]?.ref, f.path))
                        }
                    } catch {
                        notes.append("\(short(c.id)): \(error); \(PathQuoting.quoted(f.path)) skipped in this commit")
                    }
                }
                for ch in changes {
                    // one deployment per image and change, whichever of the environment's files it was made in
                    if let i = now.firstIndex(where: { $0.environment == env.name && ($0.app ?? "") == ch.key.app
                                                 && normalized($0.image) == ch.key.image && $0.old == ch.old && $0.new == ch.new }) {
                        if !now[i].files.contains(ch.file) { now[i].files.append(ch.file) }
                        continue
                    }
                    updates.append((ch.key, ch.new))
                    guard let new = ch.new else { continue } // removed: no deployment
                    var d = Deployment(time: Timestamp.iso(c.time), timestamp: c.time, environment: env.name,
                                       app: ch.key.app.isEmpty ? nil : ch.key.app, image: ch.written,
                                       old: ch.old, new: new, files: [ch.file], configCommit: c.id, subject: c.subject,
                                       sourceRepository: trailers[Trailers.sourceRepository], sourceCommit: trailers[Trailers.sourceCommit],
                                       sourcePipeline: trailers[Trailers.sourcePipeline],
                                       sourceCommitTime: trailers[Trailers.sourceCommitTime], kind: .bump)
                    if let first = undone.first {
                        d.kind = .rollback
                        let previous = state.last[ch.key]?.configCommit
                        d.rollbackOf = undone.first { $0 == previous } ?? first
                    } else if let last = state.last[ch.key], last.old == new, last.new == ch.old {
                        d.kind = .rollback; d.rollbackOf = last.configCommit // undoes the previous deployment
                    } else if let from = state.holder(of: new, like: ch.key, config: config) {
                        d.kind = .promotion; d.promotedFrom = from
                    }
                    now.append(d)
                }
            }
            // applied once the whole commit is read: a commit that sets one value in two environments promotes nothing
            for (key, ref) in updates { state.current[key] = ref }
            for d in now { state.last[Key(environment: d.environment, app: d.app ?? "", image: normalized(d.image))] = d }
            chunks.append(now)
            seen.append(c.id)
        }
        return Derived(deployments: chunks.reversed().flatMap { $0 }, notes: notes)
    }

    struct Key: Hashable {
        var environment: String
        var app: String
        /// The normalised repository.
        var image: String
    }

    struct State {
        var current: [Key: String] = [:]
        var last: [Key: Deployment] = [:]

        /// The environment that runs `ref` for the same app and image before this commit: the one before `key`'s in
        /// the promotion order when it does, else the first in the file that does.
        func holder(of ref: String, like key: Key, config: EnvironmentsConfig) -> String? {
            let holders = config.environments.map(\.name).filter { e in
                e != key.environment && current[Key(environment: e, app: key.app, image: key.image)] == ref
            }
            if let i = config.promotion.firstIndex(of: key.environment), i > 0, holders.contains(config.promotion[i - 1]) {
                return config.promotion[i - 1]
            }
            return holders.first
        }
    }

    /// A file's references by normalised repository (the first of each), in file order.
    struct References {
        var names: [String] = []
        var refs: [String: (ref: String, written: String)] = [:]
        subscript(_ name: String) -> (ref: String, written: String)? { refs[name] }
    }

    static func references(_ bytes: [UInt8]?, file: String) throws -> References {
        var r = References()
        guard let bytes else { return r }
        for i in try ImagePlanner.images(file: file, bytes: bytes) {
            let name = normalized(i.name)
            if r.refs[name] == nil {
                r.names.append(name)
                r.refs[name] = (ImageReference.format(name: i.name, tag: i.tag, digest: i.digest), i.name)
            }
        }
        return r
    }

    /// The normalised repository of a written image name (the name itself when it is none).
    public static func normalized(_ name: String) -> String { (try? ImageName(parsing: name))?.normalized ?? name }
    static func short(_ id: String) -> String { String(id.prefix(12)) }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] { var seen = Set<Element>(); return filter { seen.insert($0).inserted } }
}
