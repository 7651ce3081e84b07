import ArgumentParser

public struct Imagebump: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "imagebump",
        abstract: "Structured, byte-exact edits of container image references in GitOps repositories.",
        subcommands: [SetCommand.self]
    )
}
