/// Replacing byte ranges of a buffer, leaving every other byte as it was.
public struct ByteEdit: Equatable, Sendable {
    public let range: Range<Int>
    public let replacement: [UInt8]
    public init(range: Range<Int>, replacement: [UInt8]) { self.range = range; self.replacement = replacement }
}

public enum ByteSplice {
    public struct OverlapError: Error, CustomStringConvertible {
        public let first: Range<Int>, second: Range<Int>
        public var description: String { "two edits overlap (bytes \(first) and \(second))" }
    }

    /// Applies non-overlapping edits (insertions at the same offset keep their given order).
    public static func apply(_ edits: [ByteEdit], to bytes: [UInt8]) throws(OverlapError) -> [UInt8] {
        let sorted = edits.enumerated().sorted { a, b in
            a.element.range.lowerBound != b.element.range.lowerBound
                ? a.element.range.lowerBound < b.element.range.lowerBound : a.offset < b.offset
        }.map(\.element)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + sorted.reduce(0) { $0 + $1.replacement.count })
        var cursor = 0
        var previous: Range<Int>?
        for e in sorted {
            if e.range.lowerBound < cursor, let previous { throw OverlapError(first: previous, second: e.range) }
            out.append(contentsOf: bytes[cursor..<e.range.lowerBound])
            out.append(contentsOf: e.replacement)
            cursor = e.range.upperBound
            previous = e.range
        }
        out.append(contentsOf: bytes[cursor...])
        return out
    }
}
