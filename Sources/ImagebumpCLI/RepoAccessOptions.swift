import ArgumentParser

/// Where the config repo is cloned from, how to authenticate and how long to wait: shared by `set`, `promote`
/// (through `RepoOptions`) and `get`, whose clones are made the same way.
public struct RepoAccessOptions: ParsableArguments {
    public init() {}

    @Option(help: ArgumentHelp("The config repo: a URL (https://, http://, ssh://, git@host:path, git://, file://) cloned into a temporary directory, or a local path (set and promote: used in place, clean working tree; get only reads it).", valueName: "url-or-path"))
    public var repo: String?

    @Option(help: "Branch to start from and push to (get: to read; default: the remote's default branch / the current branch).")
    public var branch: String?

    @Option(help: ArgumentHelp("Environment variable holding the HTTPS token (default: IMAGEBUMP_TOKEN, then GITLAB_TOKEN/CI_JOB_TOKEN, GITHUB_TOKEN; CI_JOB_TOKEN only for the job's own GitLab; none set: anonymous, enough to read a public repository).", valueName: "NAME"))
    public var tokenEnv: String?

    @Option(help: ArgumentHelp("SSH private key (ed25519) for ssh:// and git@ URLs; or put the key in IMAGEBUMP_SSH_KEY.", valueName: "path"))
    public var sshKey: String?

    @Option(help: ArgumentHelp("known_hosts file used to verify the SSH host key (default: ~/.ssh/known_hosts).", valueName: "path"))
    public var knownHosts: String?

    @Flag(help: "Accept an SSH host key that is not in known_hosts (insecure; prefer --known-hosts).")
    public var insecureAcceptHostKey = false

    @Option(help: ArgumentHelp("CA certificates (PEM) for a server with a private CA; SSL_CERT_FILE is used too.", valueName: "path"))
    public var caFile: String?

    @Option(bounded: "Give up when connecting to the git server (or the forge API, for a merge request), or waiting for its next byte, takes longer.", valueName: "seconds")
    public var timeout = Seconds(120)

    @Option(bounded: "Give up when one clone, fetch, push or forge call takes longer in all, even while the server keeps the connection busy (keepalives, a trickle).", valueName: "seconds")
    public var phaseTimeout = Seconds(600)

    @Option(bounded: "Stop a clone or fetch that receives more than this, so that a hostile or broken server cannot fill $TMPDIR.", valueName: "MiB")
    public var maxPackSize = MiB(2048)
}
