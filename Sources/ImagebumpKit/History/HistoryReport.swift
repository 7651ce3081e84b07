import Support
import ImageRules

/// What `imagebump history` prints: the deployments asked for, newest first. Its JSON is schema/history.schema.json.
public struct HistoryReport: Encodable, Equatable, Sendable {
    public var deployments: [Deployment]
    /// Files some commit left unreadable (skipped in that commit).
    public var warnings: [String]

    public init(deployments: [Deployment], warnings: [String] = []) { self.deployments = deployments; self.warnings = warnings }

    /// What `--env`, `--image`, `--since` and `--limit` keep of `derived`.
    public struct Query: Sendable, Equatable {
        public var environments: [String] = []
        /// Normalised repositories (`ImageName.normalized`).
        public var images: [String] = []
        public var since: Int64?
        public var limit: Int?
        public init(environments: [String] = [], images: [String] = [], since: Int64? = nil, limit: Int? = nil) {
            self.environments = environments; self.images = images; self.since = since; self.limit = limit
        }
    }

    public init(_ derived: Deployments.Derived, query: Query) {
        var kept = derived.deployments.filter { d in
            (query.environments.isEmpty || query.environments.contains(d.environment))
                && (query.images.isEmpty || query.images.contains(Deployments.normalized(d.image)))
                && (query.since.map { d.timestamp >= $0 } ?? true)
        }
        if let limit = query.limit { kept = Array(kept.prefix(limit)) }
        self.init(deployments: kept, warnings: derived.notes)
    }

    static let headers = ["TIME", "ENVIRONMENT", "KIND", "IMAGE", "CHANGE", "COMMIT", "SOURCE"]

    /// A table, one row per deployment (columns padded, the last not); "no deployments" when there are none. What
    /// the files and commit messages of the history hold (images, tags, trailers) is quoted as `set`'s change lines
    /// quote it, so a line break in a value cannot start a row of its own.
    public func text() -> String {
        if deployments.isEmpty { return "no deployments\n" }
        var rows = [Self.headers]
        let q: (String) -> String = { PathQuoting.quoted($0) }
        for d in deployments {
            let kind = d.kind.rawValue + (d.rollbackOf.map { " of \(q(String($0.prefix(12))))" } ?? d.promotedFrom.map { " from \(q($0))" } ?? "")
            let image = (d.app.map { "\(q($0)): " } ?? "") + q(d.image)
            let change = "\(d.old.map { q(Self.version($0, of: d.image)) } ?? "(added)") → \(q(Self.version(d.new, of: d.image)))"
            rows.append([d.time, q(d.environment), kind, image, change, String(d.configCommit.prefix(12)),
                         d.sourceCommit.map { q(String($0.prefix(12))) } ?? "-"])
        }
        return TextTable.render(rows) + "\n"
    }

    /// `ref` without the repository when it is `image`'s (`1.2.0`, `@sha256:…`), else whole (a renamed image).
    static func version(_ ref: String, of image: String) -> String {
        guard ref.hasPrefix(image), ref.count > image.count else { return ref }
        let rest = ref.dropFirst(image.count)
        return rest.first == ":" ? String(rest.dropFirst()) : rest.first == "@" ? String(rest) : ref
    }
}
