import ImagebumpKit
import ImageRules
import Support

/// What `update` sets in one target: for each image its files hold, the tag its policy picks from the registry's
/// (or, for `digest`, the tag the files hold with the digest the registry names now). The registry answers are kept
/// for the run, so an image of several environments is asked once.
final class UpdateChoice {
    let registry: any ImageRegistry
    private var tags: [String: [String]] = [:]
    private var digests: [String: String] = [:]
    /// The normalised names of every image the files held, named or not (to tell a name given that none holds).
    private(set) var imagesSeen: Set<String> = []

    init(registry: any ImageRegistry) { self.registry = registry }

    /// `NAME:TAG` (`NAME:TAG@DIGEST` for `digest`) for each image of `entries` (those named in `only`, when some
    /// are) that has a policy and a tag it picks. Every image is asked before this throws, so one run names every
    /// registry that failed.
    func specs(of entries: [FoundImage], only: [String], environment: String?,
               policy: (String) -> TagPolicy?) throws -> [String] {
        let only = Set(only.compactMap { try? ImageName(parsing: $0).normalized })
        var names: [String] = [], held: [String: Set<String?>] = [:]
        for e in entries {
            guard let name = try? ImageName(parsing: e.name) else { continue }
            imagesSeen.insert(name.normalized)
            guard only.isEmpty || only.contains(name.normalized) else { continue }
            if held[e.name] == nil { names.append(e.name) }
            held[e.name, default: []].insert(e.tag)
        }
        let place = environment.map { " in environment \($0)" } ?? ""
        var specs: [String] = [], problems: [String] = []
        for name in names {
            guard let policy = policy(name) else {
                Console.warning("\(name)\(place) has no update policy (--semver, --numerical, --alphabetical, --digest, or update: in imagebump.yaml): left as it is")
                continue
            }
            do {
                if policy.followsTag {
                    let tags = held[name, default: []]
                    guard tags.count == 1, let tag = tags.first ?? nil else {
                        let what = tags.compactMap { $0 }.sorted().joined(separator: ", ")
                        Console.warning("\(name)\(place) is written \(what.isEmpty ? "without a tag" : "with the tags \(what)"); the digest policy follows one tag: left as it is")
                        continue
                    }
                    specs.append(name + ":" + tag + "@" + (try digest(of: name, tag: tag)))
                } else if let tag = policy.pick(try tags(of: name)) {
                    specs.append(name + ":" + tag)
                } else {
                    Console.warning("no tag of \(name) is allowed by \(policy)\(place): left as it is")
                }
            } catch {
                problems.append("cannot ask the registry of \(name) for its \(policy.followsTag ? "digest" : "tags"): \(error); nothing was written")
            }
        }
        if !problems.isEmpty { throw Problem(message: problems.joined(separator: "\n")) }
        return specs
    }

    private func tags(of name: String) throws -> [String] {
        if let known = tags[name] { return known }
        let listed = try registry.tags(of: name)
        tags[name] = listed
        return listed
    }

    private func digest(of name: String, tag: String) throws -> String {
        if let known = digests[name + ":" + tag] { return known }
        let d = try registry.digest(of: name, reference: tag)
        digests[name + ":" + tag] = d
        return d
    }
}
