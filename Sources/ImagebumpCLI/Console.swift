#if canImport(FoundationEssentials)
import FoundationEssentials // JSONEncoder without loading ICU: keeps start-up fast
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// stdout/stderr writing, colour decision and JSON encoding for the CLI.
public enum Console {
    public static func out(_ s: String, terminator: String = "\n") { write(1, s + terminator) }

    public static func error(_ s: String, prefix: Bool = true) { write(2, (prefix ? "imagebump: error: " : "") + s + "\n") }

    public static func warning(_ s: String) { write(2, "imagebump: warning: " + s + "\n") }

    private static func write(_ fd: Int32, _ s: String) {
        var s = s
        s.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; return }
                off += n
            }
        }
    }

    /// Colour only on a terminal, and never with NO_COLOR set (https://no-color.org).
    public static var colorEnabled: Bool {
        getenv("NO_COLOR") == nil && isatty(STDOUT_FILENO) == 1 && String(cString: getenv("TERM") ?? strdup("")) != "dumb"
    }
}

public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(value), as: UTF8.self)
    }
}
