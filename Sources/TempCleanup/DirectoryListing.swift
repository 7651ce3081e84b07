#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a directory with POSIX calls (the edit-only executable does without Foundation); shared by temp-path
/// removal and YAML file discovery.
public enum DirectoryListing {
    /// `opendir` failed with this `errno`.
    public struct Failure: Error { public let code: Int32 }

    /// The names in directory `path` other than `.` and `..`, in the order `readdir` gives them.
    public static func names(_ path: String) throws(Failure) -> [String] {
        guard let d = opendir(path) else { throw Failure(code: errno) }
        defer { closedir(d) }
        var names: [String] = []
        while let ent = readdir(d) {
            let name = withUnsafePointer(to: ent.pointee.d_name) { p in
                p.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
