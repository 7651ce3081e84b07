import FoundationEssentials
import Support

/// One entry of a repository tree as the forge lists it.
public struct RepoEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A regular file (mode 100644).
        case file
        /// A file with the executable bit (100755).
        case executable
        /// A symbolic link (120000).
        case link
        /// A submodule (a commit entry, 160000).
        case submodule
        case directory
    }

    /// Relative to the repository root, no leading slash.
    public var path: String
    public var kind: Kind
    /// The blob's (or tree's, or submodule commit's) object id.
    public var id: String

    public init(path: String, kind: Kind, id: String) { self.path = path; self.kind = kind; self.id = id }

    /// The kind a git tree mode names (`100644`, `100755`, `120000`, `160000`, `040000`); nil for another.
    static func kind(mode: String, type: String?) -> Kind? {
        switch mode {
        case "100644", "100664": return .file
        case "100755": return .executable
        case "120000": return .link
        case "160000": return .submodule
        case "040000", "40000": return .directory
        default:
            switch type {
            case "tree": return .directory
            case "commit": return .submodule
            default: return nil
            }
        }
    }
}

/// A file's bytes as read at a commit, with the per-file lock GitLab's commit call takes (`last_commit_id`).
public struct RepoBlob: Sendable, Equatable {
    public var path: String
    public var content: Data
    /// GitLab: the last commit that changed the file as of the commit read; nil on GitHub (its lock is the head).
    public var lastCommitID: String?

    public init(path: String, content: Data, lastCommitID: String?) {
        self.path = path; self.content = content; self.lastCommitID = lastCommitID
    }
}

/// One commit to make through the API: `files` replace existing files of `branch` (whose head was read as
/// `expectedHead`), in one commit.
public struct APICommitRequest: Sendable {
    public struct File: Sendable, Equatable {
        public var path: String
        public var content: Data
        public var lastCommitID: String?
        public init(path: String, content: Data, lastCommitID: String?) {
            self.path = path; self.content = content; self.lastCommitID = lastCommitID
        }
    }

    public var branch: String
    /// A bot branch rebuilt from another branch's head: that branch and the head read (`expectedHead` is then it).
    public var rebuiltFrom: String?
    /// The head the edit was made on: the target's (or, rebuilding, the source branch's) commit.
    public var expectedHead: String
    public var message: String
    public var files: [File]

    public init(branch: String, rebuiltFrom: String? = nil, expectedHead: String, message: String, files: [File]) {
        self.branch = branch; self.rebuiltFrom = rebuiltFrom; self.expectedHead = expectedHead
        self.message = message; self.files = files
    }
}

/// What one commit call came to.
public enum APICommitOutcome: Sendable, Equatable {
    case committed(sha: String)
    /// The lock was stale: a file (GitLab) or the branch (GitHub) moved since it was read; the server's words.
    case stale(String)
}

/// A config repo read and written through its forge's API, without a clone: GitLab's repository files, tree and
/// commits endpoints, GitHub's git data REST endpoints and GraphQL `createCommitOnBranch`.
public protocol RepositoryAPI: AnyObject {
    var forge: ForgeKind { get }
    /// The repository's default branch.
    func defaultBranch() throws -> String
    /// The commit `branch` points to now (never a cached answer); nil when there is no such branch.
    func head(of branch: String) throws -> String?
    /// The entries under `directory` ("" = the root) at `commit`; every level below it when `recursive`. nil when
    /// there is no such directory.
    func entries(under directory: String, at commit: String, recursive: Bool) throws -> [RepoEntry]?
    /// The bytes of file `entry` at `commit`.
    func read(_ entry: RepoEntry, at commit: String) throws -> RepoBlob
    /// The parents of `commit`.
    func parents(of commit: String) throws -> [String]
    /// Makes the commit; a stale lock is an outcome, not an error.
    func commit(_ request: APICommitRequest) throws -> APICommitOutcome
    /// Deletes a branch (a superseded merge request's).
    func deleteBranch(_ name: String) throws
    /// Requests made so far (for the report and the benchmark).
    var requestCount: Int { get }
}

/// Where the repository is and how to reach its API (the merge request's forge settings).
public struct RepositoryLocation: Sendable {
    public var forge: ForgeKind
    public var apiURL: String
    public var project: String
    public var token: String
    public var gitLabTokenKind: GitLabTokenKind
    public var tokenSource: String?
    public var transportOptions: TransportOptions

    public init(forge: ForgeKind, apiURL: String, project: String, token: String, gitLabTokenKind: GitLabTokenKind = .privateToken,
                tokenSource: String? = nil, transportOptions: TransportOptions = TransportOptions()) {
        self.forge = forge; self.apiURL = apiURL; self.project = project; self.token = token
        self.gitLabTokenKind = gitLabTokenKind; self.tokenSource = tokenSource; self.transportOptions = transportOptions
    }

    /// The client of this location's forge.
    public func client(transport: HTTPTransport? = nil, retry: RetryPolicy = .standard) throws -> any RepositoryAPI {
        let transport = CountingTransport(transport ?? CurlTransport(options: transportOptions))
        switch forge {
        case .gitlab: return GitLabRepository(self, transport: transport, retry: retry)
        case .github: return try GitHubRepository(self, transport: transport, retry: retry)
        }
    }
}

/// Counts the requests that reach the transport (retries included).
final class CountingTransport: HTTPTransport, @unchecked Sendable {
    let inner: HTTPTransport
    private let lock = Lock()
    private var sent = 0
    init(_ inner: HTTPTransport) { self.inner = inner }
    var count: Int { lock.withLock { sent } }
    func send(_ request: HTTPRequest) throws -> HTTPResponse {
        lock.withLock { sent += 1 }
        return try inner.send(request)
    }
}

extension Data {
    /// RFC 4648 base64 with padding, as both forges want file contents.
    var base64: String { base64EncodedString() }
}

/// Decodes a base64 `content` field (GitLab and GitHub break it into lines).
func decodeBase64(_ text: String) -> Data? {
    Data(base64Encoded: text.filter { !$0.isNewline && $0 != " " })
}
