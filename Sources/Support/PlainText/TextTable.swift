/// A plain-text table, as `get`, `history` and `metrics` print one: columns padded with spaces to their widest cell
/// and two spaces apart, the last column not padded (no trailing blanks); lines joined with `\n`, no final one.
/// Widths count characters (grapheme clusters): a wide or combining character may misalign a column.
public enum TextTable {
    public static func render(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { r in
            r.indices.map { c in c == r.count - 1 ? r[c] : r[c] + String(repeating: " ", count: widths[c] - r[c].count) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
