import Support
import FoundationEssentials

/// How imagebump authenticates to the config repo's server, and how it verifies the server.
///
/// Secrets are only ever read from the environment (or a key file), never from argv.
/// - HTTPS token: `tokenEnv` if given (`--token-env NAME`), else the first set of
///   `IMAGEBUMP_TOKEN`, `GITLAB_TOKEN` (user `oauth2`), `CI_JOB_TOKEN` (user `gitlab-ci-token`),
///   `GITHUB_TOKEN` (user `x-access-token`). Credentials embedded in the URL take precedence. `CI_JOB_TOKEN` is
///   only valid on the job's own GitLab: it is never used for another host (see `jobTokenRefused(host:)`).
/// - SSH: `sshKeyPath` (`--ssh-key`), else key content in `IMAGEBUMP_SSH_KEY` (`sshKeyVariable`), handed to
///   libssh2 from memory (never written to disk). Only ed25519 keys work with this machine's libssh2 build.
///   Host keys are checked against `knownHostsPath` (default `~/.ssh/known_hosts`); unknown or changed host keys
///   are refused unless `insecureAcceptUnknownHostKeys` is set.
/// - TLS is always verified; `caFile` (`--ca-file`), else `SSL_CERT_FILE`, selects the CA bundle.
public struct GitCredentials: Sendable {
    /// Name of the environment variable holding the HTTPS token (`--token-env`). `nil`: default resolution order.
    public var tokenEnv: String?
    /// HTTP user name to send with the token; `nil`: derived from the variable (see type doc) or the URL.
    public var tokenUser: String?
    /// Path of an SSH private key (`--ssh-key`).
    public var sshKeyPath: String?
    /// The environment variable that may hold SSH private key content.
    public static let sshKeyVariable = "IMAGEBUMP_SSH_KEY"
    /// known_hosts file (`--known-hosts`); `nil`: `~/.ssh/known_hosts`.
    public var knownHostsPath: String?
    /// Accept any SSH host key (explicit, insecure opt-out).
    public var insecureAcceptUnknownHostKeys: Bool
    /// CA bundle for TLS (`--ca-file`); `nil`: `SSL_CERT_FILE` if set, else the library default.
    public var caFile: String?
    /// The environment to read tokens, the SSH key, SSL_CERT_FILE, HOME, IMAGEBUMP_DEBUG and CI variables from: the
    /// command context's variables (none by default).
    public var environment: [String: String]
    /// The token resolved once for the config repo's host (`resolvingToken(forLocation:)`), which git's own
    /// authentication to that host and the forge then use; nil: resolved on each use.
    public private(set) var resolved: (host: String?, token: Token?)?

    public init(tokenEnv: String? = nil, tokenUser: String? = nil, sshKeyPath: String? = nil,
                knownHostsPath: String? = nil,
                insecureAcceptUnknownHostKeys: Bool = false, caFile: String? = nil,
                environment: [String: String] = [:]) {
        self.tokenEnv = tokenEnv
        self.tokenUser = tokenUser
        self.sshKeyPath = sshKeyPath
        self.knownHostsPath = knownHostsPath
        self.insecureAcceptUnknownHostKeys = insecureAcceptUnknownHostKeys
        self.caFile = caFile
        self.environment = environment
    }

    /// A token resolved from the environment.
    public struct Token: Sendable {
        public var user: String
        public var secret: String
        /// The environment variable it was read from.
        public var variable: String
        /// Human-readable origin, e.g. `token from IMAGEBUMP_TOKEN` (never the value).
        public var source: String { "token from \(variable)" }
        /// GitLab's CI job token (its API takes it as `JOB-TOKEN`, not `PRIVATE-TOKEN`): read from that variable itself.
        public var isGitLabJobToken: Bool { variable == GitCredentials.gitLabJobTokenVariable }
    }

    static let gitLabJobTokenVariable = "CI_JOB_TOKEN"

    /// The default token variables in resolution order, with their default HTTP user (`nil` = by host).
    public static let defaultTokenVariables: [(name: String, user: String?)] = [
        ("IMAGEBUMP_TOKEN", nil),
        ("GITLAB_TOKEN", "oauth2"),
        (gitLabJobTokenVariable, "gitlab-ci-token"),
        ("GITHUB_TOKEN", "x-access-token"),
    ]

    /// Resolves the HTTPS token per the resolution order. `host` picks the user for `IMAGEBUMP_TOKEN` /
    /// custom variables (`x-access-token` for hosts containing "github", else `oauth2`).
    /// These credentials with the token for `location`'s host resolved now, once: the run's (masked by the caller).
    public func resolvingToken(forLocation location: String) -> GitCredentials {
        var c = self
        let host = RemoteURL(location).host
        c.resolved = (host, resolveToken(host: host))
        return c
    }

    /// The token `resolvingToken(forLocation:)` resolved; nil when none is set or none was resolved.
    public var token: Token? { resolved?.token ?? nil }

    public func resolveToken(host: String?) -> Token? {
        if let resolved, resolved.host == host { return resolved.token }
        let byHost = (host?.lowercased().contains("github") ?? false) ? "x-access-token" : "oauth2"
        let refused = jobTokenRefused(host: host)
        if let name = tokenEnv {
            guard let value = environment[name], !value.isEmpty, !(refused && name == Self.gitLabJobTokenVariable) else { return nil }
            let known = Self.defaultTokenVariables.first { $0.name == name }?.user
            return Token(user: tokenUser ?? known ?? byHost, secret: value, variable: name)
        }
        for (name, user) in Self.defaultTokenVariables where !(refused && name == Self.gitLabJobTokenVariable) {
            if let value = environment[name], !value.isEmpty {
                return Token(user: tokenUser ?? user ?? byHost, secret: value, variable: name)
            }
        }
        return nil
    }

    /// True when `CI_JOB_TOKEN` must not go to `host`: the job's GitLab is known (`CI_SERVER_HOST`, `CI_API_V4_URL`)
    /// and `host` is another. Unknown (no host, no such variables: set by hand outside CI) leaves it usable.
    public func jobTokenRefused(host: String?) -> Bool {
        guard let host, let server = CIEnvironment(environment).servers[.gitlab] else { return false }
        return !server.hosts(host: host, ssh: false)
    }

    /// `resolveToken(host:)` for the host of a repo location (URL or scp-like; nil host for a local path).
    public func resolveToken(forLocation location: String) -> Token? {
        resolveToken(host: RemoteURL(location).host)
    }

    /// Where a token would be looked for, for "no token" messages.
    public func tokenSearchDescription(host: String?) -> String {
        let job = Self.gitLabJobTokenVariable
        let jobTokenHeld = environment[job].map { !$0.isEmpty } == true && jobTokenRefused(host: host)
        let why = "\(job) is only sent to the job's own GitLab, not to \(host ?? "")"
        if let name = tokenEnv { return "no token: " + (name == job && jobTokenHeld ? why : "\(name) is not set") }
        return "no token: none of " + Self.defaultTokenVariables.map(\.name).joined(separator: ", ") + " is set"
            + (jobTokenHeld ? " (\(why))" : "")
    }

    /// `tokenSearchDescription(host:)` for the host of a repo location.
    public func tokenSearchDescription(forLocation location: String) -> String {
        tokenSearchDescription(host: RemoteURL(location).host)
    }

    /// CA file to configure, if any (`Support.effectiveCAFile`).
    var effectiveCAFile: String? { Support.effectiveCAFile(explicit: caFile, environment: environment) }

    /// All secret values this configuration may send (for redaction of messages).
    var secretValues: [String] {
        var out: [String] = []
        if let name = tokenEnv, let v = environment[name], !v.isEmpty { out.append(v) }
        for (name, _) in Self.defaultTokenVariables { if let v = environment[name], !v.isEmpty { out.append(v) } }
        return out
    }
}
