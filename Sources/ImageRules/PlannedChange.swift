/// Which rule found a value.
public enum ChangeKind: String, Codable, Sendable, CaseIterable {
    case kustomize, container, helm, argocd
    case fluxMarker = "flux-marker"
    case key
}

/// One image reference that changes (or is already up to date), as reported to the user.
public struct PlannedChange: Codable, Equatable, Sendable {
    public var file: String
    /// 1-based line of the (first) edited value.
    public var line: Int
    public var kind: ChangeKind
    /// The image name as the spec gave it.
    public var image: String
    /// The effective reference before and after (`app:1.0` → `app:1.1`).
    public var old: String
    public var new: String

    public init(file: String, line: Int, kind: ChangeKind, image: String, old: String, new: String) {
        self.file = file; self.line = line; self.kind = kind; self.image = image; self.old = old; self.new = new
    }
}
