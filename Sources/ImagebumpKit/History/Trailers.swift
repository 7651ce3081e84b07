/// The trailers of a commit message as `git interpret-trailers` reads them, and how trailers are added to one:
/// one grammar, used both to read a message (`history`) and to write one (`CommitMessage.withTrailers`). Also the
/// commit a `git revert` message names.
public struct Trailers: Sendable, Equatable {
    /// In message order; a key may repeat.
    public let entries: [(key: String, value: String)]

    public init(_ entries: [(key: String, value: String)]) { self.entries = entries }

    /// The trailers of `message`: its last paragraph (never the subject's), when every line of it is
    /// `Token: value` (a token of letters, digits and `-`, blanks allowed before the colon) or a continuation line
    /// (starting with a blank, folded into the value above it, as git does), else none. Keys are compared
    /// case-insensitively, as git does.
    public init(message: String) { self.init(Self.block(message)?.entries ?? []) }

    /// The last paragraph of `message` read as a trailer block: its entries and where its lines start; nil when it
    /// is none.
    static func block(_ message: String) -> (entries: [(key: String, value: String)], start: Int)? {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        let blank: (Substring) -> Bool = { $0.allSatisfy { $0 == " " || $0 == "\t" } }
        var end = lines.count
        while end > 0, blank(lines[end - 1]) { end -= 1 }
        var start = end
        while start > 0, !blank(lines[start - 1]) { start -= 1 }
        // the subject's paragraph is no trailer block
        guard start > 0, start < end else { return nil }
        var out: [(key: String, value: String)] = []
        for line in lines[start..<end] {
            if let first = line.first, first == " " || first == "\t" {
                guard !out.isEmpty else { return nil }
                out[out.count - 1].value += (out[out.count - 1].value.isEmpty ? "" : " ") + line.drop { $0 == " " || $0 == "\t" }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let token = line[..<colon].reversed().drop { $0 == " " || $0 == "\t" }.reversed()
            guard !token.isEmpty, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return nil }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            out.append((String(token), String(value)))
        }
        return (out, start)
    }

    /// `message` with `lines` (`Key: value`) added as `git interpret-trailers` adds them: to its trailer block when
    /// its last paragraph is one, else as a new paragraph after a blank line; a line whose key and value the block
    /// already holds is not repeated. The result ends with a newline.
    public static func appending(_ lines: [String], to message: String) -> String {
        var body = String(message.reversed().drop { $0.isWhitespace }.reversed())
        let existing = block(body)?.entries ?? []
        let new = lines.filter { line in
            guard let t = Trailers(message: "s\n\n" + line).entries.first else { return true }
            return !existing.contains { $0.key.lowercased() == t.key.lowercased() && $0.value == t.value }
        }
        if !new.isEmpty { body += (existing.isEmpty ? "\n\n" : "\n") + new.joined(separator: "\n") }
        return body + "\n"
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
