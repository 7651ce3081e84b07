import ImageRules
import ImageReference

/// `imagebump promote FROM TO`: the image specs that make TO run what FROM runs now.
public struct Promotion: Sendable, Equatable {
    public let from: String
    public let to: String
    /// One spec per promoted image (`NAME:TAG[@DIGEST]` as FROM holds it), in FROM's order.
    public let specs: [ImageSpec]
    /// Images FROM holds that TO's files do not (reported, not added unless `add`).
    public let notInTarget: [HeldImage]

    /// The commit subject, and the first line of the merge request: "promote staging → production".
    public var summary: String { Self.summary(from: from, to: to) }

    public static func summary(from: String, to: String) -> String { "promote \(from) → \(to)" }

    /// - Parameters:
    ///   - only: image names to promote (`--image`); empty: every image FROM holds.
    ///   - add: also promote images TO does not hold yet (they are added to TO's kustomization).
    public static func plan(_ config: EnvironmentsConfig, from: String, to: String, fromImages: [HeldImage], toImages: [HeldImage],
                            only: [String] = [], add: Bool = false, skipOrder: Bool = false) throws(Problem) -> Promotion {
        try config.checkOrder(from: from, to: to, skipOrder: skipOrder)
        let fail = { (m: String) in Problem(message: m) }

        // FROM's images by repository; one repository held at two references has no single value to promote
        var order: [String] = []
        var held: [String: HeldImage] = [:]
        for h in fromImages {
            guard let name = try? ImageName(parsing: h.image) else { continue }
            if let first = held[name.normalized] {
                if first.tag != h.tag || first.digest != h.digest {
                    throw fail("\(from) holds \(h.image) at two references, \(first.reference) (\(first.place)) and \(h.reference) (\(h.place)); make them one, or promote the others with --image")
                }
                continue
            }
            held[name.normalized] = h
            order.append(name.normalized)
        }
        guard !order.isEmpty else { throw fail("the files of \(from) hold no image references") }

        var chosen = order
        if !only.isEmpty {
            chosen = []
            for n in only {
                guard let name = try? ImageName(parsing: n) else { throw fail("--image \(n): not an image name") }
                guard held[name.normalized] != nil else {
                    throw fail("\(from) does not hold \(n) (it holds: \(order.map { held[$0]!.image }.joined(separator: ", ")))")
                }
                if !chosen.contains(name.normalized) { chosen.append(name.normalized) }
            }
        }

        let inTarget = Set(toImages.compactMap { try? ImageName(parsing: $0.image).normalized })
        var specs: [ImageSpec] = []
        var missing: [HeldImage] = []
        for n in chosen {
            let h = held[n]!
            guard h.tag != nil || h.digest != nil else {
                throw fail("\(h.image) has neither tag nor digest in \(from) (\(h.place)): nothing to promote")
            }
            guard inTarget.contains(n) || add else { missing.append(h); continue }
            do { specs.append(try ImageSpec(parsing: h.reference)) } catch {
                throw Problem(file: h.file, line: h.line, message: "\(from) holds \(h.reference), which cannot be promoted: \(error)")
            }
        }
        if specs.isEmpty {
            throw fail("none of the images to promote is in the files of \(to) (\(missing.map(\.image).joined(separator: ", "))); use --add to add them")
        }
        return Promotion(from: from, to: to, specs: specs, notInTarget: missing)
    }
}
