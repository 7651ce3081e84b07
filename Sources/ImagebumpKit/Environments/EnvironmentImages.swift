import ImageRules

/// One image an environment runs (what `promote` reads): its effective reference and where that is set.
public struct HeldImage: Equatable, Sendable {
    /// The effective repository (a kustomize entry's `newName` when it has one).
    public var image: String
    public var tag: String?
    public var digest: String?
    /// Relative to the repository root.
    public var file: String
    public var line: Int
    /// The app it belongs to (`EnvironmentsConfig.app(of:in:)`; "" for a single-app environment).
    public var app: String

    public init(image: String, tag: String?, digest: String?, file: String, line: Int, app: String = "") {
        self.image = image; self.tag = tag; self.digest = digest; self.file = file; self.line = line; self.app = app
    }

    public init(_ found: FoundImage, file: String) {
        self.init(image: found.name, tag: found.tag, digest: found.digest, file: file, line: found.line)
    }

    /// `image[:tag][@digest]`.
    public var reference: String { ImageReference.format(name: image, tag: tag, digest: digest) }

    /// `file:line` for messages and listings, the name quoted when it needs it (`PathQuoting`).
    public var place: String { PathQuoting.quoted(file) + ":\(line)" }
}
