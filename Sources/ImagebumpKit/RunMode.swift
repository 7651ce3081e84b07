/// What a run does: decided once from the command line (`SetCommand.mode`), turned by an environment's `mode:` into
/// how that environment is reached (`reaching`), and read by every step after it — the plan, the git run, the report
/// (its `mode` field is the raw value).
public enum RunMode: String, Codable, Sendable, CaseIterable {
    /// Edit the working tree.
    case write
    /// Show the diff; nothing written, committed or pushed.
    case dryRun = "dry-run"
    /// As dryRun; drift is status `drift` (exit 2).
    case check
    case commit, push
    case mergeRequest = "merge-request"

    /// The run makes a git commit.
    public var commits: Bool { self == .commit || self == .push || self == .mergeRequest }

    /// The run writes nothing: it plans and reports.
    public var previews: Bool { self == .dryRun || self == .check }

    /// What the files' contents are kept for: a diff needs them, a write the staged files, a check neither.
    public var retention: SetJob.Retention { self == .dryRun ? .preview : (self == .check ? .summary : .stage) }

    /// This run as it reaches an environment whose `mode:` is `environment` (`.push` or `.mergeRequest`): a run that
    /// publishes nothing stays as it is; `mode: merge-request` turns a commit or push into a merge request (an
    /// environment behind an approval is never pushed to by accident); `mode: push` keeps what was asked, so an
    /// explicit `--merge-request` still wins.
    public func reaching(_ environment: RunMode) -> RunMode {
        commits && environment == .mergeRequest ? .mergeRequest : self
    }
}
