import ImageRules
import YAMLEdit
import Support

extension Environment {
    /// `update:` of an environment in imagebump.yaml: the tag policy `imagebump update` follows for the environment's
    /// images, and per image (`images:`, by name) one that replaces it for that image.
    public struct UpdatePolicies: Sendable, Equatable {
        public var policy: TagPolicy?
        /// Keyed by the normalised name (`ImageName.normalized`).
        public var images: [String: TagPolicy]
        public init(policy: TagPolicy? = nil, images: [String: TagPolicy] = [:]) { self.policy = policy; self.images = images }

        /// The policy for the image `name` (any spelling): its own entry, else the environment's.
        public func policy(for name: String) -> TagPolicy? {
            (try? ImageName(parsing: name)).flatMap { images[$0.normalized] } ?? policy
        }
    }
}

/// The keys of a policy (an environment's `update:`, and each of its `images:`), as Flux's ImagePolicy names them.
public enum PolicyKey: String, CaseIterable, Sendable { case semver, numerical, alphabetical, digest, filterTags, images }

extension ConfigParser {
    /// `update:` of environment `env`: a policy, and `images:` mapping names to policies of their own.
    func updatePolicies(_ node: YAMLNode, env: String) throws(Problem) -> Environment.UpdatePolicies {
        var out = Environment.UpdatePolicies()
        out.policy = try policy(node, what: "update of \(env)", allowImages: true)
        for (key, value) in try pairs(node, what: "update of \(env)") where key.value == PolicyKey.images.rawValue {
            for (name, body) in try pairs(value, what: "images of update of \(env)") {
                guard let image = try? ImageName(parsing: name.value), image.written == name.value else {
                    throw error(at: name, "images of update of \(env): \(PathQuoting.quoted(name.value)) is not an image name (no tag or digest: registry.example.com/team/app)")
                }
                guard let p = try policy(body, what: "update of \(name.value) in \(env)", allowImages: false) else {
                    throw error(at: body, "update of \(name.value) in \(env) needs a policy (\(Self.rules))")
                }
                guard out.images.updateValue(p, forKey: image.normalized) == nil else {
                    throw error(at: name, "images of update of \(env): \(name.value) is named twice")
                }
            }
        }
        return out
    }

    static let rules = "semver, numerical, alphabetical or digest"

    /// One policy mapping: at most one rule, and `filterTags: {pattern, extract}`; nil when it names no rule.
    func policy(_ node: YAMLNode, what: String, allowImages: Bool) throws(Problem) -> TagPolicy? {
        var rule: (TagPolicy.Rule, YAMLNode)?
        var filter: TagFilter?
        var filterNode: YAMLNode?
        for (key, value) in try pairs(node, what: what) {
            guard let k = PolicyKey(rawValue: key.value), allowImages || k != .images else {
                let keys = PolicyKey.allCases.filter { allowImages || $0 != .images }.map(\.rawValue)
                throw error(at: key, "unknown key \(PathQuoting.quoted(key.value)) in \(what) (expected one of \(keys.joined(separator: ", ")))")
            }
            let parsed: TagPolicy.Rule
            switch k {
            case .images: continue
            case .filterTags:
                filter = try tagFilter(value, what: "filterTags of \(what)")
                filterNode = key
                continue
            case .semver:
                // Flux writes `semver: {range: ...}`; the range alone is the short form
                let text = try string(try flux(value, key: "range", what: "semver of \(what)"), what: "semver of \(what)")
                do { parsed = .semver(try SemverRange(parsing: text)) } catch { throw self.error(at: value, "semver of \(what): \(error.message)") }
            case .numerical, .alphabetical:
                let at = try flux(value, key: "order", what: "\(k.rawValue) of \(what)")
                let text = try string(at, what: "\(k.rawValue) of \(what)")
                guard let order = TagPolicy.Order(rawValue: text) else {
                    throw error(at: at, "\(k.rawValue) of \(what) must be asc or desc (asc picks the highest, as Flux)")
                }
                parsed = k == .numerical ? .numerical(order) : .alphabetical(order)
            case .digest:
                guard value.kind == .scalar, value.value == "true" else {
                    throw error(at: value, "digest of \(what) must be true (follow the tag each file holds)")
                }
                parsed = .digest
            }
            if let first = rule {
                throw error(at: key, "\(what) has two policies (\(k.rawValue), and the one on line \(first.1.line)); give one of \(Self.rules)")
            }
            rule = (parsed, key)
        }
        guard let rule else {
            if let filterNode { throw error(at: filterNode, "filterTags of \(what) needs a policy beside it (\(Self.rules))") }
            return nil
        }
        do { return try TagPolicy(rule.0, filter: filter) } catch { throw self.error(at: filterNode, "\(what): \(error.message)") }
    }

    /// `value`, or the value of its one key `key` when it is a mapping (`{range: ...}`, `{order: asc}`, as Flux).
    func flux(_ value: YAMLNode, key: String, what: String) throws(Problem) -> YAMLNode {
        guard value.kind == .mapping else { return value }
        let pairs = try pairs(value, what: what)
        guard pairs.count == 1, pairs[0].key.value == key else { throw error(at: value, "\(what) must be a string or {\(key): ...}") }
        return pairs[0].value
    }

    /// `filterTags: {pattern: REGEX, extract: TEMPLATE}`.
    func tagFilter(_ node: YAMLNode, what: String) throws(Problem) -> TagFilter {
        var pattern: YAMLNode?, extract: String?
        for (key, value) in try pairs(node, what: what) {
            switch key.value {
            case "pattern": pattern = value; _ = try string(value, what: "pattern of \(what)")
            case "extract": extract = try string(value, what: "extract of \(what)")
            default: throw error(at: key, "unknown key \(PathQuoting.quoted(key.value)) in \(what) (expected pattern, extract)")
            }
        }
        guard let pattern else { throw error(at: node, "\(what) needs a pattern") }
        do { return try TagFilter(pattern: pattern.value, extract: extract) } catch { throw self.error(at: pattern, "pattern of \(what): \(error.message)") }
    }
}
