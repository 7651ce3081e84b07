import ImageReference
import ImagebumpCLI

struct GitRemoteRunner: RemoteRunner {
    func run(_ command: SetCommand, specs: [ImageSpec]) throws {
        throw ValidationErrorPlaceholder()
    }
}
struct ValidationErrorPlaceholder: Error {}
