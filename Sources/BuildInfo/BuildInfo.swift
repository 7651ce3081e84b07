/// The one place the version lives. A release build rewrites `version` (from the tag) and `commit` (the git commit
/// it was built from) before compiling; every binary's `--version`, the JSON report and commit/MR footers read it.
public enum BuildInfo {
    public static let version = "0.3.0"
    /// The git commit the binary was built from (nil for a development build).
    public static let commit: String? = nil

    /// "0.3.0" or "0.3.0 (abc1234)".
    public static var description: String {
        commit.map { "\(version) (\($0.prefix(12)))" } ?? version
    }
}
