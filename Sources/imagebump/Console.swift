import Foundation

/// stdout/stderr writing, colour decision and JSON encoding for the CLI.
enum Console {
    static func out(_ s: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((s + terminator).utf8))
    }

    static func error(_ s: String, prefix: Bool = true) {
        FileHandle.standardError.write(Data(((prefix ? "imagebump: error: " : "") + s + "\n").utf8))
    }

    /// Colour only on a terminal, and never with NO_COLOR set (https://no-color.org).
    static var colorEnabled: Bool {
        ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }
}

enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(value), as: UTF8.self)
    }
}
