internal import Glibc

// Text helpers from the standard library alone, matching what imagebump-git used from Foundation
// (trimmingCharacters, replacingOccurrences, range(of:), String(format:)) so that it links FoundationEssentials
// only and not Foundation with ICU's data (~34 MB). Matching is scalar by scalar: unlike String.replacing, a "\n"
// inside "\r\n" is found, as Foundation finds it.

extension Unicode.Scalar {
    /// Foundation's `CharacterSet.whitespaces`: Unicode general category Zs, tab and U+200B (zero-width space).
    public var isBlank: Bool { self == "\t" || value == 0x200B || properties.generalCategory == .spaceSeparator }

    /// Foundation's `CharacterSet.whitespacesAndNewlines`: `isBlank`, U+000A–U+000D, U+0085, U+2028, U+2029.
    public var isBlankOrNewline: Bool {
        isBlank || ("\n"..."\r").contains(self) || value == 0x85 || value == 0x2028 || value == 0x2029
    }

    /// A-Z, a-z, 0-9: what Foundation's `addingPercentEncoding(withAllowedCharacters: .alphanumerics)` keeps (it
    /// keeps no non-ASCII character).
    public var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}

extension StringProtocol {
    /// The text without leading and trailing scalars for which `isTrimmed` holds.
    public func trimming(_ isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isTrimmed($0) })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// `trimming(\.isBlank)`.
    public func trimmingBlanks() -> String { trimming(\.isBlank) }

    /// `trimming(\.isBlankOrNewline)`.
    public func trimmingBlanksAndNewlines() -> String { trimming(\.isBlankOrNewline) }

    /// The first occurrence of `target`, compared scalar by scalar; nil for an empty `target`.
    public func scalarRange(of target: some StringProtocol) -> Range<Index>? {
        let scalars = unicodeScalars, needle = Array(target.unicodeScalars)
        guard let head = needle.first else { return nil }
        var i = scalars.startIndex
        while let start = scalars[i...].firstIndex(of: head) {
            var s = start, n = 0
            while n < needle.count, s < scalars.endIndex, scalars[s] == needle[n] {
                s = scalars.index(after: s)
                n += 1
            }
            if n == needle.count { return start..<s }
            i = scalars.index(after: start)
        }
        return nil
    }

    /// Every occurrence of `target` (scalar by scalar, left to right, not overlapping) replaced by `replacement`.
    public func replacingEvery(_ target: some StringProtocol, with replacement: some StringProtocol) -> String {
        var out = ""
        var rest = self[...]
        while let r = rest.scalarRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension String {
    /// Every scalar for which `keep` fails written as %XX for each of its UTF-8 bytes (uppercase hex).
    public func percentEncoded(keeping keep: (Unicode.Scalar) -> Bool) -> String {
        var out = ""
        for scalar in unicodeScalars {
            if keep(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                for byte in String(scalar).utf8 { out += "%" + byte.hex(width: 2, uppercase: true) }
            }
        }
        return out
    }

    /// `value` with one digit after the point, exactly as `String(format: "%.1f", value)` writes it (printf's
    /// rounding of the exact binary value).
    public init(oneDecimal value: Double) {
        var buffer = [CChar](repeating: 0, count: 400) // %.1f of the largest Double is 311 characters
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.1f", $0) }
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension BinaryInteger {
    /// The number in hexadecimal, left-padded with zeros to `width` digits (`%0Nx` / `%0NX`).
    public func hex(width: Int, uppercase: Bool = false) -> String {
        let digits = String(self, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
