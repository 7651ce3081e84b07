/// The MR/PR a run opened, updated or found up to date, as the forge answered: what `MergeRequestService.openOrUpdate`
/// returns and the run report's `mergeRequest` (schema/report.schema.json), the same value.
public struct MergeRequestResult: Sendable, Codable, Equatable {
    /// Web URL of the MR/PR.
    public var url: String
    /// GitLab `iid` / GitHub PR number.
    public var number: Int
    /// A new MR/PR was opened by this run.
    public var created: Bool
    /// An existing MR/PR was changed by this run (false when it was already up to date).
    public var updated: Bool
    public var forge: ForgeKind
    /// nil: auto-merge was not asked for (`--auto-merge`); true: it is set; false: the forge refused it (`warnings`
    /// says why).
    public var autoMergeEnabled: Bool?
    /// Non-fatal problems (e.g. auto-merge refused, an MR of another branch ignored). Already redacted. Left out
    /// of the JSON when empty.
    public var warnings: [String]

    public init(url: String, number: Int, created: Bool, updated: Bool, forge: ForgeKind, autoMergeEnabled: Bool? = nil,
                warnings: [String] = []) {
        self.url = url
        self.number = number
        self.created = created
        self.updated = updated
        self.forge = forge
        self.autoMergeEnabled = autoMergeEnabled
        self.warnings = warnings
    }

    private enum CodingKeys: String, CodingKey {
        case url, number, created, updated, forge, autoMergeEnabled, warnings
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(url: try c.decode(String.self, forKey: .url), number: try c.decode(Int.self, forKey: .number),
                  created: try c.decode(Bool.self, forKey: .created), updated: try c.decode(Bool.self, forKey: .updated),
                  forge: try c.decode(ForgeKind.self, forKey: .forge),
                  autoMergeEnabled: try c.decodeIfPresent(Bool.self, forKey: .autoMergeEnabled),
                  warnings: try c.decodeIfPresent([String].self, forKey: .warnings) ?? [])
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(url, forKey: .url)
        try c.encode(number, forKey: .number)
        try c.encode(created, forKey: .created)
        try c.encode(updated, forKey: .updated)
        try c.encode(forge, forKey: .forge)
        try c.encodeIfPresent(autoMergeEnabled, forKey: .autoMergeEnabled)
        if !warnings.isEmpty { try c.encode(warnings, forKey: .warnings) }
    }
}
