import ArgumentParser

/// How a run reaches the config repo it commits to: a clone (git) or the forge's web API (no clone).
public enum Via: String, ExpressibleByArgument, CaseIterable, Sendable {
    case git, api
}

/// `--via`: shared by `set`, `promote`, `rollback` and `update` (through `RepoOptions`).
public struct ViaOptions: ParsableArguments {
    public init() {}

    @Option(help: ArgumentHelp("How the config repo is read and committed to: git (clone, commit, push) or api (no clone: read the files and make one commit through the GitLab or GitHub API).", discussion: "api needs --repo as the repository's https:// URL and an API token (GitLab: api scope; GitHub: contents: write, and pull-requests: write for --merge-request). Only the -f files, the YAML files of the -f directories and imagebump.yaml are downloaded. The commit is one POST repository/commits with each file's last_commit_id (GitLab) or one GraphQL createCommitOnBranch with the head read (GitHub, which signs it); when a file or the branch moved meanwhile, the run reads it again and re-applies the edit, as --retries says. The author is the token's user (--author, --sign-key and --sign-format are refused). Links, submodules and files of another mode than 100644 cannot be kept by such a commit and are refused, naming the file; use --via git for them. promote, rollback and update read their source through a clone and commit through the API.", valueName: "git|api"))
    public var via: Via = .git
}
