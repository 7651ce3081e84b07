/// A repository name as the Docker/OCI reference grammar defines it: an optional registry domain
/// (with optional port) and a slash-separated path of lowercase components.
public struct ImageName: Hashable, Sendable, CustomStringConvertible {
    /// The name exactly as written (`nginx`, `localhost:5000/app`).
    public let written: String
    /// Registry domain, or nil when the name has none (Docker Hub).
    public let domain: String?
    /// Repository path without the domain.
    public let path: String

    /// The fully qualified form used for comparison: `nginx` → `docker.io/library/nginx`.
    public let normalized: String

    public init(parsing text: String) throws {
        guard !text.isEmpty else { throw ImageReferenceError.emptyName }
        guard text.utf8.count <= 255, text.utf8.allSatisfy({ $0 < 0x80 }) else { throw ImageReferenceError.invalidName(text) }
        var domain: String?
        var path = Substring(text)
        if let slash = text.utf8.firstIndex(of: UInt8(ascii: "/")) {
            let first = text[..<slash]
            // Docker's rule: the first component is a registry if it has a '.' or ':' or is 'localhost',
            // or contains uppercase letters (which paths may not).
            if first.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") || ($0 >= 65 && $0 <= 90) })
                || first == "localhost" {
                guard Self.isValidDomain(first) else { throw ImageReferenceError.invalidName(text) }
                domain = String(first)
                path = text[text.index(after: slash)...]
            }
        }
        guard Self.isValidPath(path) else { throw ImageReferenceError.invalidName(text) }
        self.written = text
        self.domain = domain
        self.path = String(path)
        var d = domain ?? "docker.io"
        if d == "index.docker.io" || d == "registry-1.docker.io" { d = "docker.io" }
        var p = String(path)
        if d == "docker.io" && !p.utf8.contains(UInt8(ascii: "/")) { p = "library/" + p }
        self.normalized = d + "/" + p
    }

    public var description: String { written }

    public static func == (lhs: ImageName, rhs: ImageName) -> Bool { lhs.normalized == rhs.normalized }
    public func hash(into hasher: inout Hasher) { hasher.combine(normalized) }

    /// Whether `s` is a registry host[:port] as a name's domain may be.
    public static func isRegistry(_ s: String) -> Bool { isValidDomain(Substring(s)) }

    /// host[:port] where host is dot-separated [A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])? labels, or an [IPv6] literal.
    static func isValidDomain(_ s: Substring) -> Bool {
        let b = Array(s.utf8)
        var hostEnd = b.count
        if let colon = b.lastIndex(of: UInt8(ascii: ":")), !(b.first == UInt8(ascii: "[") && b[..<colon].last != UInt8(ascii: "]")) {
            let port = b[(colon + 1)...]
            guard !port.isEmpty, port.allSatisfy(isDigit) else { return false }
            hostEnd = colon
        }
        let host = b[..<hostEnd]
        if host.first == UInt8(ascii: "["), host.last == UInt8(ascii: "]") { // IPv6 literal
            return host.dropFirst().dropLast().allSatisfy { isHex($0) || $0 == UInt8(ascii: ":") }
        }
        let labels = host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return !labels.isEmpty && labels.allSatisfy { l in
            guard let f = l.first, let e = l.last, isAlnum(f), isAlnum(e) else { return false }
            return l.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20 >= 97 && c | 0x20 <= 122) }
    private static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20 >= 97 && c | 0x20 <= 102) }

    /// path-component := [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
    static func isValidPath(_ s: Substring) -> Bool {
        let comps = s.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        return !comps.isEmpty && comps.allSatisfy { isValidComponent(Array($0)) }
    }

    static func isValidComponent(_ bytes: [UInt8]) -> Bool {
        guard let f = bytes.first, let l = bytes.last, isLowerAlnum(f), isLowerAlnum(l) else { return false }
        var i = 0
        while i < bytes.count {
            if isLowerAlnum(bytes[i]) { i += 1; continue }
            // a separator run: '.', '_', '__' or one or more '-'
            var j = i
            if bytes[i] == UInt8(ascii: ".") { j += 1 }
            else if bytes[i] == UInt8(ascii: "_") { j += 1; if j < bytes.count && bytes[j] == UInt8(ascii: "_") { j += 1 } }
            else if bytes[i] == UInt8(ascii: "-") { while j < bytes.count && bytes[j] == UInt8(ascii: "-") { j += 1 } }
            else { return false }
            guard j < bytes.count, isLowerAlnum(bytes[j]) else { return false }
            i = j
        }
        return true
    }

    private static func isLowerAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }
}
