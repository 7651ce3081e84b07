#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Reads a directory with POSIX calls (the edit-only executable does without Foundation); shared by temp-path
/// removal and YAML file discovery. Names are bytes: a name that is not UTF-8 is still listed, as it is.
public enum DirectoryListing {
    /// `opendir` failed with this `errno`.
    public struct Failure: Error { public let code: Int32 }

    /// One name in a directory.
    public struct Entry: Sendable {
        /// The name's bytes, as the file system holds them.
        public let bytes: [UInt8]
        /// The name, nil when its bytes are not UTF-8 (such a name cannot be a `String` without changing it).
        public var name: String? { String(validating: bytes, as: UTF8.self) }
    }

    /// The entries of directory `path` other than `.` and `..`, in the order `readdir` gives them.
    public static func entries(_ path: String) throws(Failure) -> [Entry] { try entries(cPath: Array(path.utf8)) }

    /// As `entries(_:)` for a path given as bytes (one that may not be UTF-8).
    public static func entries(cPath path: [UInt8]) throws(Failure) -> [Entry] {
        guard let d = withCString(path, { opendir($0) }) else { throw Failure(code: errno) }
        defer { closedir(d) }
        var out: [Entry] = []
        while let ent = readdir(d) {
            let bytes = withUnsafeBytes(of: ent.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if bytes != [0x2E] && bytes != [0x2E, 0x2E] { out.append(Entry(bytes: bytes)) }
        }
        return out
    }

    /// Calls `body` with `path` as a NUL-terminated C string.
    public static func withCString<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        try (path + [0]).withUnsafeBufferPointer { buf in
            try buf.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }
}
