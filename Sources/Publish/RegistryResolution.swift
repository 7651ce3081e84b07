import FoundationEssentials
import Support
import Forge
import GitOps
import ImageRules
import ImagebumpKit
import ImagebumpCLI

/// `--verify` and `--pin-digest`, before any file is written or anything pushed: every image spec's new reference
/// is asked of its own registry (a HEAD of the manifest, which Docker Hub does not count as a pull). With
/// `--pin-digest` a tag becomes TAG@DIGEST, the top-level digest (a multi-arch image's index, never a child), which
/// the image rules then write in each file's own form. Every spec is asked, so one run names every missing image.
enum RegistryResolution {
    /// The specs `texts` as the registries answer them; throws every refusal, each naming the reference and what its
    /// registry said.
    static func resolve(_ texts: [String], options: RegistryOptions, client: RegistryClient) throws -> ImageResolution {
        let specs = try SetCommand.parse(texts)
        let flag = options.pinDigest ? "--pin-digest" : "--verify"
        var out: [String] = [], images: [ResolvedImage] = [], problems: [Problem] = []
        for spec in specs {
            let name = spec.newName ?? spec.name
            guard let reference = spec.digest ?? spec.tag else {
                problems.append(Problem(message: "\(flag): \(spec.text) renames \(spec.name.written) and keeps each file's tag, which no registry can be asked about before the files are read; give the tag (\(spec.text):TAG)"))
                continue
            }
            let written = ImageReference.format(name: name.written, tag: spec.tag, digest: spec.digest)
            do {
                let found = try client.manifest(RegistryLocation(domain: name.domain, path: name.path), reference: reference)
                let pin = options.pinDigest && spec.digest == nil
                out.append(pin ? pinned(spec, digest: found.digest) : spec.text)
                images.append(ResolvedImage(image: pin ? written + "@" + found.digest : written, digest: found.digest, verified: true))
            } catch let e as ForgeError where e.kind == .notFound {
                problems.append(Problem(message: "\(flag): \(written) does not exist in its registry: \(e.message); nothing was written"))
                images.append(ResolvedImage(image: written, digest: nil, verified: false))
            } catch {
                problems.append(Problem(message: "\(flag): cannot check \(written) in its registry: \(error); nothing was written"))
                images.append(ResolvedImage(image: written, digest: nil, verified: false))
            }
        }
        if !problems.isEmpty { throw Refusal(problems: problems, images: images) }
        return ImageResolution(specs: out, images: images)
    }

    /// The registries' refusals, and what each image got (for the report of the failed run).
    struct Refusal: ProblemError {
        let problems: [Problem]
        let images: [ResolvedImage]
        var description: String { problems.map(\.description).joined(separator: "\n") }
    }

    /// `spec` with `digest` added to its tag (`NAME:TAG@DIGEST`, `NAME=NEWNAME:TAG@DIGEST`).
    static func pinned(_ spec: ImageSpec, digest: String) -> String {
        let to = ImageReference.format(name: (spec.newName ?? spec.name).written, tag: spec.tag, digest: digest)
        return spec.newName == nil ? to : spec.name.written + "=" + to
    }

    /// A client over libcurl with the run's limits and CA file (`--timeout`, `--phase-timeout`, `--ca-file`), its
    /// proxies and credentials from the context's variables.
    /// Every secret the client comes to hold (a credential from any source, a token) is masked in the CI log first.
    static func client(_ command: SetCommand, context: CommandContext) throws -> RegistryClient {
        let access = command.repo.access
        let timeouts = GitRemoteRunner.timeouts(access)
        let transport = CurlTransport(options: TransportOptions(
            caFile: GitRemoteRunner.absolute(access.caFile, cwd: context.workingDirectory), timeoutSeconds: timeouts.idle,
            phaseTimeout: timeouts.phase, environment: context.variables))
        let explicit = try RegistryAuthVariables.parse(command.registry.registryAuthEnv)
        // its notes (a retry, a token service on another host) on stderr, as the run's progress
        let console = context.console
        let debug: (@Sendable (String) -> Void)? = context.variables["IMAGEBUMP_DEBUG"] == nil ? nil : { @Sendable in Console.progress("imagebump debug: " + $0 + "\n") }
        let credentials = RegistryCredentialSources(explicit: explicit, environment: context.variables, helperTimeout: timeouts.idle)
        return RegistryClient(transport: transport, credentials: credentials,
                              log: { Console.progress("imagebump: " + $0 + "\n") }, mask: { console.addMask($0) }, debug: debug)
    }
}

/// `ImageRegistry` over one `RegistryClient`, whose logins (tokens per repository) last for the run.
final class RegistrySession: ImageRegistry {
    let client: RegistryClient
    init(client: RegistryClient) { self.client = client }

    func tags(of image: String) throws -> [String] {
        let name = try ImageName(parsing: image)
        return try client.tags(RegistryLocation(domain: name.domain, path: name.path))
    }

    func digest(of image: String, reference: String) throws -> String {
        let name = try ImageName(parsing: image)
        return try client.manifest(RegistryLocation(domain: name.domain, path: name.path), reference: reference).digest
    }
}

extension GitRemoteRunner {
    public func resolveImages(_ specs: [String], of command: SetCommand, using registry: (any ImageRegistry)?, context: CommandContext) throws -> ImageResolution {
        var output = RunOutput(format: command.edit.output, dotenv: command.repo.dotenv, context: context)
        var report = RunReport(mode: command.mode)
        var client: RegistryClient?
        do {
            let made = try (registry as? RegistrySession)?.client ?? RegistryResolution.client(command, context: context)
            client = made
            return try RegistryResolution.resolve(specs, options: command.registry, client: made)
        } catch {
            output.secrets = client?.secrets ?? [] // the client's messages are masked already; the report's are too
            report.images = (error as? RegistryResolution.Refusal)?.images
            throw output.fail(error, report: report)
        }
    }

    public func registry(for command: SetCommand, context: CommandContext) throws -> any ImageRegistry {
        RegistrySession(client: try RegistryResolution.client(command, context: context))
    }
}
