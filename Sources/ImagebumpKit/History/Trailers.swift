/// The trailers of a commit message (`Key: value` lines of its last paragraph, as `git interpret-trailers` reads
/// them) and the commit a `git revert` message names.
public struct Trailers: Sendable, Equatable {
    /// In message order; a key may repeat.
    public let entries: [(key: String, value: String)]

    public init(_ entries: [(key: String, value: String)]) { self.entries = entries }

    /// The trailers of `message`: its last paragraph, when every line of it is `Token: value` (a token of letters,
    /// digits and `-`), else none. Keys are compared case-insensitively, as git does.
    public init(message: String) {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        var end = lines.count
        while end > 0, lines[end - 1].allSatisfy({ $0 == " " || $0 == "\t" }) { end -= 1 }
        var start = end
        while start > 0, !lines[start - 1].allSatisfy({ $0 == " " || $0 == "\t" }) { start -= 1 }
        // the subject alone is no trailer block
        guard start > 0 else { self.init([]); return }
        var out: [(key: String, value: String)] = []
        for line in lines[start..<end] {
            guard let colon = line.firstIndex(of: ":"), colon > line.startIndex,
                  line[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { self.init([]); return }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            out.append((String(line[..<colon]), String(value)))
        }
        self.init(out)
    }

    /// The last value of `key` (case-insensitive), nil when absent or empty.
    public subscript(_ key: String) -> String? {
        let k = key.lowercased()
        return entries.last { $0.key.lowercased() == k }.flatMap { $0.value.isEmpty ? nil : $0.value }
    }

    /// Every non-empty value of `key` (case-insensitive), in message order.
    public func values(_ key: String) -> [String] {
        let k = key.lowercased()
        return entries.filter { $0.key.lowercased() == k && !$0.value.isEmpty }.map(\.value)
    }

    public static func == (a: Trailers, b: Trailers) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public static let sourceRepository = "Source-Repository", sourceCommit = "Source-Commit"
    public static let sourcePipeline = "Source-Pipeline", sourceCommitTime = "Source-Commit-Time"
    public static let rollbackOf = "Rollback-Of"

    /// The commit `git revert` names in its message (`This reverts commit <hex>.`), nil for none.
    public static func revertedCommit(message: String) -> String? {
        let marker = "This reverts commit "
        var rest = Substring(message)
        while let r = rest.firstRange(of: marker) {
            let hex = rest[r.upperBound...].prefix { $0.isHexDigit }
            if hex.count >= 7 { return hex.lowercased() }
            rest = rest[r.upperBound...]
        }
        return nil
    }
}
