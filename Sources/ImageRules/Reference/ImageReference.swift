/// `name[:tag][@digest]`, parsed from a manifest value or a spec.
public struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    public var name: ImageName
    public var tag: String?
    public var digest: String?

    public init(name: ImageName, tag: String? = nil, digest: String? = nil) {
        self.name = name
        self.tag = tag
        self.digest = digest
    }

    public init(parsing text: String) throws {
        var rest = Substring(text)
        var digest: String?
        if let at = rest.utf8.firstIndex(of: UInt8(ascii: "@")) {
            let d = String(rest[rest.index(after: at)...])
            if let why = Digest.problem(d) { throw ImageReferenceError.invalidDigest(d, why) }
            digest = d
            rest = rest[..<at]
        }
        var tag: String?
        // A tag follows the last ':' after the last '/', so registry ports are not mistaken for tags.
        let lastSlash = rest.utf8.lastIndex(of: UInt8(ascii: "/")) ?? rest.startIndex
        if let colon = rest[lastSlash...].utf8.lastIndex(of: UInt8(ascii: ":")) {
            let t = String(rest[rest.index(after: colon)...])
            guard Self.isValidTag(t) else { throw ImageReferenceError.invalidTag(t) }
            tag = t
            rest = rest[..<colon]
        }
        self.name = try ImageName(parsing: String(rest))
        self.tag = tag
        self.digest = digest
    }

    public var description: String { Self.format(name: name.written, tag: tag, digest: digest) }

    /// `name[:tag][@digest]`: the one way a reference is written, in files, messages, reports and commit
    /// messages. An empty tag or digest is left out.
    public static func format(name: String, tag: String?, digest: String?) -> String {
        var s = name
        if let tag, !tag.isEmpty { s += ":" + tag }
        if let digest, !digest.isEmpty { s += "@" + digest }
        return s
    }

    /// tag := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
    public static func isValidTag(_ t: String) -> Bool {
        let b = Array(t.utf8)
        guard (1...128).contains(b.count) else { return false }
        func word(_ c: UInt8) -> Bool {
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == UInt8(ascii: "_")
        }
        return word(b[0]) && b.dropFirst().allSatisfy { word($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// A reference as it is written in a file, where only the name has to be valid: the tag and digest are
    /// taken as written (`app:{GENERATED_TAG}`, a short `@sha256:1111`), so that a value whose name is
    /// the spec's image is still found and replaced by a valid one. Nil when the name is not a valid name
    /// or a tag or digest is empty or holds blanks.
    public static func written(_ text: String) -> ImageReference? {
        // byte offsets: this runs for every image value of every file
        let b = text.utf8
        let at = b.firstIndex(of: UInt8(ascii: "@"))
        let beforeAt = b[..<(at ?? b.endIndex)]
        let lastSlash = beforeAt.lastIndex(of: UInt8(ascii: "/")) ?? beforeAt.startIndex
        let colon = beforeAt[lastSlash...].lastIndex(of: UInt8(ascii: ":"))
        let tag = colon.map { String(text[b.index(after: $0)..<(at ?? b.endIndex)]) }
        let digest = at.map { String(text[b.index(after: $0)...]) }
        func unusable(_ part: String?) -> Bool { part.map { $0.isEmpty || $0.utf8.contains { $0 <= 0x20 || $0 == 0x7F } } ?? false }
        if unusable(tag) || unusable(digest) { return nil }
        guard let name = try? ImageName(parsing: String(text[..<(colon ?? at ?? b.endIndex)])) else { return nil }
        return ImageReference(name: name, tag: tag, digest: digest)
    }
}

public enum ImageReferenceError: Error, Equatable, CustomStringConvertible {
    case emptyName
    case invalidName(String)
    case invalidTag(String)
    case invalidDigest(String, String)
    case invalidSpec(String, String)

    public var description: String {
        switch self {
        case .emptyName: return "image name is empty"
        case .invalidName(let n): return "invalid image name \(quoted(n)) (expected [registry[:port]/]path with lowercase components)"
        case .invalidTag(let t): return "invalid tag \(quoted(t)) (a tag is 1-128 of [A-Za-z0-9_.-], not starting with '.' or '-')"
        case .invalidDigest(let d, let why): return "invalid digest \(quoted(d)): \(why)"
        case .invalidSpec(let s, let why): return "invalid image spec \(quoted(s)): \(why)"
        }
    }
}

/// Shows a user-supplied value with control characters escaped so an error message stays on one line.
func quoted(_ s: String) -> String {
    var out = "'"
    for u in s.unicodeScalars {
        switch u {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where u.value < 0x20 || u.value == 0x7f: out += "\\u{\(String(u.value, radix: 16))}"
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "'"
}
