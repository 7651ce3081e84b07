import ImageRules

/// The `--output json` document.
public struct JSONReport: Codable, Sendable {
    public var changed: Bool
    public var changes: [PlannedChange]
    /// Set by runs with --commit/--push (absent otherwise).
    public var commit: String?
    public var branch: String?
    public var pushed: Bool?
    public var attempts: Int?
    public var mergeRequest: MergeRequestInfo?

    public struct MergeRequestInfo: Codable, Sendable {
        public var url: String
        public var number: Int
        public var created: Bool
        public init(url: String, number: Int, created: Bool) { self.url = url; self.number = number; self.created = created }
    }

    public init(changed: Bool, changes: [PlannedChange]) { self.changed = changed; self.changes = changes }
}

/// Human-readable lines for `--output text`.
public enum TextReport {
    public static func lines(for plan: SetPlan, wrote: Bool) -> [String] {
        if !plan.changed {
            return ["already up to date (\(plan.searchedFiles) file\(plan.searchedFiles == 1 ? "" : "s") searched)"]
        }
        var out = plan.changes.map { "\($0.file):\($0.line): \($0.kind.rawValue) \($0.old.isEmpty ? "(added)" : $0.old) -> \($0.new)" }
        let n = plan.files.count
        out.append("\(wrote ? "updated" : "would update") \(n) file\(n == 1 ? "" : "s") (\(plan.changes.count) change\(plan.changes.count == 1 ? "" : "s"))")
        return out
    }
}
