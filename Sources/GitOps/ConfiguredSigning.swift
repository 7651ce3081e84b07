internal import CGit2
import FoundationEssentials
import ImagebumpKit

/// What a run asks for: a key named on the command line (or none), and a format (or none). In a local checkout
/// what is not given comes from the checkout's git config, as `git commit` reads it.
public struct SigningRequest: Sendable, Equatable {
    public var key: CommitSigning.Key?
    public var format: SigningFormat?
    /// The signing programs' environment (the run's variables).
    public var environment: [String: String]

    public init(key: CommitSigning.Key? = nil, format: SigningFormat? = nil, environment: [String: String] = [:]) {
        self.key = key; self.format = format; self.environment = environment
    }
}

extension ConfigRepo {
    /// How this run's commits are signed: the request's key (format: the request's, else this checkout's
    /// `gpg.format` when it is a local checkout, else ssh); without one, a local checkout's own settings when its
    /// `commit.gpgsign` is true (`gpg.format`, `user.signingkey`, `gpg.ssh.program` / `gpg.program`); else unsigned.
    /// A temporary clone's config (the global one) is not read: a CI run signs only when asked to.
    public func signing(for request: SigningRequest) throws -> CommitSigning? {
        let config = isTemporaryClone ? nil : try gitConfig()
        let configuredFormat = try config.map { try Self.format($0.string("gpg.format")) } ?? nil
        let format = request.format ?? configuredFormat ?? (request.key == nil ? .openpgp : .ssh)
        func program() -> String? {
            format == .ssh ? config?.string("gpg.ssh.program") : (config?.string("gpg.openpgp.program") ?? config?.string("gpg.program"))
        }
        if let key = request.key {
            return CommitSigning(format: format, key: key, program: program(), environment: request.environment)
        }
        guard let config, config.bool("commit.gpgsign") == true else {
            if let f = request.format {
                throw GitOpsError.invalidArgument("--sign-format \(f.rawValue) needs a key: --sign-key or --sign-key-env (or, in a local checkout, user.signingkey with commit.gpgsign = true)")
            }
            return nil
        }
        let key = config.string("user.signingkey").map { Self.key($0, format: format, environment: request.environment) }
        if format == .ssh && key == nil {
            throw GitOpsError.invalidArgument("\(displayLocation): commit.gpgsign is true and gpg.format is ssh, but user.signingkey names no key; set it (a key file, or key::<public key> for ssh-agent) or pass --sign-key")
        }
        return CommitSigning(format: format, key: key, program: program(), environment: request.environment)
    }

    /// `gpg.format`: openpgp, ssh; x509 (gpgsm) is refused, nil when unset.
    static func format(_ value: String?) throws -> SigningFormat? {
        guard let value else { return nil }
        guard let f = SigningFormat(rawValue: value.lowercased()) else {
            throw GitOpsError.invalidArgument("gpg.format = \(value) is not supported; imagebump signs with ssh or openpgp")
        }
        return f
    }

    /// `user.signingkey` as git reads it: for ssh a literal public key (`key::…`, or one starting `ssh-`) is
    /// signed by ssh-agent, anything else is a key file (`~/` is the home directory).
    static func key(_ value: String, format: SigningFormat, environment: [String: String]) -> CommitSigning.Key {
        guard format == .ssh else { return .named(value) }
        if value.hasPrefix("key::") { return .agentPublicKey(String(value.dropFirst(5))) }
        if value.hasPrefix("ssh-") || value.hasPrefix("ecdsa-") || value.hasPrefix("sk-") { return .agentPublicKey(value) }
        if value.hasPrefix("~/"), let home = environment["HOME"] { return .named(home + value.dropFirst(1)) }
        return .named(value)
    }

    /// The repository's config as git sees it (repository, global, system), read once.
    func gitConfig() throws -> GitConfigSnapshot {
        var cfg: OpaquePointer?
        try check(git_repository_config_snapshot(&cfg, repo), "reading the git config of \(displayLocation)")
        return GitConfigSnapshot(cfg)
    }
}

/// A read-only libgit2 config snapshot: missing keys are nil.
final class GitConfigSnapshot {
    private let cfg: OpaquePointer?
    init(_ cfg: OpaquePointer?) { self.cfg = cfg }
    deinit { git_config_free(cfg) }

    func string(_ name: String) -> String? {
        var out: UnsafePointer<CChar>?
        guard git_config_get_string(&out, cfg, name) == 0, let out else { git_error_clear(); return nil }
        let s = String(cString: out)
        return s.isEmpty ? nil : s
    }

    func bool(_ name: String) -> Bool? {
        var out: Int32 = 0
        guard git_config_get_bool(&out, cfg, name) == 0 else { git_error_clear(); return nil }
        return out != 0
    }
}
