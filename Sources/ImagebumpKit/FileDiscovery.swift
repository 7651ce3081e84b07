#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A YAML file to look at: the path shown to the user and the real path that is read and written.
public struct DiscoveredFile: Hashable, Sendable {
    /// As the user would write it (relative to the working directory when under it).
    public let displayPath: String
    /// Resolved path (symlinks followed), written in place of the link.
    public let realPath: String
    /// Named with `-f` itself rather than found in a directory.
    public let explicit: Bool
}

public struct DiscoveryError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

/// Expands `-f` arguments: files as given, directories searched recursively for `*.yaml`/`*.yml` (and
/// kustomize's `Kustomization`), hidden directories skipped, symlinks followed only inside the searched tree.
public enum FileDiscovery {
    public static func discover(_ paths: [String]) throws(DiscoveryError) -> [DiscoveredFile] {
        var out: [DiscoveredFile] = []
        var seen: Set<String> = []
        for path in paths {
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw DiscoveryError(path: path, message: String(cString: strerror(errno)))
            }
            guard let real = realPath(path) else { throw DiscoveryError(path: path, message: "cannot resolve path") }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                try walk(dir: path, realDir: real, treeRoot: real, into: &out, seen: &seen)
            } else if (st.st_mode & S_IFMT) == S_IFREG {
                if seen.insert(real).inserted { out.append(DiscoveredFile(displayPath: clean(path), realPath: real, explicit: true)) }
            } else {
                throw DiscoveryError(path: path, message: "not a regular file or directory")
            }
        }
        return out
    }

    static func isYAMLName(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name == "Kustomization"
    }

    private static func walk(dir: String, realDir: String, treeRoot: String, into out: inout [DiscoveredFile], seen: inout Set<String>) throws(DiscoveryError) {
        guard let d = opendir(dir) else { throw DiscoveryError(path: dir, message: String(cString: strerror(errno))) }
        var names: [String] = []
        while let ent = readdir(d) {
            let name = withUnsafePointer(to: ent.pointee.d_name) { p in
                p.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." || name.hasPrefix(".") { continue }
            names.append(name)
        }
        closedir(d)
        names.sort() // stable, reproducible order of changes and diffs
        for name in names {
            let path = dir == "." ? name : (dir.hasSuffix("/") ? dir + name : dir + "/" + name)
            var lst = stat()
            guard lstat(path, &lst) == 0 else { continue }
            let type = lst.st_mode & S_IFMT
            if type == S_IFDIR {
                try walk(dir: path, realDir: realDir + "/" + name, treeRoot: treeRoot, into: &out, seen: &seen)
            } else if type == S_IFREG, isYAMLName(name) {
                // A regular file found by walking from a resolved root is its own real path (no realpath() per file).
                let real = (realDir == "/" ? "" : realDir) + "/" + name
                if seen.insert(real).inserted { out.append(DiscoveredFile(displayPath: clean(path), realPath: real, explicit: false)) }
            } else if type == S_IFLNK, isYAMLName(name) {
                // Only a link to a regular file inside the searched tree; directory links are not followed.
                var st = stat()
                guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, let real = realPath(path),
                      real.hasPrefix(treeRoot.hasSuffix("/") ? treeRoot : treeRoot + "/") else { continue }
                if seen.insert(real).inserted { out.append(DiscoveredFile(displayPath: clean(path), realPath: real, explicit: false)) }
            }
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static func clean(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return p
    }
}
