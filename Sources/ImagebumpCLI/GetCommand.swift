import ArgumentParser
import Environments
import ImageRules
import ImagebumpKit

/// `imagebump get`: what each environment runs (read-only).
public struct GetCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show what each environment runs: every image's reference, file and line.",
        discussion: "With imagebump.yaml: every environment, or those named with --env. Without one: what the -f paths hold."
    )

    @Option(name: .customLong("env"), help: ArgumentHelp("An environment of imagebump.yaml (repeatable; default: all).", valueName: "name"))
    public var environments: [String] = []

    @Option(name: [.short, .customLong("file")], help: ArgumentHelp("A YAML file or directory to list instead of environments (repeatable).", valueName: "path"))
    public var files: [String] = []

    @OptionGroup public var config: ConfigOption

    @Option(help: "Output format: text or json.")
    public var output: OutputFormat = .text

    public init() {}

    public func validate() throws {
        if !environments.isEmpty && !files.isEmpty { throw ValidationError("give --env or -f, not both") }
    }

    public func run() throws {
        let cwd = RepoRoot.currentDirectory()
        let report: EnvironmentsReport
        do {
            report = try makeReport(workingDirectory: cwd)
        } catch {
            Console.error(Problem.list(error))
            throw ExitCode.failure
        }
        switch output {
        case .json: Console.out(try JSONOutput.encode(report))
        case .text: Console.out(report.text, terminator: "")
        }
    }

    func makeReport(workingDirectory cwd: String) throws -> EnvironmentsReport {
        if !files.isEmpty {
            // one entry per path, named by it
            return EnvironmentsReport(environments: try files.map { f in
                .init(name: f, images: try Inventory.images(root: cwd, paths: [f]).map { HeldImage($0.image, file: $0.file) })
            })
        }
        let root = ConfigFile.repositoryRoot(from: cwd)
        guard let config = try config.load(root: root, workingDirectory: cwd) else {
            throw ValidationError("no \(ConfigFile.names.joined(separator: " or ")) at the root of \(root): give --config PATH, or -f PATH to list one path")
        }
        let names = environments.isEmpty ? config.environments.map(\.name) : environments
        return EnvironmentsReport(environments: try names.map { name in
            let env = try config.environment(name)
            return .init(name: name, images: try Inventory.images(root: root, paths: env.files).map { HeldImage($0.image, file: $0.file) })
        })
    }
}
