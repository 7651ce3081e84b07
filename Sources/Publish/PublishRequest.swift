import Support
import FoundationEssentials
import Forge
import GitOps
import ImageRules
import ImagebumpKit

/// A git run with everything resolved: absolute paths, the credentials, the author, the mode. Files to edit are
/// relative to the config repo's root (the clone or the checkout), never to the process's working directory.
public struct PublishRequest {
    /// dry-run, check (in a clone or the checkout), commit, push or merge-request.
    public var mode: RunMode
    /// A URL (cloned into a temporary directory) or an absolute path (used in place).
    public var location: String
    public var branch: String?
    public var pushBranch: String?
    /// The edit, with `paths` relative to the config repo's root (its `root` is set to the clone or checkout).
    public var edit: SetRequest
    public var messageTemplate: String
    /// nil: the CI platform's identity, else a local checkout's git config identity, else imagebump's.
    public var author: GitAuthor?
    public var provenance: Provenance
    public var retries: Int
    /// `resolvingToken(forLocation: location)`: the run's token, resolved once by the caller (which masks it), is
    /// git's for the config repo and the forge's.
    public var credentials: GitCredentials
    var token: GitCredentials.Token? { credentials.token }
    /// The network's limits: connecting and each wait (`--timeout`), the deadline of each clone, fetch, push and
    /// forge call (`--phase-timeout`), and what one clone or fetch may receive (`--max-pack-size`).
    public var networkTimeouts: NetworkTimeouts
    /// `--forge` and `--api-url`: the forge's API, nil: derived from the CI job or the repository's host.
    public var forge: String?, apiURL: String?
    /// `--title` and `--description` templates, nil: the commit subject, and the table of changes with provenance.
    public var titleTemplate: String?, descriptionTemplate: String?
    /// How the merge request is opened (`--label`, `--draft`, ...).
    public var mergeRequest: MergeRequestOptions
    /// The CI job this run is part of: author, provenance, forge and its API.
    public var ci: CIEnvironment
    /// The imagebump.yaml environment the run reaches (`--env`, `promote`), nil for none.
    public var environment: String?
    /// The key and format asked for (`--sign-key`, `--sign-key-env`, `--sign-format`); a local checkout's git
    /// config fills in the rest.
    public var signing = SigningRequest()
    /// `--via api`: read and commit through the forge's API (`APIPublisher`), no clone.
    public var viaAPI = false

    public init(mode: RunMode, location: String, branch: String?, pushBranch: String?, edit: SetRequest,
                messageTemplate: String, author: GitAuthor?, provenance: Provenance, retries: Int, credentials: GitCredentials,
                networkTimeouts: NetworkTimeouts, mergeRequest: MergeRequestOptions, ci: CIEnvironment,
                environment: String? = nil) {
        self.mode = mode; self.location = location; self.branch = branch; self.pushBranch = pushBranch
        self.edit = edit; self.messageTemplate = messageTemplate; self.author = author; self.provenance = provenance
        self.retries = retries; self.credentials = credentials; self.networkTimeouts = networkTimeouts
        self.mergeRequest = mergeRequest; self.ci = ci; self.environment = environment
    }

    /// A clone only needs the edited paths on disk (commits still carry every file): checkout dominates clone time.
    /// The policy's files (imagebump.yaml) are checked out too.
    var sparsePaths: [String]? {
        edit.paths.isEmpty || edit.paths.contains { $0 == "." || $0 == "./" } ? nil : edit.paths + (edit.policy?.readPaths ?? [])
    }

    /// The image specs of the edit (`edit.specs`) and the CA file of the credentials (`credentials.caFile`), each
    /// held once.
    var specs: [ImageSpec] { edit.specs }
    var images: [String] { specs.map(\.description) }
}

/// A failed run: what did happen before the failure (a pushed branch, a commit) and why it failed.
public struct PublishFailure: Error, CustomStringConvertible {
    public let report: RunReport
    /// The error as it was thrown (a `ProblemError` keeps its places), nil when `description` says more.
    public let underlying: Error?
    public let description: String

    init(report: RunReport, underlying: Error) {
        self.report = report; self.underlying = underlying; description = "\(underlying)"
    }

    init(report: RunReport, description: String) {
        self.report = report; underlying = nil; self.description = description
    }
}
