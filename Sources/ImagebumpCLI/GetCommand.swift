import ArgumentParser
import ImagebumpKit
import ImageRules
import Support

/// `imagebump get`: what each environment runs (read-only), in a local checkout or a clone of `--repo`.
public struct GetCommand: RoutedCommand, ContextCommand {
    public static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show what each environment runs: the image each overlay renders, and where that value is set.",
        discussion: """
        With imagebump.yaml: every environment, or those named with --env. Without one: what the -f paths run. A \
        kustomization directory is rendered as kustomize does (its resources:, bases: and components: inside the \
        repository, each images: entry applied over its bases'); other files are listed as written.
        """
    )

    @OptionGroup public var environments: EnvironmentFilter

    @Option(name: [.short, .customLong("file")], help: ArgumentHelp("A YAML file or directory to list instead of environments (repeatable).", valueName: "path"))
    public var files: [String] = []

    @Option(name: .customLong("image"), help: ArgumentHelp("Show only this image (repeatable).", valueName: "name"))
    public var images: [String] = []

    @OptionGroup public var config: ConfigOption

    @Option(help: "Output format: text or json.")
    public var output: OutputFormat = .text

    @OptionGroup(title: "Config repo (read-only)") public var repo: RepoAccessOptions

    public init() {}

    public var route: Route { repo.repo == nil ? .local : .git }

    public func validate() throws {
        if !environments.names.isEmpty && !files.isEmpty { throw ValidationError("give --env or -f, not both") }
        for i in images where (try? ImageName(parsing: i)) == nil { throw ValidationError("--image \(i): not an image name") }
    }

    public func run(in context: CommandContext) throws {
        let cwd = context.workingDirectory
        let report: GetReport
        if route == .git {
            report = try context.requireGit().withCheckout(repo, context: context) { checkout in
                try makeReport(root: checkout.root, workingDirectory: cwd)
            }
        } else {
            report = try makeReport(root: nil, workingDirectory: cwd)
        }
        switch output {
        case .json: Console.out(try JSONOutput.encode(report))
        case .text: Console.out(report.text(first: files.isEmpty ? "ENVIRONMENT" : "PATH"), terminator: "")
        }
    }

    /// The error on stderr; with `--output json` also one document on stdout (schema/get.schema.json).
    public func report(_ error: Error, in context: CommandContext) -> Error {
        let problems = RunOutput(format: output, dotenv: nil, context: context).printed(error)
        if output == .json, let json = try? JSONOutput.encode(Failure(problems)) { Console.out(json) }
        return ExitCode.failure
    }

    /// What `--output json` prints for a failed run: `{"status": "failed", "error": {...}}`, the error as `set` reports it.
    struct Failure: Encodable {
        let status = "failed"
        let error: RunReport.ErrorInfo
        init(_ problems: [Problem]) { error = .init(message: problems.map(\.description).joined(separator: "\n"), problems: problems) }
    }

    /// - Parameter root: the checkout of --repo; nil: the repository around the working directory (-f paths are then
    ///   relative to the working directory, as for set).
    func makeReport(root checkout: String?, workingDirectory cwd: String) throws -> GetReport {
        let wanted = Set(images.compactMap { try? ImageName(parsing: $0).normalized })
        func running(_ root: String, _ paths: [String]) throws -> [RunningImage] {
            let all = try RunningImages.collect(root: root, paths: paths)
            return wanted.isEmpty ? all : all.filter { (try? ImageName(parsing: $0.found.name)).map { wanted.contains($0.normalized) } ?? false }
        }
        if !files.isEmpty {
            // one entry per path, named by it
            let root = checkout ?? cwd
            return GetReport(environments: try files.map { f in .init(name: f, images: try running(root, [f])) })
        }
        let root = checkout ?? ConfigFile.repositoryRoot(from: cwd)
        guard let config = try config.load(root: root, workingDirectory: cwd) else {
            throw ValidationError("no \(ConfigFile.names.joined(separator: " or ")) at the root of \(checkout == nil ? root : "--repo"): give --config PATH, or -f PATH to list one path")
        }
        let names = try environments.resolve(config)
        return GetReport(environments: try names.map { name in
            .init(name: name, images: try running(root, try config.environment(name).paths(root: root)))
        })
    }
}
