#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ImageRules
import Support

/// A YAML file to look at.
public struct DiscoveredFile: Hashable, Sendable {
    /// The real path relative to the root (links resolved): what is reported, read, written and staged.
    public let displayPath: String
    /// The absolute real path (inside the root).
    public let realPath: String
    /// Named with `-f` itself rather than found in a directory.
    public let explicit: Bool
}

public struct DiscoveryError: ProblemError {
    public let path: String
    public let message: String
    /// `path` is a name no `String` holds (not UTF-8), already quoted: it is named in the message, not as the file.
    var pathIsQuotedBytes = false
    public var problems: [Problem] {
        [pathIsQuotedBytes ? Problem(message: path + ": " + message) : Problem(file: path, message: message)]
    }
    public var description: String { problems[0].description }

    init(path: String, message: String) { self.path = path; self.message = message }

    /// A name that is not UTF-8 where a YAML file or a directory to search could be: refused rather than skipped.
    init(notUTF8 name: [UInt8], under relative: String) {
        path = PathQuoting.quoted(bytes: relative.isEmpty ? name : Array(relative.utf8) + [0x2F] + name)
        message = "the name is not UTF-8: imagebump cannot name it in a report, a diff or a commit, and does not skip it; rename it"
        pathIsQuotedBytes = true
    }
}

/// What `-f` arguments expand to.
public struct Discovery: Sendable {
    public var files: [DiscoveredFile] = []
    /// `-f` directories (as given) under which no YAML file was found.
    public var emptyDirectories: [String] = []
}

/// Expands `-f` arguments against a root: files as given (YAML names only), directories searched recursively for
/// `*.yaml`/`*.yml` (and kustomize's `Kustomization`). Hidden directories (`.git`) are skipped, hidden files
/// (`.argocd-source-app.yaml`) are not. In a repository, submodules (directories with a `.git` of their own) are
/// not searched, and a `-f` path inside one is refused: their files belong to another repository. Links are followed — to files and directories — when they stay inside the
/// root; a link that leaves it is refused. Each real file is listed once.
public enum FileDiscovery {
    public static func discover(_ paths: [String], root: RepoRoot, excludes: [String] = []) throws(DiscoveryError) -> Discovery {
        var walk = Walk(root: root, excludes: excludes)
        var out = Discovery()
        for path in paths {
            let (real, rel) = try root.resolveNamed(path)
            if let sub = root.nestedRepository(holding: rel) {
                throw DiscoveryError(path: path, message: "is inside the submodule \(PathQuoting.quoted(sub)) (a repository of its own); imagebump edits only files of \(root.label): run it in the submodule")
            }
            var st = stat()
            guard stat(real, &st) == 0 else { throw DiscoveryError(path: path, message: String(cString: strerror(errno))) }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                if walk.seenDirs.contains(real) { continue } // under an earlier -f directory
                let before = walk.encountered
                try walk.directory(real: real, relative: rel)
                if walk.encountered == before { out.emptyDirectories.append(path) }
            } else if (st.st_mode & S_IFMT) == S_IFREG {
                let name = String(path.split(separator: "/").last ?? "")
                guard isYAMLName(name) else {
                    throw DiscoveryError(path: path, message: "not a YAML file (expected *.yaml, *.yml or Kustomization)")
                }
                walk.add(DiscoveredFile(displayPath: rel, realPath: real, explicit: true))
            } else {
                throw DiscoveryError(path: path, message: "not a regular file or directory")
            }
        }
        out.files = walk.found
        return out
    }

    public static func isYAMLName(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name == "Kustomization"
    }

    /// True when `--exclude` glob `pattern` matches `relative` (`*` also matches `/`), or, for a pattern without
    /// a slash, the last component of it.
    static func excluded(_ relative: String, by patterns: [String]) -> Bool {
        guard !patterns.isEmpty else { return false }
        let name = relative.split(separator: "/").last.map(String.init) ?? relative
        return patterns.contains { p in
            fnmatch(p, relative, 0) == 0 || (!p.contains("/") && fnmatch(p, name, 0) == 0)
        }
    }

    /// A name (bytes) in directory `real` that discovery would read: a YAML file name, or a directory that is
    /// not hidden (followed through a link as discovery follows it).
    static func mayHoldYAML(_ name: [UInt8], in real: String) -> Bool {
        if name.first == 0x2E { return false }
        if isYAMLName(String(decoding: name, as: UTF8.self)) { return true }
        var st = stat()
        return DirectoryListing.withCString(Array(real.utf8) + [0x2F] + name) { stat($0, &st) } == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    private struct Walk {
        let root: RepoRoot
        let excludes: [String]
        var found: [DiscoveredFile] = []
        var seenFiles: Set<String> = []
        var seenDirs: Set<String> = []
        /// YAML files met so far, a file met twice counted twice (tells an empty directory apart).
        var encountered = 0

        init(root: RepoRoot, excludes: [String]) { self.root = root; self.excludes = excludes }

        mutating func add(_ f: DiscoveredFile) {
            encountered += 1
            if seenFiles.insert(f.realPath).inserted { found.append(f) }
        }

        /// `real` is a resolved directory inside the root; `relative` is the path walked to it (links as named).
        mutating func directory(real: String, relative: String) throws(DiscoveryError) {
            guard seenDirs.insert(real).inserted else { return } // a link back up the tree, or listed already
            let entries: [DirectoryListing.Entry]
            do { entries = try DirectoryListing.entries(real) } catch {
                throw DiscoveryError(path: relative.isEmpty ? "." : relative, message: String(cString: strerror(error.code)))
            }
            var names: [String] = []
            for e in entries {
                if let name = e.name { names.append(name) }
                else if FileDiscovery.mayHoldYAML(e.bytes, in: real) { throw DiscoveryError(notUTF8: e.bytes, under: relative) }
            }
            names.sort() // stable, reproducible order of changes and diffs
            for name in names {
                let path = (real == "/" ? "" : real) + "/" + name
                let shown = relative.isEmpty ? name : relative + "/" + name
                var lst = stat()
                guard lstat(path, &lst) == 0 else { continue }
                var type = lst.st_mode & S_IFMT
                var target = (real: path, relative: root.relative(path) ?? shown)
                if type == S_IFLNK {
                    var st = stat()
                    // a dangling link to something that is not YAML is no concern of ours
                    guard stat(path, &st) == 0 || FileDiscovery.isYAMLName(name) else { continue }
                    type = st.st_mode & S_IFMT
                    let wanted = (type == S_IFDIR && !name.hasPrefix(".")) || (type != S_IFDIR && FileDiscovery.isYAMLName(name))
                    guard wanted, !FileDiscovery.excluded(shown, by: excludes) else { continue }
                    target = try root.resolve(path, shown: shown) // refuses a link that leaves the root
                }
                if FileDiscovery.excluded(shown, by: excludes) || FileDiscovery.excluded(target.relative, by: excludes) { continue }
                if type == S_IFDIR {
                    if name.hasPrefix(".") { continue } // .git, .github, editor state
                    if root.nestedRepository(holding: target.relative) != nil { continue } // a submodule: another repository
                    try directory(real: target.real, relative: shown)
                } else if type == S_IFREG, FileDiscovery.isYAMLName(name) {
                    add(DiscoveredFile(displayPath: target.relative, realPath: target.real, explicit: false))
                }
            }
        }
    }
}
