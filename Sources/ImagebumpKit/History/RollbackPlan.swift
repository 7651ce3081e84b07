import ImageRules
import Support

/// Which earlier image `imagebump rollback` sets an environment back to, from its deployments (pure).
public enum RollbackPlan {
    /// `--to`: N deployments back, the state right after a config commit, or a version deployed before.
    public enum Target: Sendable, Equatable {
        case back(Int), commit(String), version(String)

        /// A commit id (7 to 40 hex digits) that starts a commit of `commits`; else a count of 1 to 999; else a
        /// version (a tag, `@digest` or a whole reference).
        public init(parsing text: String, commits: [String]) {
            let lower = text.lowercased()
            if (7...40).contains(lower.count), lower.allSatisfy(\.isHexDigit), let id = commits.first(where: { $0.hasPrefix(lower) }) {
                self = .commit(id)
            } else if text.count <= 3, let n = Int(text), n > 0 {
                self = .back(n)
            } else {
                self = .version(text)
            }
        }
    }

    /// One image to set back.
    public struct Step: Sendable, Equatable {
        public var app: String?
        public var image: String
        public var current: String
        public var target: String
        /// The config commits of the deployments being undone, newest first: the newest of this image, and with
        /// `--to N` (or an older commit or version) every one after the image set back to.
        public var rollbackOf: [String]
        public var files: [String]
    }

    /// - Parameter deployments: newest first (`Deployments.derive`), of every environment.
    /// - Parameter images: normalised repositories; empty: the images the environment's newest deployment commit
    ///   changed (`.back`, `.version`: matching ones), every image (`.commit`).
    public static func plan(_ deployments: [Deployment], environment: String, images: [String], to: Target?) throws(Problem) -> [Step] {
        let mine = deployments.filter { $0.environment == environment }
        guard let newest = mine.first else { throw Problem(message: "no deployments of \(environment) in the history read") }
        // one list per (app, image), newest first
        var order: [String] = []
        var groups: [String: [Deployment]] = [:]
        for d in mine {
            let key = "\(d.app ?? "")\u{0}\(Deployments.normalized(d.image))"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(d)
        }
        var lists = order.map { groups[$0]! }
        if !images.isEmpty {
            lists = lists.filter { images.contains(Deployments.normalized($0[0].image)) }
            if lists.isEmpty { throw Problem(message: "no deployments of \(images.joined(separator: ", ")) in \(environment)") }
        }
        let target = to ?? .back(1)
        var steps: [Step] = []
        for list in lists {
            let current = list[0]
            let value: String?
            var undone = 1 // how many of `list` (newest first) going back undoes
            switch target {
            case .back(let n):
                if images.isEmpty && current.configCommit != newest.configCommit { continue }
                guard list.count >= n, let old = list[n - 1].old else {
                    throw Problem(message: "\(current.image) has \(list.count) deployment\(list.count == 1 ? "" : "s") in \(environment) in the history read; cannot go \(n) back")
                }
                value = old; undone = n
            case .commit(let id):
                // the newest deployment at or before the commit: mine is newest first, so after the commit's position
                guard let at = mine.firstIndex(where: { $0.configCommit == id }) else {
                    throw Problem(message: "commit \(id.prefix(12)) deployed nothing to \(environment)")
                }
                let i = list.firstIndex { d in mine.firstIndex(of: d)! >= at }
                value = i.map { list[$0].new }; undone = i ?? 0
            case .version(let v):
                let i = list.indices.dropFirst().first { matches(list[$0].new, version: v) }
                value = i.map { list[$0].new }; undone = i ?? 0
            }
            guard let value, value != current.new else { continue }
            steps.append(Step(app: current.app, image: current.image, current: current.new, target: value,
                              rollbackOf: list.prefix(undone).map(\.configCommit), files: current.files))
        }
        if steps.isEmpty {
            switch target {
            case .version(let v) where !lists.contains(where: { $0.dropFirst().contains { matches($0.new, version: v) } }):
                throw Problem(message: "no earlier deployment of \(v) in \(environment) in the history read")
            default:
                throw Problem(message: "\(environment) already runs that: nothing to roll back")
            }
        }
        return steps
    }

    /// Whether `ref` is `version`: the whole reference, its tag, or its digest.
    static func matches(_ ref: String, version v: String) -> Bool {
        guard let r = ImageReference.written(ref) else { return ref == v }
        return ref == v || r.tag == v || r.digest == v || (r.digest.map { "@" + $0 } == v)
    }
}
