import ArgumentParser
import ImagebumpKit
import Support

/// `--verify`, `--pin-digest` and `--registry-auth-env`: what `set` and `promote` ask the images' registries before
/// any file is written or anything pushed (the git backend asks: `GitBackend.resolveImages`).
public struct RegistryOptions: ParsableArguments {
    public init() {}

    @Flag(help: "Before anything is written or pushed, check that every new image reference exists in its registry (a HEAD of its manifest); one that does not fails the run (exit 1), naming it and what the registry said, and nothing is written.")
    public var verify = false

    @Flag(help: "Resolve each given tag to the digest its registry names now (a multi-arch image's index digest, not a child's) and write TAG@DIGEST, in the form each file holds it: kustomize digest:, Helm digest, @sha256: inline.")
    public var pinDigest = false

    @Option(help: ArgumentHelp("Credentials for one registry: the environment variable NAME holds USER:PASSWORD. Repeatable, one per registry. They go to that registry (and the token service it names) only. Default: Docker's config.json (DOCKER_CONFIG, ~/.docker; credential helpers too), then the CI job's own registry (CI_REGISTRY, ghcr.io with GITHUB_TOKEN).", valueName: "registry=NAME"))
    public var registryAuthEnv: [String] = []

    /// The run asks the registries (needs `imagebump-git`, which has an HTTP client).
    public var asksRegistry: Bool { verify || pinDigest }

    public func validate() throws {
        do { _ = try RegistryAuthVariables.parse(registryAuthEnv) } catch { throw ValidationError(error.message) }
    }
}

/// What the registries answered for a run's image specs: the specs to write (tags pinned to digests with
/// `--pin-digest`) and one entry per image for the report.
public struct ImageResolution: Sendable {
    public var specs: [String]
    public var images: [ResolvedImage]
    public init(specs: [String], images: [ResolvedImage]) { self.specs = specs; self.images = images }

    /// `targets` with the resolved specs (they share the run's specs: each environment gets the same digest).
    public func applied(to targets: [RunTarget]) -> [RunTarget] {
        targets.map { t in
            var t = t
            t.command.edit.specs = specs
            t.images = images
            return t
        }
    }
}

/// A client of the images' registries for one run (`GitBackend.registry(for:context:)`): `update` lists tags,
/// follows digests and verifies through one, so each registry is logged in to once.
public protocol ImageRegistry: AnyObject {
    /// Every tag the repository of `image` (a name without tag) has.
    func tags(of image: String) throws -> [String]
    /// The top-level digest `reference` (a tag or digest) of `image` names now.
    func digest(of image: String, reference: String) throws -> String
}
