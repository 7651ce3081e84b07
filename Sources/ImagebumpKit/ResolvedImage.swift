/// What an image's registry said of a reference the run writes (`--verify`, `--pin-digest`).
public struct ResolvedImage: Codable, Sendable, Equatable {
    /// The reference as written (`registry.example.com/app:1.2.3@sha256:…` once pinned).
    public var image: String
    /// The top-level digest the registry named (a multi-arch image's index digest); nil when it was not asked.
    public var digest: String?
    /// The registry answered that the reference exists.
    public var verified: Bool

    public init(image: String, digest: String?, verified: Bool) {
        self.image = image; self.digest = digest; self.verified = verified
    }
}
