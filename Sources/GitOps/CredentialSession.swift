import FoundationEssentials
import Support

/// Per-`ConfigRepo` credential state: the resolved configuration.
final class CredentialSession: @unchecked Sendable {
    let credentials: GitCredentials
    let location: RemoteURL
    /// The proxy the environment names for `location` (http_proxy, https_proxy, all_proxy, no_proxy).
    let proxy: Proxy?
    let lock = Lock()

    init(credentials: GitCredentials, location: RemoteURL) throws {
        self.credentials = credentials
        self.location = location
        do { proxy = try Proxy.forTarget(location, environment: credentials.environment) } catch {
            throw GitOpsError.invalidArgument("cannot use the proxy for \(location.display): \(error)")
        }
        if let proxy, location.kind == .http, proxy.location.kind == .https {
            // the tunnel for an http:// remote is opened by imagebump's stream, which speaks no TLS to a proxy
            throw GitOpsError.invalidArgument("cannot use the proxy for \(location.display): \(proxy.shown) is an https://"
                                              + " proxy, which an http:// remote cannot go through; give an http:// proxy, or an https:// remote")
        }
    }

    private var warnedPlainHTTP = false

    /// Warns once per session when a credential is about to go over plain http://.
    func warnIfPlainHTTP(_ progress: GitProgressSink?) {
        lock.lock(); defer { lock.unlock() }
        guard location.kind == .http, !warnedPlainHTTP else { return }
        warnedPlainHTTP = true
        progress?(.warning("sending credentials to \(location.display) over plain http:// (unencrypted); use https://"))
    }

    var secrets: [String] {
        var s = credentials.secretValues
        if let p = location.password { s.append(p) }
        if let p = proxy?.location.password { s.append(p) }
        if location.kind == .http || location.kind == .https, let u = location.user, location.password == nil { s.append(u) }
        return s
    }

    /// User, password and a description of their origin for HTTP(S).
    func httpCredentials() -> (user: String, password: String, source: String)? {
        if let p = location.password {
            return (location.user ?? "git", p, "credentials from the URL")
        }
        guard let token = credentials.resolveToken(host: location.host) else { return nil }
        return (location.user ?? token.user, token.secret, token.source)
    }

    var httpCredentialDescription: String {
        httpCredentials()?.source ?? credentials.tokenSearchDescription(host: location.host)
    }

    /// An SSH private key: a file, or key content from the environment (kept in memory, never on disk).
    enum SSHKey { case file(String), memory(String) }

    /// The SSH key to offer, and where it came from.
    func sshKey() throws -> (key: SSHKey, source: String)? {
        if let path = credentials.sshKeyPath, !path.isEmpty {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw GitOpsError.invalidArgument("SSH key \(path) is not readable")
            }
            return (.file(path), "SSH key \(path)")
        }
        guard var content = credentials.environment[GitCredentials.sshKeyVariable], !content.isEmpty else { return nil }
        if content.contains("\\n") && !content.contains("\n") { content = content.replacingEvery("\\n", with: "\n") }
        if !content.hasSuffix("\n") { content += "\n" }
        return (.memory(content), "SSH key from \(GitCredentials.sshKeyVariable)")
    }

    /// The algorithm of the SSH key offered (see `SSHKeyType`), nil when there is none or it cannot be read.
    var sshKeyType: String? {
        switch try? sshKey()?.key {
        case .file(let path)?: return (try? String(contentsOfFile: path, encoding: .utf8)).flatMap(SSHKeyType.of(privateKey:))
        case .memory(let content)?: return SSHKeyType.of(privateKey: content)
        case nil: return nil
        }
    }

    var sshCredentialDescription: String {
        if let path = credentials.sshKeyPath { return "SSH key \(path)" }
        if credentials.environment[GitCredentials.sshKeyVariable] != nil { return "SSH key from \(GitCredentials.sshKeyVariable)" }
        return "no SSH key: pass --ssh-key or set \(GitCredentials.sshKeyVariable)"
    }

    var credentialDescription: String {
        switch location.kind {
        case .ssh: return sshCredentialDescription
        default: return httpCredentialDescription
        }
    }
}
