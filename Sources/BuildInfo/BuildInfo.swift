/// The one place the version lives; every binary's `--version`, the JSON report and the MR/PR description footer read it.
/// `scripts/stamp-version.sh` writes both lines: `--prepare vX.Y.Z` sets `version` for the release commit (and the
/// action's and GitLab component's image tags with it); the release build then also sets `commit` (not committed).
public enum BuildInfo {
    public static let version = "0.3.0"
    /// The git commit the binary was built from (nil for a development build).
    public static let commit: String? = nil

    /// "0.3.0" or "0.3.0 (abc1234)".
    public static var description: String {
        commit.map { "\(version) (\($0.prefix(12)))" } ?? version
    }
}
