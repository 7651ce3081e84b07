import ImageReference
import ImageRules

/// One image reference an environment's files hold (what `promote` reads).
public struct HeldImage: Codable, Equatable, Sendable {
    /// The effective repository (a kustomize entry's `newName` when it has one).
    public var image: String
    public var tag: String?
    public var digest: String?
    /// Relative to the repository root.
    public var file: String
    public var line: Int

    public init(image: String, tag: String?, digest: String?, file: String, line: Int) {
        self.image = image; self.tag = tag; self.digest = digest; self.file = file; self.line = line
    }

    public init(_ found: FoundImage, file: String) {
        self.init(image: found.name, tag: found.tag, digest: found.digest, file: file, line: found.line)
    }

    /// `image[:tag][@digest]`.
    public var reference: String { ImageReference.format(name: image, tag: tag, digest: digest) }

    /// `file:line` for messages and listings, the name quoted when it needs it (`PathQuoting`).
    public var place: String { PathQuoting.quoted(file) + ":\(line)" }

    // `tag`/`digest` are written as null when absent, so every object has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(image, forKey: .image)
        try c.encode(tag, forKey: .tag)
        try c.encode(digest, forKey: .digest)
        try c.encode(file, forKey: .file)
        try c.encode(line, forKey: .line)
    }
}
