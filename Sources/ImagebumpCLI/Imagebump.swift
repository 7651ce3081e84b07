import ArgumentParser
import Support

/// The one command tree both executables parse.
public struct Imagebump: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "imagebump",
        abstract: "Structured, byte-exact edits of container image references in GitOps repositories.",
        version: BuildInfo.description,
        subcommands: [SetCommand.self, PromoteCommand.self, GetCommand.self, HistoryCommand.self, RollbackCommand.self, MetricsCommand.self, UpdateCommand.self]
    )
}
