import ArgumentParser
import ImageReference
import ImagebumpKit

#if canImport(Glibc)
import Glibc
#endif

public struct SetCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set image tags/digests in YAML files, changing only the bytes of the edited values.",
        discussion: """
        Exit codes: 0 success (changed or already up to date), 1 failure (nothing written), \
        2 --check found drift, 64 usage error.
        """
    )

    @OptionGroup(title: "Editing") public var edit: EditOptions
    @OptionGroup(title: "Config repo (commit and push)") public var repo: RepoOptions
    @OptionGroup(title: "Merge request / pull request") public var forge: ForgeOptions

    public init() {}

    /// True when the run commits, pushes or opens a merge request.
    public var isRemote: Bool { repo.repo != nil || repo.commit || repo.push || forge.mergeRequest }

    public mutating func validate() throws {
        if isRemote && (edit.dryRun || edit.check) {
            throw ValidationError("--dry-run and --check edit nothing, so they cannot be combined with --commit/--push/--merge-request")
        }
        if repo.retries < 0 { throw ValidationError("--retries must be 0 or more") }
        if repo.timeout < 1 { throw ValidationError("--timeout must be at least 1 (seconds)") }
    }

    public func run() throws {
        let specs = try Self.parse(edit.specs)
        if isRemote {
            // `imagebump` hands these runs over before parsing; only `imagebump-git`, which sets the runner, gets here
            guard let runner = RemoteHook.runner else {
                Console.error("this executable cannot commit or push; run imagebump-git")
                throw ExitCode.failure
            }
            try runner.run(self, specs: specs)
            return
        }
        try LocalRun.run(edit, specs: specs, dotenv: repo.dotenv)
    }

    public func parsedSpecs() throws -> [ImageSpec] { try Self.parse(edit.specs) }

    static func parse(_ texts: [String]) throws -> [ImageSpec] {
        let specs: [ImageSpec]
        do { specs = try texts.map(ImageSpec.init(parsing:)) } catch {
            Console.error("\(error)")
            throw ExitCode.failure
        }
        // Two specs for one repository would race for the same values: refuse rather than pick one.
        var seen: [String: String] = [:]
        for s in specs {
            if let first = seen[s.name.normalized] {
                Console.error("image specs \(first) and \(s.text) name the same image (\(s.name.normalized)); give one")
                throw ExitCode.failure
            }
            seen[s.name.normalized] = s.text
        }
        return specs
    }

    public func request(_ specs: [ImageSpec]) -> SetRequest { edit.request(specs) }
}

public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable { case text, json }

public struct EditOptions: ParsableArguments {
    public init() {}

    @Argument(help: ArgumentHelp("Image specs: NAME:TAG, NAME@DIGEST, NAME:TAG@DIGEST, NAME=NEWNAME:TAG[@DIGEST], NAME=NEWNAME@DIGEST.",
                                 valueName: "image-spec"))
    public var specs: [String]

    @Option(name: [.short, .customLong("file")], help: ArgumentHelp("A YAML file, or a directory searched recursively for *.yaml/*.yml (hidden directories skipped). Repeatable. Default: the current directory (with --repo: the repo root; paths are relative to it).", valueName: "path"))
    public var files: [String] = []

    @Flag(help: "Write nothing; print a unified diff of what would change.")
    public var dryRun = false

    @Flag(help: "Write nothing; exit 2 if any file would change, 0 if all are up to date.")
    public var check = false

    @Option(help: "Output format: text or json.")
    public var output: OutputFormat = .text

    @Flag(help: "An image spec that matches nothing is not an error.")
    public var allowMissing = false

    @Flag(help: "In a kustomization file named with -f, append an images: entry when none matches.")
    public var add = false

    @Option(help: ArgumentHelp("Refuse files larger than this many MiB.", valueName: "MiB"))
    public var maxFileSize = 16

    @Flag(help: "Permit a lower semantic version or an older commit than the one deployed (a rollback).")
    public var allowDowngrade = false

    public func request(_ specs: [ImageSpec]) -> SetRequest {
        SetRequest(specs: specs, paths: files, add: add, allowMissing: allowMissing, maxFileSize: maxFileSize << 20,
                   allowDowngrade: allowDowngrade)
    }

    public func validate() throws {
        if specs.isEmpty { throw ValidationError("give at least one image spec, e.g. imagebump set registry.example.com/app:1.2.3") }
        if maxFileSize < 1 { throw ValidationError("--max-file-size must be at least 1") }
    }
}

public struct RepoOptions: ParsableArguments {
    public init() {}

    @Option(help: ArgumentHelp("The config repo: a URL (https://, http://, ssh://, git@host:path, git://, file://) cloned into a temporary directory, or a local path used in place (clean working tree).", valueName: "url-or-path"))
    public var repo: String?

    @Option(help: "Branch to start from and push to (default: the remote's default branch / the current branch).")
    public var branch: String?

    @Flag(help: "Commit the change.")
    public var commit = false

    @Flag(help: "Commit and push the change (implies --commit).")
    public var push = false

    @Option(help: "Push to this branch instead (created from --branch's head; updated on re-runs).")
    public var pushBranch: String?

    @Option(help: ArgumentHelp("Commit message template; placeholders {images}, {files}, {changes}.", valueName: "template"))
    public var message = "chore(deploy): bump {images}"

    @Option(help: ArgumentHelp("Commit author (default: from the CI platform's variables, else imagebump <imagebump@localhost>).", valueName: "Name <email>"))
    public var author: String?

    @Option(help: "Attempts after a rejected push (fetch, re-apply the edit on the new head, push again).")
    public var retries = 5

    @Option(help: ArgumentHelp("Environment variable holding the HTTPS token (default: IMAGEBUMP_TOKEN, then GITLAB_TOKEN/CI_JOB_TOKEN, GITHUB_TOKEN).", valueName: "NAME"))
    public var tokenEnv: String?

    @Option(help: ArgumentHelp("SSH private key (ed25519) for ssh:// and git@ URLs; or put the key in IMAGEBUMP_SSH_KEY.", valueName: "path"))
    public var sshKey: String?

    @Option(help: ArgumentHelp("known_hosts file used to verify the SSH host key (default: ~/.ssh/known_hosts).", valueName: "path"))
    public var knownHosts: String?

    @Flag(help: "Accept an SSH host key that is not in known_hosts (insecure; prefer --known-hosts).")
    public var insecureAcceptHostKey = false

    @Option(help: ArgumentHelp("CA certificates (PEM) for a server with a private CA; SSL_CERT_FILE is used too.", valueName: "path"))
    public var caFile: String?

    @Option(help: ArgumentHelp("Give up when connecting to the git server or forge API, or waiting for its next byte, takes longer.", valueName: "seconds"))
    public var timeout = 120

    @Option(help: ArgumentHelp("Provenance trailer Source-Repository: (default: from CI variables).", valueName: "url"))
    public var sourceRepository: String?

    @Option(help: ArgumentHelp("Provenance trailer Source-Commit: (default: from CI variables).", valueName: "sha"))
    public var sourceCommit: String?

    @Option(help: ArgumentHelp("Provenance trailer Source-Pipeline: (default: from CI variables).", valueName: "url"))
    public var sourcePipeline: String?

    @Option(help: ArgumentHelp("Write changed/commit/branch/mr-url/mr-number as KEY=value lines (GitLab artifacts:reports:dotenv).", valueName: "path"))
    public var dotenv: String?
}

public struct ForgeOptions: ParsableArguments {
    public init() {}

    @Flag(name: [.customLong("merge-request"), .customLong("pull-request")],
          help: "Push to a bot branch and open or update a merge request (GitLab) / pull request (GitHub) into --branch.")
    public var mergeRequest = false

    @Option(help: ArgumentHelp("Which API: gitlab or github (default: from the CI environment, else the repo host).", valueName: "gitlab|github"))
    public var forge: String?

    @Option(help: ArgumentHelp("API base URL (default: CI_API_V4_URL / GITHUB_API_URL, https://<host>/api/v4, https://api.github.com, https://<host>/api/v3).", valueName: "url"))
    public var apiURL: String?

    @Option(help: ArgumentHelp("Merge request title template (default: the commit subject).", valueName: "template"))
    public var title: String?

    @Option(help: ArgumentHelp("Merge request description template (default: a table of every change and the provenance links).", valueName: "template"))
    public var description: String?

    @Option(help: "Label to set (repeatable).")
    public var label: [String] = []

    @Option(help: ArgumentHelp("Assignee username (repeatable).", valueName: "username"))
    public var assignee: [String] = []

    @Option(help: ArgumentHelp("Reviewer username (repeatable).", valueName: "username"))
    public var reviewer: [String] = []

    @Flag(help: "Open as a draft.")
    public var draft = false

    @Flag(help: "GitLab: merge when the pipeline succeeds; GitHub: enable auto-merge.")
    public var autoMerge = false

    @Flag(help: "GitLab: delete the source branch when merged.")
    public var removeSourceBranch = false

    @Flag(help: "GitLab: squash commits when merged.")
    public var squash = false
}

/// How `imagebump` reaches the git-enabled executable.
public protocol RemoteRunner {
    func run(_ command: SetCommand, specs: [ImageSpec]) throws
}

/// Exit with status 1 after the error was already printed (ArgumentParser prints nothing more).
public let failureExit: Error = ExitCode.failure

public enum RemoteHook {
    /// Set by `imagebump-git` before parsing; nil in the plain `imagebump` executable.
    nonisolated(unsafe) public static var runner: RemoteRunner?

    /// Long options (and help requests) that only the full command line of `imagebump-git` parses. `imagebump`
    /// hands such runs over before parsing, so that an edit-only run parses just the editing options (start-up).
    public static let fullCLIOnly: Set<String> = [
        "--repo", "--branch", "--commit", "--push", "--push-branch", "--message", "--author", "--retries", "--token-env",
        "--ssh-key", "--known-hosts", "--insecure-accept-host-key", "--ca-file", "--timeout", "--source-repository", "--source-commit",
        "--source-pipeline", "--dotenv", "--merge-request", "--pull-request", "--forge", "--api-url", "--title", "--description",
        "--label", "--assignee", "--reviewer", "--draft", "--auto-merge", "--remove-source-branch", "--squash",
        "-h", "--help", "help", "--version", "--generate-completion-script", "--experimental-dump-help",
    ]

    /// True when `arguments` (without argv[0]) need the full command line.
    public static func needsFullCLI(_ arguments: [String]) -> Bool {
        if arguments.first != "set" { return true } // root help, unknown subcommands: the full CLI explains
        for a in arguments.dropFirst() {
            if a == "--" { return false }
            let name = a.split(separator: "=", maxSplits: 1).first.map(String.init) ?? a
            if fullCLIOnly.contains(name) { return true }
        }
        return false
    }

    /// Replaces this process with `imagebump-git` from the same directory, with the same arguments.
    public static func handOver() throws -> Never {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let exe = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
        let dir = exe.lastIndex(of: "/").map { String(exe[..<$0]) } ?? "."
        let helper = dir + "/imagebump-git"
        let args = [helper] + CommandLine.arguments.dropFirst()
        var cargs = args.map { strdup($0) } + [nil]
        execv(helper, &cargs)
        Console.error("--repo/--commit/--push/--merge-request need \(helper), which could not be run: \(String(cString: strerror(errno)))")
        throw ExitCode.failure
    }
}
