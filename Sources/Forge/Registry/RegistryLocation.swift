/// Where an image's registry API is and what the repository is called there: Docker Hub's naming applied
/// (distribution's `splitDockerDomain`). A pure function of the name, so it is tested without any network.
public struct RegistryLocation: Sendable, Equatable {
    /// The host[:port] the `/v2/` API is on: `registry-1.docker.io` for Docker Hub.
    public let apiHost: String
    /// The repository path on that host: `library/nginx` for `nginx`.
    public let repository: String
    /// The registry as users and credential stores name it: `docker.io` for Docker Hub, else the domain as written.
    public let registry: String

    public static let dockerHub = "docker.io"
    static let dockerHubAPIHost = "registry-1.docker.io"
    /// The key Docker's config.json and credential helpers file Docker Hub's credentials under.
    static let dockerHubCredentialKey = "https://index.docker.io/v1/"

    /// `domain`: the name's registry part (nil when it has none: Docker Hub); `path`: the rest.
    public init(domain: String?, path: String) {
        let d = domain.map { $0.lowercased() } ?? Self.dockerHub
        if d == Self.dockerHub || d == "index.docker.io" || d == Self.dockerHubAPIHost {
            registry = Self.dockerHub
            apiHost = Self.dockerHubAPIHost
            repository = path.contains("/") ? path : "library/" + path
        } else {
            registry = domain!
            apiHost = domain!
            repository = path
        }
    }

    public var isDockerHub: Bool { registry == Self.dockerHub }

    /// `https://HOST/v2/REPOSITORY/` + `rest`.
    func url(_ rest: String) -> String { "https://\(apiHost)/v2/\(repository)/\(rest)" }
}
