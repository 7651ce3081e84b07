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

    /// One branch's walk, and the environments that live on it (nil: every environment).
    public struct Branch: Sendable, Equatable {
        public var environments: [String]?
        public var read: HistoryRead
        public init(environments: [String]?, read: HistoryRead) { self.environments = environments; self.read = read }
    }

    /// How a file's image references are read (`ImagePlanner.images`: the rules `set` and `get` use).
    public typealias Parse = (_ file: String, _ bytes: [UInt8]) throws -> [FoundImage]

    /// - Parameter commits: newest first, each child before its parents (as `git log` lists them).
    /// - Parameter config: the environments (their files) and promotion order deployments are attributed by.
    /// - Parameter base: the environments' files before the oldest commit (`HistoryRead.base`).
    public static func derive(_ commits: [HistoryCommit], config: EnvironmentsConfig, base: [String: [UInt8]] = [:]) -> Derived {
        derive([Branch(environments: nil, read: HistoryRead(commits: commits, base: base))], config: config)
    }

    /// The deployments of several branches' walks (environments with a `branch:` of their own), read as one
    /// history in commit time order: a commit two branches share is read once, for the environments of both.
    public static func derive(_ branches: [Branch], config: EnvironmentsConfig, parse: @escaping Parse = { try ImagePlanner.images(file: $0, bytes: $1) }) -> Derived {
        var reader = Reader(parse: parse)
        var state = State()
        var notes: [String] = []
        for b in branches {
            let envs = config.environments.filter { b.environments?.contains($0.name) ?? true }
            for (path, bytes) in b.read.base.sorted(by: { $0.key < $1.key }) {
                for env in envs where env.holds(path) {
                    guard let refs = try? reader.references(bytes, file: path) else { continue }
                    let app = config.app(of: path, in: env)
                    for name in refs.names where state.current[Key(environment: env.name, app: app, image: name)] == nil {
                        state.current[Key(environment: env.name, app: app, image: name)] = refs[name]!.ref
                    }
                }
            }
        }
        var chunks: [[Deployment]] = [] // one per commit, oldest first
        var seen: [String] = [], seenIDs = Set<String>()
        for (c, only) in merged(branches) {
            let trailers = c.trailers
            // what the commit says it undoes (a rollback of several deployments names several), full ids where known
            let undone = (trailers.values(Trailers.rollbackOf).filter(isCommitID) + [Trailers.revertedCommit(message: c.message)].compactMap { $0 })
                .map { named in
                    let n = named.lowercased()
                    return seenIDs.contains(n) ? n : seen.last { $0.hasPrefix(n) } ?? n
                }
            var now: [Deployment] = []
            var updates: [(Key, String?)] = []
            for env in config.environments where only?.contains(env.name) ?? true {
                var changes: [(key: Key, written: String, old: String?, new: String?, file: String)] = []
                for f in c.changes where env.holds(f.path) {
                    do {
                        let old = try reader.references(f.old, file: f.path), new = try reader.references(f.new, file: f.path)
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
                    var d = Deployment(timestamp: c.time, environment: env.name,
                                       app: ch.key.app.isEmpty ? nil : ch.key.app, image: ch.written,
                                       old: ch.old, new: new, files: [ch.file], configCommit: c.id, subject: c.subject,
                                       sourceRepository: trailers[Trailers.sourceRepository], sourceCommit: trailers[Trailers.sourceCommit],
                                       sourcePipeline: trailers[Trailers.sourcePipeline],
                                       sourceCommitTime: trailers[Trailers.sourceCommitTime], kind: .bump)
                    if let first = undone.first {
                        // the named commits that deployed this image here, newest first; else the first named
                        let mine = state.deployed[ch.key, default: []].reversed().filter(undone.contains)
                        d.kind = .rollback
                        d.undoes = mine.isEmpty ? [first] : mine
                    } else if let last = state.last[ch.key], last.old == new, last.new == ch.old {
                        d.kind = .rollback; d.undoes = [last.configCommit] // undoes the previous deployment
                    } else if let from = state.holder(of: new, like: ch.key, config: config) {
                        d.kind = .promotion; d.promotedFrom = from
                    }
                    d.rollbackOf = d.undoes.first
                    now.append(d)
                }
            }
            // applied once the whole commit is read: a commit that sets one value in two environments promotes nothing
            for (key, ref) in updates { state.current[key] = ref }
            for d in now {
                let key = Key(environment: d.environment, app: d.app ?? "", image: normalized(d.image))
                state.last[key] = d
                state.deployed[key, default: []].append(d.configCommit)
            }
            chunks.append(now)
            seen.append(c.id); seenIDs.insert(c.id)
        }
        return Derived(deployments: chunks.reversed().flatMap { $0 }, notes: notes)
    }

    /// The commits of every branch, oldest first, each with the environments it is read for (nil: all): the
    /// branches' lists merged by commit time, each list's own order kept, a shared commit once.
    static func merged(_ branches: [Branch]) -> [(HistoryCommit, Set<String>?)] {
        if branches.count == 1 { return branches[0].read.commits.reversed().map { ($0, branches[0].environments.map(Set.init)) } }
        let lists = branches.map { Array($0.read.commits.reversed()) }
        var heads = lists.map { _ in 0 }
        var out: [(HistoryCommit, Set<String>?)] = []
        var at: [String: Int] = [:]
        while true {
            var pick: Int?
            for i in lists.indices where heads[i] < lists[i].count {
                if pick == nil || lists[i][heads[i]].time < lists[pick!][heads[pick!]].time { pick = i }
            }
            guard let i = pick else { break }
            let c = lists[i][heads[i]]
            heads[i] += 1
            let envs = branches[i].environments.map(Set.init)
            if let j = at[c.id] {
                // each walk kept the files of its own environments
                out[j].1 = out[j].1.flatMap { a in envs.map { a.union($0) } }
                out[j].0.changes += c.changes.filter { f in !out[j].0.changes.contains { $0.path == f.path } }
            } else {
                at[c.id] = out.count
                out.append((c, envs))
            }
        }
        return out
    }

    /// A config commit as a `Rollback-Of:` names it: 7 to 64 hex digits (as `Provenance` writes it).
    static func isCommitID(_ s: String) -> Bool { (7...64).contains(s.count) && s.allSatisfy(\.isHexDigit) }

    struct Key: Hashable {
        var environment: String
        var app: String
        /// The normalised repository.
        var image: String
    }

    struct State {
        var current: [Key: String] = [:]
        var last: [Key: Deployment] = [:]
        /// The config commits of each key's deployments, oldest first.
        var deployed: [Key: [String]] = [:]

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

    /// Reads each version of a file once: the old side of a commit's change is the new side of the previous change
    /// of that path (the same bytes, shared by `ConfigHistory`), so it is parsed once.
    struct Reader {
        let parse: Parse
        var last: [String: (bytes: [UInt8], refs: References)] = [:]

        init(parse: @escaping Parse) { self.parse = parse }

        mutating func references(_ bytes: [UInt8]?, file: String) throws -> References {
            guard let bytes else { return References() }
            if let l = last[file], l.bytes == bytes { return l.refs }
            var r = References()
            for i in try parse(file, bytes) {
                let name = normalized(i.name)
                if r.refs[name] == nil {
                    r.names.append(name)
                    r.refs[name] = (ImageReference.format(name: i.name, tag: i.tag, digest: i.digest), i.name)
                }
            }
            last[file] = (bytes, r)
            return r
        }
    }

    /// The normalised repository of a written image name (the name itself when it is none).
    public static func normalized(_ name: String) -> String { (try? ImageName(parsing: name))?.normalized ?? name }
    static func short(_ id: String) -> String { String(id.prefix(12)) }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] { var seen = Set<Element>(); return filter { seen.insert($0).inserted } }
}
