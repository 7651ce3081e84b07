import ArgumentParser

struct SetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Set image tags/digests in YAML files.")

    @Argument(help: "Image specs: NAME:TAG, NAME@DIGEST, NAME:TAG@DIGEST, NAME=NEWNAME:TAG[@DIGEST].")
    var specs: [String] = []

    func run() throws {}
}
