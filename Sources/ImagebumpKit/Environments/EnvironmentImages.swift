import ImageRules

/// One image an environment runs (what `promote` reads): the reference at its place, and the app it belongs to.
public struct HeldImage: Equatable, Sendable {
    public var image: FoundImage
    /// `EnvironmentsConfig.app(of:in:)`; "" for a single-app environment.
    public var app: String

    public init(_ image: FoundImage, app: String = "") { self.image = image; self.app = app }
}
