import YAMLEdit

/// A Flux image-automation setter comment on a value's line: `# {"$imagepolicy": "ns:policy[:tag|:name|:digest]"}`.
struct FluxMarker: Equatable {
    enum Field: String { case full, tag, name, digest }
    let policy: String
    let field: Field

    /// The marker in the comment that follows `node` on its line, if any.
    static func after(_ node: YAMLNode, in bytes: [UInt8]) -> FluxMarker? {
        var i = node.end
        while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "#") else { return nil }
        var j = i
        while j < bytes.count && bytes[j] != 0x0A && bytes[j] != 0x0D { j += 1 }
        return parse(comment: String(decoding: bytes[(i + 1)..<j], as: UTF8.self))
    }

    static func parse(comment: String) -> FluxMarker? {
        guard let keyRange = comment.firstRange(of: "\"$imagepolicy\"") else { return nil }
        let rest = comment[keyRange.upperBound...].drop { $0 == " " || $0 == ":" || $0 == "\t" }
        guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
        let value = rest[rest.index(after: rest.startIndex)..<close]
        let parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 2: return FluxMarker(policy: parts.joined(separator: ":"), field: .full)
        case 3:
            guard let f = Field(rawValue: parts[2]), f != .full else { return nil }
            return FluxMarker(policy: parts[0] + ":" + parts[1], field: f)
        default: return nil
        }
    }
}
