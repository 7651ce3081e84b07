import ArgumentParser

/// Where the config repo is cloned from, how to authenticate and how long to wait: shared by `set`, `promote`
/// (through `RepoOptions`) and `get`, whose clones are made the same way.
public struct RepoAccessOptions: ParsableArguments {
    public init() {}

    @Option(help: ArgumentHelp("The config repo: a URL (https://, http://, ssh://, git@host:path, git://, file://) cloned into a temporary directory, or a local path (set and promote: used in place, clean working tree; get only reads it).", discussion: "A clone is removed afterwards, also on failure; -f paths are relative to the repository root. For set and promote a URL needs a mode: --push, --merge-request, --dry-run (clone, print the diff) or --check (clone, exit 2 on drift), the last two committing and pushing nothing; without one it is a usage error (exit 64).", valueName: "url-or-path"))
    public var repo: String?

    @Option(help: "Branch to start from and push to (get: to read; default: the remote's default branch / the current branch).")
    public var branch: String?

    @Option(help: ArgumentHelp("Environment variable holding the HTTPS token (default: IMAGEBUMP_TOKEN, then GITLAB_TOKEN/CI_JOB_TOKEN, GITHUB_TOKEN; CI_JOB_TOKEN only for the job's own GitLab; none set: anonymous, enough to read a public repository).", discussion: "A token is never a flag value. The users: oauth2 for GITLAB_TOKEN, gitlab-ci-token for CI_JOB_TOKEN, x-access-token for GITHUB_TOKEN. Credentials in the URL work too; every URL printed is redacted.", valueName: "NAME"))
    public var tokenEnv: String?

    @Option(help: ArgumentHelp("SSH private key (ed25519) for ssh:// and git@ URLs; or put the key in IMAGEBUMP_SSH_KEY.", discussion: "RSA keys are refused by OpenSSH 8.8 and later with this libssh2. A key in IMAGEBUMP_SSH_KEY is used from memory, never written to disk.", valueName: "path"))
    public var sshKey: String?

    @Option(help: ArgumentHelp("known_hosts file used to verify the SSH host key (default: ~/.ssh/known_hosts).", discussion: "Read as OpenSSH reads it: hashed names (ssh-keygen -H), [host]:port entries for ports other than 22, globs and ! negations. An @revoked key is refused even where another line accepts it; a host known only through @cert-authority is refused with a message that says so (host certificates are not verified).", valueName: "path"))
    public var knownHosts: String?

    @Flag(help: "Accept an SSH host key that is not in known_hosts (insecure; prefer --known-hosts).")
    public var insecureAcceptHostKey = false

    @Option(help: ArgumentHelp("CA certificates (PEM) for a git server, forge API or image registry with a private CA; SSL_CERT_FILE is used too. TLS is always verified.", valueName: "path"))
    public var caFile: String?

    @Option(bounded: "Give up when connecting to the git server (or the forge API, for a merge request), or waiting for its next byte, takes longer.", valueName: "seconds",
            discussion: "The run then fails naming the remote and the phase, e.g. timed out pushing to https://host/repo.git: no data from host:443 for 120 s.")
    public var timeout = Seconds(120)

    @Option(bounded: "Give up when one clone, fetch, push or forge call takes longer in all, even while the server keeps the connection busy (keepalives, a trickle).", valueName: "seconds",
            discussion: "A slow pre-receive hook's keepalives or a trickle of progress bytes do not keep a phase alive; the run then fails naming the phase and the remote, e.g. timed out pushing to https://host/repo.git: not done with host:443 within 600 s.")
    public var phaseTimeout = Seconds(600)

    @Option(bounded: "Stop a clone or fetch that receives more than this, so that a hostile or broken server cannot fill $TMPDIR.", valueName: "MiB",
            discussion: "The partial clone is removed. The default is far above any config repo: a clone fetches only the branch it edits, without tags, so a repository's other branches and tags cost nothing.")
    public var maxPackSize = MiB(2048)
}
