import Support

/// The bytes of a YAML file, plus what is needed to turn libyaml marks (code-point indices counted after a
/// byte-order mark) into byte offsets, and byte offsets into line:column for messages.
public struct YAMLSource: Sendable {
    public let bytes: [UInt8]
    /// 3 when the file starts with a UTF-8 BOM (libyaml skips it before counting).
    public let bomLength: Int
    let isASCII: Bool

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        self.bomLength = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        self.isASCII = !bytes.contains { $0 >= 0x80 }
    }

    /// True when the line that contains `offset` ends with CRLF.
    public func usesCRLF(near offset: Int) -> Bool {
        var i = offset
        while i < bytes.count && bytes[i] != 0x0A { i += 1 }
        if i < bytes.count { return i > 0 && bytes[i - 1] == 0x0D }
        // last line without newline: look at the previous line ending, else anywhere in the file
        var j = min(offset, bytes.count) - 1
        while j >= 0 && bytes[j] != 0x0A { j -= 1 }
        if j >= 0 { return j > 0 && bytes[j - 1] == 0x0D }
        return false
    }

    /// 1-based line and column (in characters) of a byte offset.
    public func lineColumn(of offset: Int) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        let end = min(offset, bytes.count)
        var i = 0
        while i < end {
            if bytes[i] == 0x0A { line += 1; lineStart = i + 1 }
            i += 1
        }
        var col = 1
        i = lineStart
        while i < end { if bytes[i] & 0xC0 != 0x80 { col += 1 }; i += 1 }
        if lineStart == 0 && bomLength > 0 && end >= bomLength { col -= 1 }
        return (line, col)
    }

    /// Checks that the bytes are UTF-8; the error names the line and column of the first bad byte.
    public func validateUTF8() throws(Problem) {
        if isASCII { return }
        var i = 0
        let b = bytes
        while i < b.count {
            let c = b[i]
            var need = 0
            var minScalar: UInt32 = 0
            var scalar: UInt32 = 0
            if c < 0x80 { i += 1; continue }
            else if c & 0xE0 == 0xC0 { need = 1; scalar = UInt32(c & 0x1F); minScalar = 0x80 }
            else if c & 0xF0 == 0xE0 { need = 2; scalar = UInt32(c & 0x0F); minScalar = 0x800 }
            else if c & 0xF8 == 0xF0 { need = 3; scalar = UInt32(c & 0x07); minScalar = 0x10000 }
            else { throw invalid(at: i) }
            guard i + need < b.count else { throw invalid(at: i) }
            for k in 1...need {
                guard b[i + k] & 0xC0 == 0x80 else { throw invalid(at: i) }
                scalar = scalar << 6 | UInt32(b[i + k] & 0x3F)
            }
            guard scalar >= minScalar, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { throw invalid(at: i) }
            i += need + 1
        }
    }

    private func invalid(at offset: Int) -> Problem {
        let (l, c) = lineColumn(of: offset)
        return Problem(line: l, column: c, message: "invalid UTF-8 byte 0x\(String(bytes[offset], radix: 16, uppercase: true)) (only UTF-8 YAML is supported)")
    }
}

/// Converts libyaml's code-point marks to byte offsets. Marks arrive mostly in increasing order, so a
/// cursor walks from the last answer instead of keeping a table as large as the file.
struct MarkConverter {
    let source: YAMLSource
    private var cursorIndex = 0
    private var cursorByte: Int

    init(source: YAMLSource) {
        self.source = source
        self.cursorByte = source.bomLength
    }

    mutating func byteOffset(ofCodePoint index: Int) -> Int {
        if source.isASCII { return min(index + source.bomLength, source.bytes.count) }
        let b = source.bytes
        while cursorIndex < index && cursorByte < b.count {
            cursorByte += 1
            while cursorByte < b.count && b[cursorByte] & 0xC0 == 0x80 { cursorByte += 1 }
            cursorIndex += 1
        }
        while cursorIndex > index && cursorByte > source.bomLength {
            cursorByte -= 1
            while cursorByte > source.bomLength && b[cursorByte] & 0xC0 == 0x80 { cursorByte -= 1 }
            cursorIndex -= 1
        }
        return cursorByte
    }
}
