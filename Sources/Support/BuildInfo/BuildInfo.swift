/// The one place the version lives; every binary's `--version`, the JSON report and the MR/PR description footer read it.
/// `scripts/stamp-version.sh` writes both lines: `--prepare vX.Y.Z` sets `version` for the release commit (and the
/// action's and GitLab component's image tags with it); the release build then also sets `commit` (not committed).
public enum BuildInfo {
    public static let version = "0.3.0"
    /// The release's date (YYYY-MM-DD), written with `version` by `--prepare`: the man page's date (scripts/gen_manpage.py).
    public static let date = "2026-11-26"
    /// The git commit the binary was built from (nil for a development build: only `scripts/stamp-version.sh vX.Y.Z` sets it).
    public static let commit: String? = nil

    /// What `--version` prints: "0.3.0 (abc123456789)", or for a build not stamped by a release (a development build,
    /// which cannot know its commit without reading git at build time) "0.3.0 (unknown commit)".
    public static var description: String { describe(version: version, commit: commit) }

    public static func describe(version: String, commit: String?) -> String {
        "\(version) (\(commit.map { String($0.prefix(12)) } ?? "unknown commit"))"
    }
}
