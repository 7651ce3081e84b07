import ArgumentParser

/// How a run shows its result and what it refuses: shared by `set` and `promote`.
public struct RunOptions: ParsableArguments {
    public init() {}

    @Flag(help: ArgumentHelp("Write nothing; print a unified diff of what would change.", discussion: "On stdout: the diff (--- a/path, +++ b/path; a file name with a control character, \" or \\ in git's C-style quotes, which git apply reads), then the change lines, which git apply and patch ignore. Colour only on a terminal, never with NO_COLOR."))
    public var dryRun = false

    @Flag(help: ArgumentHelp("Write nothing; exit 2 if any file would change, 0 if all are up to date.", discussion: "For drift checks in the config repo's own pipeline, or of a remote one with --repo URL."))
    public var check = false

    @Option(help: ArgumentHelp("Output format: text or json.", discussion: "json prints one object, described by schema/report.schema.json: {version, mode, status (ok, drift or failed), changed, changes: [{file, line, kind, image, old, new}], filesSearched}; line is 1-based; kind is kustomize, container, helm, argocd, flux-marker or key; old and new are the effective references (app:1.0, app:1.1). A failed run prints one object too, with status failed and error: {message, file, line, column} (the place where there is one); the exit code is the same as in text."))
    public var output: OutputFormat = .text

    @Option(bounded: "Refuse files larger than this many MiB, before reading them.", valueName: "MiB",
            discussion: "The largest Helm values files in the wild are well under 1 MiB. Parsing keeps a node tree of about 25 to 50 bytes per byte of YAML, so raising this raises memory accordingly (a 100 MB file: about 50 s and 5 GB).")
    public var maxFileSize = MiB(16)

    @Flag(help: "Permit a lower semantic version, or an older commit than the one deployed (a rollback).")
    public var allowDowngrade = false

    @Option(help: ArgumentHelp("The application repository whose history tells whether a commit tag is older than the deployed one: a local checkout, or a URL whose history is fetched when a commit tag is to be replaced. Default in publishing runs: CI_PROJECT_DIR / GITHUB_WORKSPACE.", valueName: "path-or-url"))
    public var sourceRepo: String?

    @Option(help: ArgumentHelp("Environment variable holding the token for fetching a --source-repo URL (default: the order of --token-env).", valueName: "NAME"))
    public var sourceTokenEnv: String?
}
