/// YAML may be UTF-16 or UTF-32 (YAML 1.2 §5.2); imagebump edits UTF-8 only. Such a file is recognised by its byte
/// order mark or by the zero bytes around its first ASCII character, as the YAML spec detects it, so that it fails
/// with "unsupported encoding" instead of an unhelpful "no match" or a libyaml error. The parser refuses such a
/// file; `imagebump set` checks first, because it skips files that do not mention an image without parsing them.
public enum WideEncoding {
    case utf16BE, utf16LE, utf32BE, utf32LE

    public init?(detecting b: [UInt8]) {
        func starts(_ p: [UInt8?]) -> Bool {
            b.count >= p.count && zip(b, p).allSatisfy { $1 == nil ? $0 != 0 : $0 == $1! }
        }
        if starts([0, 0, 0xFE, 0xFF]) || starts([0, 0, 0, nil]) { self = .utf32BE }
        else if starts([0xFF, 0xFE, 0, 0]) || starts([nil, 0, 0, 0]) { self = .utf32LE }
        else if starts([0xFE, 0xFF]) || starts([0, nil]) { self = .utf16BE }
        else if starts([0xFF, 0xFE]) || starts([nil, 0]) { self = .utf16LE }
        else { return nil }
    }

    /// The text as UTF-8 (to tell whether it mentions an image at all).
    public func utf8(_ b: [UInt8]) -> [UInt8] {
        let width = self == .utf16BE || self == .utf16LE ? 2 : 4
        let bigEndian = self == .utf16BE || self == .utf32BE
        var units: [UInt32] = []
        units.reserveCapacity(b.count / width)
        var i = 0
        while i + width <= b.count {
            var u: UInt32 = 0
            for k in 0..<width { u = u << 8 | UInt32(b[i + (bigEndian ? k : width - 1 - k)]) }
            units.append(u)
            i += width
        }
        if width == 2 { return Array(String(decoding: units.map { UInt16($0) }, as: UTF16.self).utf8) }
        return Array(String(decoding: units, as: UTF32.self).utf8)
    }

    /// The message users see: convert the file.
    public var message: String {
        "unsupported encoding (\(self == .utf16BE || self == .utf16LE ? "UTF-16" : "UTF-32")), convert to UTF-8"
    }
}
