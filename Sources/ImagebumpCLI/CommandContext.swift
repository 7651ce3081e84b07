#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Support
import ImagebumpKit

/// What a command runs with, made once by `Entry.main` before the command runs (as SwiftPM's `SwiftTool`): the
/// process's state, read there at the edge and passed on as values, and the git backend when this executable has one.
public struct CommandContext {
    /// The process environment: where tokens, proxies and the CI platform's variables are looked up.
    public let variables: [String: String]
    /// The CI platform's answers (platform, author, provenance, API URL, checkout), from `variables`.
    public let ci: CIEnvironment
    /// What relative paths on the command line are taken against.
    public let workingDirectory: String
    /// Annotations, masks and colour, as this platform and terminal want them.
    public let console: Console
    /// Clones, commits, pushes and merge requests: `imagebump-git`'s; nil in `imagebump`, which hands such runs over.
    public let git: (any GitBackend)?
    /// When the command runs, seconds since the epoch: what an age (`--since 90d`) is taken back from.
    public let now: Int64

    public init(variables: [String: String], workingDirectory: String, isTTY: Bool = false, now: Int64? = nil, git: (any GitBackend)?) {
        self.variables = variables; ci = CIEnvironment(variables); self.workingDirectory = workingDirectory; self.git = git
        self.now = now ?? Int64(time(nil))
        console = Console(ci: ci, variables: variables, isTTY: isTTY)
    }

    /// The context of this process: its environment, working directory and terminal, read here once (the only place
    /// below `main` that reads them; everything else gets them from here, as values).
    public static func current(git: (any GitBackend)?) -> CommandContext {
        CommandContext(variables: ProcessInfo.processInfo.environment, workingDirectory: RepoRoot.currentDirectory(),
                       isTTY: isatty(STDOUT_FILENO) == 1, git: git)
    }

    /// The git backend; `imagebump` hands git runs over after parsing, so only `imagebump-git` gets here with one.
    public func requireGit() throws -> any GitBackend {
        guard let git else { throw Problem(message: "this executable cannot clone, commit or push; run imagebump-git") }
        return git
    }
}

/// A command that runs with the `CommandContext` (`Entry.main` calls this instead of `run()`).
public protocol ContextCommand: ParsableCommand {
    func run(in context: CommandContext) throws
    /// Reports `error`, which ended the run (or the hand-over to `imagebump-git`) before the run reported it: the
    /// one exit path, so that every failure prints its error and writes the command's report (`--output json`,
    /// `--dotenv`, the step outputs). Returns what to exit with.
    func report(_ error: Error, in context: CommandContext) -> Error
}

extension ContextCommand {
    /// The error on stderr, exit 1 (a command without a report of its own).
    public func report(_ error: Error, in context: CommandContext) -> Error {
        _ = RunOutput(format: .text, dotenv: nil, context: context).printed(error)
        return ExitCode.failure
    }
}

/// How `imagebump-git` reaches the config repo: the runs of `set` (and so of `promote`) that need git, and the
/// checkouts `get`, `promote` and `set --env` read before.
public protocol GitBackend {
    /// Runs `body` in a checkout of the config repo `repo` names: a local checkout in place (its repository's root),
    /// a URL cloned into a temporary directory, removed afterwards.
    func withCheckout<T>(_ repo: RepoAccessOptions, context: CommandContext, _ body: (ConfigCheckout) throws -> T) throws -> T
    /// Runs `targets` of `command` (a commit, a push, a merge request or a preview in a config repo). `checkout`: the one the targets were
    /// read from; the first target on its branch edits it (a URL is not cloned twice).
    func run(_ targets: [RunTarget], of command: SetCommand, in checkout: ConfigCheckout?, context: CommandContext) throws
    /// Runs `body` with the application repository's history for the stale-run check (`--source-repo`, else the CI
    /// job's checkout; nil outside CI without either); a failure to open it is reported as the run's.
    func withApplicationHistory<T>(_ command: SetCommand, context: CommandContext, _ body: ((any CommitAncestry)?) throws -> T) throws -> T
    /// The commits of `branch` (nil: the checkout's HEAD) of the repository of `checkout` that changed a file
    /// `holds` keeps, newest first, back to the first committed before `since`, and those files there
    /// (`ConfigHistory.commits`). A clone fetches another branch first; a local checkout reads its own branch of
    /// that name, else origin's.
    /// `depth`: how deep the checkout was cloned (`withHistoryCheckout`; nil: all of it), as deep as another branch
    /// is fetched.
    func history(in checkout: ConfigCheckout, branch: String?, holds: (String) -> Bool, since: Int64?, depth: Int?) throws -> HistoryRead
    /// `withCheckout` for reading the history back: a URL is cloned `depth` commits deep (nil: its whole history).
    func withHistoryCheckout<T>(_ repo: RepoAccessOptions, depth: Int?, context: CommandContext, _ body: (ConfigCheckout) throws -> T) throws -> T
    /// `withCheckout` for a run that may go through the forge's API (`--via api`): then only the config repo's
    /// imagebump.yaml is read, into a temporary directory.
    func withCheckout<T>(for command: SetCommand, context: CommandContext, _ body: (ConfigCheckout) throws -> T) throws -> T
    /// Asks the registries of the image specs `specs` (--verify, --pin-digest of `command`), before anything is
    /// written: each new reference checked, each tag pinned to its digest; through `registry` when given (its logins
    /// reused), else a client of its own. A failure is reported as the run's (exit 1).
    func resolveImages(_ specs: [String], of command: SetCommand, using registry: (any ImageRegistry)?, context: CommandContext) throws -> ImageResolution
    /// A client of the images' registries, asked as `command`'s registry options say (credentials, CA file, timeouts).
    func registry(for command: SetCommand, context: CommandContext) throws -> any ImageRegistry
}

/// A checkout of the config repo, open for the run: its root, and the git backend's own handle of it.
public struct ConfigCheckout {
    public let root: String
    /// The backend's open repository (a clone), nil for a local checkout used in place.
    public let repository: AnyObject?
    public init(root: String, repository: AnyObject?) { self.root = root; self.repository = repository }
}
