#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Support

/// A path of imagebump.yaml's `files:` that may hold globs: `*` (and `?`, `[…]`) match within one path component,
/// `**` matches any number of components. A component matches a name with a leading `.` only when it starts with
/// one itself (hidden directories are not walked into by a wildcard).
public struct PathPattern: Sendable, Equatable {
    public let text: String
    let components: [String]

    public init(_ text: String) {
        self.text = text
        components = text == "." ? [] : text.split(separator: "/").map(String.init)
    }

    /// Whether any component holds a glob.
    public var isGlob: Bool { components.contains(where: Self.isWild) }

    static func isWild(_ c: String) -> Bool { c.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    /// What the wildcards matched in `path` (its components at wildcard places, joined by `/`), nil when the pattern
    /// does not match `path` as a whole. A literal pattern gives "".
    public func capture(_ path: String) -> String? {
        let parts = path == "." ? [] : path.split(separator: "/").map(String.init)
        return Self.match(components[...], parts[...]).map { $0.joined(separator: "/") }
    }

    /// The capture of the shortest leading part of `path` the pattern matches (the overlay a file lies in), nil when
    /// `path` lies under no path the pattern names.
    public func capture(holding path: String) -> String? {
        let parts = path.split(separator: "/").map(String.init)
        for k in 0...parts.count { if let c = Self.match(components[...], parts[..<k]) { return c.joined(separator: "/") } }
        return nil
    }

    /// Whether `path` is a path the pattern names or lies under one.
    public func holds(_ path: String) -> Bool { capture(holding: path) != nil }

    /// The existing paths under `root` the pattern names, sorted, each with its capture; a literal pattern gives
    /// itself when it exists.
    public func expand(root: String) -> [(path: String, capture: String)] {
        var out: [(String, String)] = []
        func type(_ rel: [String]) -> mode_t? { fileType(root + "/" + rel.joined(separator: "/")) }
        func exists(_ rel: [String]) -> Bool { type(rel) != nil }
        func isDirectory(_ rel: [String]) -> Bool { type(rel) == S_IFDIR }
        func walk(_ i: Int, _ rel: [String]) {
            let path = rel.isEmpty ? "." : rel.joined(separator: "/")
            if i == components.count {
                if let c = capture(path), !out.contains(where: { $0.0 == path }) { out.append((path, c)) }
                return
            }
            let c = components[i]
            if !Self.isWild(c) {
                if exists(rel + [c]) { walk(i + 1, rel + [c]) }
                return
            }
            if c == "**" { walk(i + 1, rel) } // zero components
            let dir = rel.isEmpty ? root : root + "/" + rel.joined(separator: "/")
            guard let names = (try? DirectoryListing.entries(dir))?.compactMap(\.name) else { return } // a name that is not UTF-8 cannot be in imagebump.yaml
            for n in names.sorted() where !n.hasPrefix(".") || c.hasPrefix(".") {
                if c == "**" {
                    if isDirectory(rel + [n]) { walk(i, rel + [n]) } // more components
                    walk(i + 1, rel + [n])
                } else if fnmatch(c, n, 0) == 0 {
                    walk(i + 1, rel + [n])
                }
            }
        }
        walk(0, [])
        return out.sorted { $0.0 < $1.0 }
    }

    /// The components of `parts` that the wildcards of `pattern` matched, nil when they do not match.
    static func match(_ pattern: ArraySlice<String>, _ parts: ArraySlice<String>) -> [String]? {
        guard let p = pattern.first else { return parts.isEmpty ? [] : nil }
        if p == "**" {
            for k in 0...parts.count {
                if let rest = match(pattern.dropFirst(), parts.dropFirst(k)) {
                    return [parts.prefix(k).joined(separator: "/")].filter { !$0.isEmpty } + rest
                }
            }
            return nil
        }
        guard let name = parts.first, fnmatch(p, name, 0) == 0, !name.hasPrefix(".") || p.hasPrefix(".") else { return nil }
        guard let rest = match(pattern.dropFirst(), parts.dropFirst()) else { return nil }
        return (isWild(p) ? [name] : []) + rest
    }
}

/// The file type bits of `path` (links followed), nil when it does not exist.
private func fileType(_ path: String) -> mode_t? {
    var st = stat()
    return stat(path, &st) == 0 ? st.st_mode & S_IFMT : nil
}
