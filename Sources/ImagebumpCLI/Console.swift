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

    /// Errors go to stderr; on GitHub Actions each line also becomes an `::error file=…,line=…::` annotation.
    public static func error(_ s: String, prefix: Bool = true) {
        write(2, (prefix ? "imagebump: error: " : "") + s + "\n")
        if prefix && getenv("GITHUB_ACTIONS").map({ String(cString: $0) }) == "true" {
            for line in s.split(separator: "\n") { write(1, annotation(String(line)) + "\n") }
        }
    }

    /// `path:line:col: message` → `::error file=path,line=L,col=C::message`.
    static func annotation(_ line: String) -> String {
        let parts = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
        func escape(_ s: Substring) -> String {
            String(s.replacing("%", with: "%25").replacing("\r", with: "%0D").replacing("\n", with: "%0A"))
        }
        if parts.count == 4, Int(parts[1]) != nil, Int(parts[2]) != nil {
            return "::error file=\(escape(parts[0]).replacing(",", with: "%2C")),line=\(parts[1]),col=\(parts[2])::\(escape(parts[3].drop { $0 == " " }))"
        }
        return "::error::" + escape(Substring(line))
    }

    public static func raw(_ fd: Int32, _ s: String) { write(fd, s) }

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
        colorEnabled(isTTY: isatty(STDOUT_FILENO) == 1, noColor: getenv("NO_COLOR").map { String(cString: $0) },
                     term: getenv("TERM").map { String(cString: $0) })
    }

    public static func colorEnabled(isTTY: Bool, noColor: String?, term: String?) -> Bool {
        isTTY && noColor == nil && term != "dumb"
    }
}

public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(value), as: UTF8.self)
    }
}
