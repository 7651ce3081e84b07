#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ImageRules

/// The directory a run works in (a checkout, a temporary clone, or the working directory of a local edit).
/// Every path is resolved against it, and every file read or written must lie inside it after following all links:
/// a config repo can hold links, and a link must not make imagebump touch a file outside the repository.
public struct RepoRoot: Sendable {
    /// Absolute, with every link resolved.
    public let realPath: String
    /// How messages name the root: never by its path (a temporary clone's path means nothing to the user).
    let label: String
    /// The root is a git working tree: a directory below it with its own `.git` is another repository (a
    /// submodule), whose files this repository's commit must never hold.
    let isRepository: Bool

    public init(_ path: String) throws(DiscoveryError) {
        guard let real = Self.resolveLinks(path) else {
            throw DiscoveryError(path: path, message: "cannot open the root directory: " + String(cString: strerror(errno)))
        }
        realPath = real
        isRepository = Self.hasGitEntry(real)
        label = isRepository ? "the repository" : "the working directory"
    }

    /// True when `directory` holds a `.git` (a directory, or a submodule's `gitdir:` file).
    static func hasGitEntry(_ directory: String) -> Bool {
        var st = stat()
        return lstat(directory + "/.git", &st) == 0
    }

    /// The submodule (or other nested repository) holding root-relative `relative`: its first directory below the
    /// root that has a `.git` of its own, nil when there is none or the root is no repository.
    func nestedRepository(holding relative: String) -> String? {
        guard isRepository else { return nil }
        var prefix = ""
        for c in relative.split(separator: "/") {
            prefix += prefix.isEmpty ? String(c) : "/" + c
            if Self.hasGitEntry(realPath + "/" + prefix) { return prefix }
        }
        return nil
    }

    /// `path` (relative to the root, or absolute) joined and normalised without touching the file system.
    func lexical(_ path: String) -> String {
        var parts: [Substring] = []
        for c in ((path.hasPrefix("/") ? "" : realPath + "/") + path).split(separator: "/") {
            if c == "." || c.isEmpty { continue }
            if c == ".." { _ = parts.popLast() } else { parts.append(c) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The root-relative form of an absolute real path ("" for the root itself), nil when outside the root.
    func relative(_ real: String) -> String? {
        if real == realPath { return "" }
        let prefix = realPath == "/" ? "/" : realPath + "/"
        return real.hasPrefix(prefix) ? String(real.dropFirst(prefix.count)) : nil
    }

    /// What the user named with `-f`, resolved through every link and confined to the root — before anything is read.
    func resolveNamed(_ path: String) throws(DiscoveryError) -> (real: String, relative: String) {
        let joined = lexical(path)
        guard relative(joined) != nil else {
            throw DiscoveryError(path: path, message: "is outside \(label); -f paths must stay inside it")
        }
        return try resolve(joined, shown: path)
    }

    /// Follows every link of `absolute`; the result must exist and lie inside the root. `shown` names it in errors.
    func resolve(_ absolute: String, shown: String) throws(DiscoveryError) -> (real: String, relative: String) {
        guard let real = Self.resolveLinks(absolute) else {
            let err = errno
            var st = stat()
            if err == ENOENT, lstat(absolute, &st) == 0 {
                throw DiscoveryError(path: shown, message: "is a link whose target \(Self.linkText(absolute).map(PathQuoting.quoted) ?? "?") is not on disk"
                                     + " (a --repo clone checks out only the -f paths: name the target with -f too)")
            }
            throw DiscoveryError(path: shown, message: String(cString: strerror(err)))
        }
        guard let rel = relative(real) else {
            throw DiscoveryError(path: shown, message: "is a link that leads outside \(label) (to \(PathQuoting.quoted(real))); refused")
        }
        return (real, rel)
    }

    /// `path` with every link and `.`/`..` resolved (realpath(3)); nil when it does not exist.
    public static func resolveLinks(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// The text of the first link on the way to `path` (what the repository wrote), for messages.
    static func linkText(_ path: String) -> String? {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buf, buf.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The process's working directory: the root of a local edit (read once, at the edge).
    public static func currentDirectory() -> String {
        guard let p = getcwd(nil, 0) else { return "." }
        defer { free(p) }
        return String(cString: p)
    }
}
