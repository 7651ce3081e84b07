import ArgumentParser

/// How a run shows its result and what it refuses: shared by `set` and `promote`.
public struct RunOptions: ParsableArguments {
    public init() {}

    @Flag(help: "Write nothing; print a unified diff of what would change.")
    public var dryRun = false

    @Flag(help: "Write nothing; exit 2 if any file would change, 0 if all are up to date.")
    public var check = false

    @Option(help: "Output format: text or json.")
    public var output: OutputFormat = .text

    @Option(bounded: "Refuse files larger than this many MiB.", valueName: "MiB")
    public var maxFileSize = MiB(16)

    @Flag(help: "Permit a lower semantic version, or an older commit than the one deployed (a rollback).")
    public var allowDowngrade = false

    @Option(help: ArgumentHelp("The application repository whose history tells whether a commit tag is older than the deployed one: a local checkout, or a URL whose history is fetched when a commit tag is to be replaced. Default in publishing runs: CI_PROJECT_DIR / GITHUB_WORKSPACE.", valueName: "path-or-url"))
    public var sourceRepo: String?

    @Option(help: ArgumentHelp("Environment variable holding the token for fetching a --source-repo URL (default: the order of --token-env).", valueName: "NAME"))
    public var sourceTokenEnv: String?
}
