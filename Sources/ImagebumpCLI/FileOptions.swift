import ArgumentParser

/// `-f` and `--exclude`: which files a run reads (`set`, `update`).
public struct FileOptions: ParsableArguments {
    public init() {}

    @Option(name: [.short, .customLong("file")], help: ArgumentHelp("A YAML file (*.yaml, *.yml, Kustomization), or a directory searched recursively for them (hidden directories such as .git skipped; hidden files such as .argocd-source-app.yaml are not). Repeatable. Default: the current directory (with --repo: the repo root; paths are relative to it); update has none: it needs -f or --env.", discussion: "Paths must stay inside the root. A link is followed when it stays inside: the file behind it is edited (the link kept) and reported, committed and staged by its real path; a link that leads outside is refused with its name, before anything is read. Without -f the whole root is searched, with a warning naming the environment directories (overlays/dev, overlays/production) when matches lie in more than one; in a repository with an imagebump.yaml, a run with neither -f nor --env is an error listing its environments (-f . names the whole repository on purpose).", valueName: "path"))
    public var files: [String] = []

    @Option(help: ArgumentHelp("Skip found files and directories whose path (relative to the root) or name matches this glob; * also matches /, as in --exclude '*/production/*'. Repeatable.", valueName: "glob"))
    public var exclude: [String] = []
}
