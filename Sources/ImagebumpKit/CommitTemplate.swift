/// The commit message template of a run without `--message`. Declared here, in a module without libgit2, so that
/// the edit-only CLI's option default and GitOps' `CommitMessage` read the same constant.
public enum CommitTemplate {
    public static let `default` = "chore(deploy): bump {images}"

    /// `promote`'s template: the summary ("promote staging → production") as subject, one line per change below.
    public static func promotion(_ summary: String) -> String { "chore(deploy): \(summary)\n\n{changes}" }

    /// `rollback`'s template: the environment and images as subject, one line per change below.
    public static func rollback(_ environment: String) -> String { "chore(deploy): roll back \(environment) to {images}\n\n{changes}" }
}
