/// A kustomize-compatible image spec from the command line:
/// `NAME:TAG`, `NAME@DIGEST`, `NAME:TAG@DIGEST`, `NAME=NEWNAME[:TAG][@DIGEST]`.
public struct ImageSpec: Hashable, Sendable, CustomStringConvertible {
    /// The repository to look for.
    public let name: ImageName
    /// Replacement repository, when the spec has `=NEWNAME`.
    public let newName: ImageName?
    public let tag: String?
    public let digest: String?
    /// The spec as given.
    public let text: String
    /// Last path component of NAME (`app` for `ghcr.io/org/app`): any value that refers to NAME contains it.
    public let lastComponent: String

    public init(parsing text: String) throws {
        guard !text.isEmpty else { throw ImageReferenceError.invalidSpec(text, "empty") }
        if let bad = text.unicodeScalars.first(where: { !Self.allowed($0) }) {
            throw ImageReferenceError.invalidSpec(text, "character \(quoted(String(bad))) is not allowed in an image reference")
        }
        do {
            if let eq = text.firstIndex(of: "=") {
                let left = String(text[..<eq]), right = String(text[text.index(after: eq)...])
                guard !left.isEmpty, !right.isEmpty else { throw ImageReferenceError.invalidSpec(text, "expected NAME=NEWNAME[:TAG][@DIGEST]") }
                let from = try ImageReference(parsing: left)
                guard from.tag == nil, from.digest == nil else {
                    throw ImageReferenceError.invalidSpec(text, "the NAME before '=' takes no tag or digest")
                }
                let to = try ImageReference(parsing: right)
                name = from.name; newName = to.name; tag = to.tag; digest = to.digest
            } else {
                let ref = try ImageReference(parsing: text)
                guard ref.tag != nil || ref.digest != nil else {
                    throw ImageReferenceError.invalidSpec(text, "give a tag or digest (NAME:TAG, NAME@DIGEST) or a new name (NAME=NEWNAME)")
                }
                name = ref.name; newName = nil; tag = ref.tag; digest = ref.digest
            }
        } catch let e as ImageReferenceError {
            if case .invalidSpec = e { throw e }
            throw ImageReferenceError.invalidSpec(text, e.description)
        }
        self.text = text
        self.lastComponent = String(name.path.split(separator: "/").last ?? Substring(name.path))
    }

    /// True when the spec only renames (keeps whatever tag/digest is there).
    public var isRenameOnly: Bool { tag == nil && digest == nil }

    /// `image:tag@digest` as the spec wants it, for messages (`app:1.2.3`).
    public var description: String { ImageReference.format(name: (newName ?? name).written, tag: tag, digest: digest) }

    /// The reference an existing `image:` value becomes. The repository stays as written unless the spec renames it.
    public func apply(to ref: ImageReference) -> ImageReference {
        if isRenameOnly { return ImageReference(name: newName ?? ref.name, tag: ref.tag, digest: ref.digest) }
        return ImageReference(name: newName ?? ref.name, tag: tag, digest: digest)
    }

    private static func allowed(_ u: Unicode.Scalar) -> Bool {
        switch u {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", "/", ":", "@", "=", "[", "]": return true
        default: return false
        }
    }
}
