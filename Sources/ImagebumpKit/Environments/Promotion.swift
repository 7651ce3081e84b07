import ImageRules
import Support

/// `imagebump promote FROM TO`: the image specs that make TO run what FROM runs now, app by app (`HeldImage.app`):
/// an image is promoted to the TO part of the app it belongs to in FROM, never to another app's.
public struct Promotion: Sendable, Equatable {
    public let from: String
    public let to: String
    /// One spec per promoted image (`NAME:TAG[@DIGEST]` as FROM holds it), in FROM's order.
    public let specs: [ImageSpec]
    /// Images FROM holds that TO does not run (reported, not added unless `add`).
    public let notInTarget: [HeldImage]
    /// Per promoted image (normalised name): the apps whose TO kustomization gets a new `images:` entry for it —
    /// TO runs it from a base outside TO's files (editing the base would change every environment), or does not
    /// run it and `add` was given.
    public let additions: [String: Set<String>]

    /// The commit subject, and the first line of the merge request: "promote staging → production".
    public var summary: String { Self.summary(from: from, to: to) }

    public static func summary(from: String, to: String) -> String { "promote \(from) → \(to)" }

    struct Key: Hashable { let app: String; let name: String }

    /// - Parameters:
    ///   - fromImages, toImages: what FROM and TO run (their effective images, bases included), each with its app.
    ///   - only: image names to promote (`--image`); empty: every image FROM holds.
    ///   - add: also promote images TO does not run yet (they are added to the app's TO kustomization).
    public static func plan(_ config: EnvironmentsConfig, from: String, to: String, fromImages: [HeldImage], toImages: [HeldImage],
                            only: [String] = [], add: Bool = false, skipOrder: Bool = false) throws(Problem) -> Promotion {
        try config.checkOrder(from: from, to: to, skipOrder: skipOrder)
        let toEnv = try config.environment(to)
        let fail = { (m: String) in Problem(message: m) }
        func key(_ h: HeldImage) -> Key? { (try? ImageName(parsing: h.image.name)).map { Key(app: h.app, name: $0.normalized) } }

        // FROM's images by (app, repository); one held at two references has no single value to promote
        var order: [Key] = []
        var held: [Key: HeldImage] = [:]
        for h in fromImages {
            guard let k = key(h) else { continue }
            if let first = held[k] {
                if first.image.tag != h.image.tag || first.image.digest != h.image.digest {
                    throw fail("\(from) holds \(h.image.name) at two references, \(first.image.reference) (\(first.image.place)) and \(h.image.reference) (\(h.image.place)); make them one, or promote the others with --image")
                }
                continue
            }
            held[k] = h
            order.append(k)
        }
        guard !order.isEmpty else { throw fail("the files of \(from) hold no image references") }

        var chosen = order
        if !only.isEmpty {
            chosen = []
            for n in only {
                guard let name = try? ImageName(parsing: n) else { throw fail("--image \(n): not an image name") }
                let keys = order.filter { $0.name == name.normalized }
                guard !keys.isEmpty else {
                    throw fail("\(from) does not hold \(n) (it holds: \(unique(order.map { held[$0]!.image.name }).joined(separator: ", ")))")
                }
                for k in keys where !chosen.contains(k) { chosen.append(k) }
            }
        }

        // what TO runs, and what it sets in its own files (not only through a base)
        var inTarget = Set<Key>(), ownValue = Set<Key>()
        for h in toImages {
            guard let k = key(h) else { continue }
            inTarget.insert(k)
            if toEnv.holds(h.image.file) { ownValue.insert(k) }
        }
        var specs: [ImageSpec] = []
        var promotedBy: [String: HeldImage] = [:]
        var missing: [HeldImage] = []
        var additions: [String: Set<String>] = [:]
        for k in chosen {
            let h = held[k]!
            guard h.image.tag != nil || h.image.digest != nil else {
                throw fail("\(h.image.name) has neither tag nor digest in \(from) (\(h.image.place)): nothing to promote")
            }
            guard inTarget.contains(k) || add else { missing.append(h); continue }
            if !inTarget.contains(k) || !ownValue.contains(k) { additions[k.name, default: []].insert(k.app) }
            if let other = promotedBy[k.name] {
                guard other.image.reference == h.image.reference else {
                    throw fail("\(from) runs \(h.image.name) at \(other.image.reference) in app \(other.app) (\(other.image.place)) and at \(h.image.reference) in app \(h.app) (\(h.image.place)); a promotion sets one reference per image")
                }
                continue
            }
            promotedBy[k.name] = h
            do { specs.append(try ImageSpec(parsing: h.image.reference)) } catch {
                throw Problem(file: h.image.file, line: h.image.line, message: "\(from) holds \(h.image.reference), which cannot be promoted: \(error)")
            }
        }
        if specs.isEmpty {
            throw fail("none of the images to promote is in the files of \(to) (\(unique(missing.map(\.image.name)).joined(separator: ", "))); use --add to add them")
        }
        return Promotion(from: from, to: to, specs: specs, notInTarget: missing, additions: additions)
    }
}

private func unique(_ names: [String]) -> [String] {
    var seen = Set<String>()
    return names.filter { seen.insert($0).inserted }
}
