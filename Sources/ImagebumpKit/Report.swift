import Support
import ImageRules

/// What a run did — the one report behind `--output text`, `--output json`, the dotenv file and the GitHub
/// outputs and step summary (schema/report.schema.json describes the JSON form). On failure it still says what
/// did happen (a commit pushed before the merge request failed) and carries the error.
public struct RunReport: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// The run did what was asked (changed or already up to date).
        case ok
        /// `--check` found files that would change (exit 2).
        case drift
        /// The run failed (exit 1); `error` says why.
        case failed
    }

    public struct ErrorInfo: Codable, Sendable, Equatable {
        public var message: String
        /// The file and 1-based line (and column) the error is about, when there is one.
        public var file: String?
        public var line: Int?
        public var column: Int?

        /// `message` is the error's text as printed; the place is its first problem's (`Problem.place`), never read
        /// back from the text. `file` is the name itself (as in `changes`), also where the message shows it quoted (`PathQuoting`).
        public init(message: String, problems: [Problem]) {
            self.message = message
            guard let place = problems.first?.place else { return }
            (file, line, column) = (place.file, place.line, place.column)
        }
    }

    /// An open merge request the target branch had overtaken (it holds the MR's values or newer): closed with a
    /// comment, its branch deleted.
    public struct ClosedMergeRequest: Codable, Sendable, Equatable {
        public var url: String
        public var number: Int
        public var branch: String
        public var forge: ForgeKind?
        public init(url: String, number: Int, branch: String, forge: ForgeKind? = nil) {
            self.url = url; self.number = number; self.branch = branch; self.forge = forge
        }
    }

    /// The imagebump version that ran.
    public var version = BuildInfo.description
    /// write, dry-run, check, commit, push or merge-request.
    public var mode: RunMode
    public var status: Status
    /// True when files changed (or would: --dry-run/--check); with git, when a commit was made.
    public var changed: Bool
    public var changes: [PlannedChange]
    /// YAML files searched.
    public var filesSearched: Int?
    /// Set by runs with a commit (absent otherwise).
    public var commit: String?
    public var branch: String?
    public var pushed: Bool?
    public var attempts: Int?
    /// The branch already had this change (a re-run): nothing was pushed.
    public var alreadyOnRemote: Bool?
    /// The MR/PR opened or updated, as the forge answered (auto-merge, warnings).
    public var mergeRequest: MergeRequestResult?
    public var supersededMergeRequest: ClosedMergeRequest?
    public var error: ErrorInfo?
    /// What the images' registries said (`--verify`, `--pin-digest`): one entry per image spec, nil when not asked.
    public var images: [ResolvedImage]?
    /// The imagebump.yaml environment this run (or entry) reached (`--env`, `promote`).
    public var environment: String?
    /// With several `--env` environments: one report each, in the order named (up to the first that failed); the
    /// fields above then sum them up, and the git fields (commit, branch, merge request) are the entries' own.
    public var environments: [RunReport]?

    public init(mode: RunMode, status: Status = .ok, changed: Bool = false, changes: [PlannedChange] = [], filesSearched: Int? = nil) {
        self.mode = mode; self.status = status; self.changed = changed; self.changes = changes; self.filesSearched = filesSearched
    }

    /// The report of a planned run (`--check` with changes: drift).
    public init(mode: RunMode, plan: SetPlan) {
        self.init(mode: mode, status: mode == .check && plan.changed ? .drift : .ok, changed: plan.changed, changes: plan.changes,
                  filesSearched: plan.searchedFiles)
    }

    /// This report marked failed (what happened before the failure is kept); `message` is the error's text as
    /// printed and `problems` are its parts with their places (both redacted).
    public func failed(message: String, problems: [Problem]) -> RunReport {
        var r = self
        r.status = .failed
        r.error = ErrorInfo(message: message, problems: problems)
        return r
    }

    /// The report of a run that reached several environments, one `entries` each: failed when one failed (its
    /// error), else drift when one drifted; changed when one changed; the changes of all.
    public init(mode: RunMode, entries: [RunReport]) {
        let status: Status = entries.contains { $0.status == .failed } ? .failed : (entries.contains { $0.status == .drift } ? .drift : .ok)
        self.init(mode: mode, status: status, changed: entries.contains(where: \.changed), changes: entries.flatMap(\.changes),
                  filesSearched: entries.allSatisfy { $0.filesSearched == nil } ? nil : entries.compactMap(\.filesSearched).reduce(0, +))
        error = entries.first { $0.error != nil }?.error
        environments = entries
    }

    /// Distinct files changed, in order.
    public var changedFiles: [String] {
        var seen = Set<String>()
        return changes.map(\.file).filter { seen.insert($0).inserted }
    }
}

/// Human-readable lines for `--output text`; file names, values and the forge's URL quoted as in the diff headers
/// (`PathQuoting`), so that none of them ends a line.
public enum TextReport {
    /// The change lines and the summary line ("updated 2 files (3 changes)").
    public static func changeLines(_ r: RunReport, wrote: Bool) -> [String] {
        if r.changes.isEmpty {
            let n = r.filesSearched ?? 0
            return ["already up to date (\(n) file\(n == 1 ? "" : "s") searched)"]
        }
        var out = r.changes.map {
            "\(PathQuoting.quoted($0.file)):\($0.line): \($0.kind.rawValue) \($0.old.isEmpty ? "(added)" : PathQuoting.quoted($0.old)) -> \(PathQuoting.quoted($0.new))"
        }
        let n = r.changedFiles.count, c = r.changes.count
        out.append("\(wrote ? "updated" : "would update") \(n) file\(n == 1 ? "" : "s") (\(c) change\(c == 1 ? "" : "s"))")
        return out
    }

    /// The git result ("pushed abc to main"), nil for runs without git.
    public static func outcomeLine(_ r: RunReport) -> String? {
        guard let branch = r.branch else { return nil }
        guard let c = r.commit else {
            let n = r.filesSearched.map { " (\($0) file\($0 == 1 ? "" : "s") searched)" } ?? ""
            return "already up to date on \(branch)\(n): nothing to commit"
        }
        if r.alreadyOnRemote == true { return "\(branch) already has this change at \(c): nothing pushed" }
        if r.pushed == true { return "pushed \(c) to \(branch)\((r.attempts ?? 1) > 1 ? " after \(r.attempts!) attempts" : "")" }
        return "committed \(c) on \(branch)"
    }

    public static func mergeRequestLine(_ r: RunReport) -> String? {
        r.mergeRequest.map { "\($0.created ? "opened" : ($0.updated ? "updated" : "unchanged")) \($0.forge.mergeRequestNoun) \(PathQuoting.quoted($0.url))" }
            ?? r.supersededMergeRequest.map { "closed \(($0.forge ?? .gitlab).mergeRequestNoun) \(PathQuoting.quoted($0.url)): its target branch already holds its images or newer ones; deleted \(PathQuoting.quoted($0.branch))" }
    }
}
