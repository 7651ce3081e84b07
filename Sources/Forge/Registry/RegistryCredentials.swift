import FoundationEssentials
import Support

/// A user name and secret for one registry, and where it came from (named in messages, never the secret).
public struct RegistryCredential: Sendable, Equatable {
    public var username: String
    public var secret: String
    public var source: String
    public init(username: String, secret: String, source: String) {
        self.username = username; self.secret = secret; self.source = source
    }

    /// `USER:PASSWORD` (split at the first colon; the password may hold more), nil without a colon or a user.
    public init?(userPassword text: String, source: String) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return nil }
        self.init(username: String(text[..<colon]), secret: String(text[text.index(after: colon)...]), source: source)
    }

    /// `Authorization: Basic …` for this credential.
    var basic: String { "Basic " + Data("\(username):\(secret)".utf8).base64EncodedString() }
}

/// Where a registry's credentials are looked up, in this order: `--registry-auth-env HOST=NAME` (the variable
/// holds USER:PASSWORD), Docker's config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`: `credHelpers`,
/// `auths`, `credsStore`), then the CI job's own registry (GitLab's `CI_REGISTRY`, GitHub's ghcr.io). Each
/// credential is for the one registry it is filed under: nothing is ever sent to another.
public struct RegistryCredentialSources: Sendable {
    /// Registry (host[:port], `docker.io`) → name of the variable holding `USER:PASSWORD` (`RegistryAuthVariables`).
    public var explicit: [String: String]
    public var environment: [String: String]
    /// Seconds a credential helper may take (the run's `--timeout`).
    public var helperTimeout: TimeInterval

    public init(explicit: [String: String] = [:], environment: [String: String], helperTimeout: TimeInterval = 120) {
        self.explicit = explicit
        self.environment = environment
        self.helperTimeout = helperTimeout
    }

    struct DockerConfig: Decodable {
        struct Auth: Decodable { var auth: String?; var username: String?; var password: String?; var identitytoken: String? }
        var auths: [String: Auth]?
        var credHelpers: [String: String]?
        var credsStore: String?
    }

    /// The credential for `registry` (as `RegistryLocation.registry` names it), nil: anonymous.
    public func credential(for registry: String) throws -> RegistryCredential? {
        let key = registry.lowercased()
        if let name = explicit[key] {
            guard let value = environment[name], !value.isEmpty else {
                throw ForgeError(.configuration, "--registry-auth-env names \(name) for \(registry), but \(name) is not set")
            }
            guard let credential = RegistryCredential(userPassword: value, source: name) else {
                throw ForgeError(.configuration, "\(name) (--registry-auth-env for \(registry)) must hold USER:PASSWORD")
            }
            return credential
        }
        if let found = try dockerConfig(registry: key) { return found }
        return ciRegistry(registry: key)
    }

    var dockerConfigPath: String? {
        if let dir = environment["DOCKER_CONFIG"], !dir.isEmpty { return dir + "/config.json" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.docker/config.json" }
        return nil
    }

    /// The names a registry may be filed under in config.json: Docker Hub's legacy URL, or the host with or
    /// without a scheme and path.
    static func matches(_ key: String, registry: String) -> Bool {
        let url = RemoteURL(key.contains("://") ? key : "https://" + key)
        guard let name = url.host?.lowercased() else { return false }
        let host = url.explicitPort.map { "\(name):\($0)" } ?? name
        if registry == RegistryLocation.dockerHub {
            return host == "index.docker.io" || host == "docker.io" || host == "registry-1.docker.io"
        }
        return host == registry
    }

    func dockerConfig(registry: String) throws -> RegistryCredential? {
        guard let path = dockerConfigPath, let bytes = FileManager.default.contents(atPath: path) else { return nil }
        let config: DockerConfig
        do { config = try JSONDecoder().decode(DockerConfig.self, from: bytes) } catch {
            throw ForgeError(.configuration, "\(path) is not a Docker config file (JSON with auths, credHelpers, credsStore): \(error)")
        }
        let server = registry == RegistryLocation.dockerHub ? RegistryLocation.dockerHubCredentialKey : registry
        if let helper = config.credHelpers?.first(where: { Self.matches($0.key, registry: registry) })?.value {
            return try helperCredential(helper, server: server)
        }
        if let (key, entry) = config.auths?.first(where: { Self.matches($0.key, registry: registry) }) {
            let source = "\(path) auths[\(key)]"
            if let token = entry.identitytoken, !token.isEmpty {
                return RegistryCredential(username: "<token>", secret: token, source: source)
            }
            if let auth = entry.auth, !auth.isEmpty {
                guard let decoded = Data(base64Encoded: auth).map({ String(decoding: $0, as: UTF8.self) }),
                      let credential = RegistryCredential(userPassword: decoded, source: source) else {
                    throw ForgeError(.configuration, "\(source).auth is not base64 of USER:PASSWORD")
                }
                return credential
            }
            if let user = entry.username, let password = entry.password {
                return RegistryCredential(username: user, secret: password, source: source)
            }
            // an empty entry (docker login with credsStore writes one): the store holds the secret
        }
        if let store = config.credsStore, !store.isEmpty { return try helperCredential(store, server: server) }
        return nil
    }

    private func helperCredential(_ helper: String, server: String) throws -> RegistryCredential? {
        try CredentialHelper.get(helper: helper, server: server, environment: environment, timeout: helperTimeout).map {
            RegistryCredential(username: $0.username, secret: $0.secret, source: "docker-credential-\(helper)")
        }
    }

    /// The CI job's own registry: GitLab's `CI_REGISTRY` (its user and password, else the job token), GitHub's
    /// ghcr.io with `GITHUB_TOKEN`.
    func ciRegistry(registry: String) -> RegistryCredential? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let ci = value("CI_REGISTRY")?.lowercased(), ci == registry {
            if let user = value("CI_REGISTRY_USER"), let password = value("CI_REGISTRY_PASSWORD") {
                return RegistryCredential(username: user, secret: password, source: "CI_REGISTRY_PASSWORD")
            }
            if let token = value("CI_JOB_TOKEN") {
                return RegistryCredential(username: "gitlab-ci-token", secret: token, source: "CI_JOB_TOKEN")
            }
        }
        if registry == "ghcr.io", let token = value("GITHUB_TOKEN") {
            return RegistryCredential(username: value("GITHUB_ACTOR") ?? "x-access-token", secret: token, source: "GITHUB_TOKEN")
        }
        return nil
    }
}
