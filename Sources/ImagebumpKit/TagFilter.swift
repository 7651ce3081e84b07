import ImageRules
import Support

/// A tag filter, as Flux's `filterTags` (`update --tag-regex/--tag-extract`, `filterTags:` in imagebump.yaml): only the
/// tags `pattern` matches (anywhere, as Go's regexp.MatchString: anchor it with ^ and $) are considered, and the
/// policy compares `extract` expanded with the match's groups (`$ts`, `${ts}`, `$1`; `$$` is a $). Without `extract`,
/// the first capture group when the pattern has one, else the whole tag.
public struct TagFilter: @unchecked Sendable, Equatable {
    let regex: Regex<AnyRegexOutput>
    public let pattern: String
    public let extract: String?

    /// - Throws: a message naming the pattern (callers add where it came from).
    public init(pattern: String, extract: String? = nil) throws(Problem) {
        do { regex = try Regex(pattern) } catch {
            throw Problem(message: "\(PathQuoting.quoted(pattern)) is not a regular expression: \(error)")
        }
        self.pattern = pattern
        self.extract = extract
    }

    public static func == (a: TagFilter, b: TagFilter) -> Bool { a.pattern == b.pattern && a.extract == b.extract }

    /// The value the policy compares for `tag`; nil when the pattern does not match it, or the value is empty (a
    /// group that took part in no match, or a name the pattern does not have).
    public func version(of tag: String) -> String? {
        guard let match = try? regex.firstMatch(in: tag) else { return nil }
        let value: String
        if let extract {
            value = Self.expand(extract) { ref in
                let group = Int(ref).flatMap { $0 < match.output.count ? match.output[$0] : nil } ?? match.output[ref]
                return group?.substring.map(String.init) ?? ""
            }
        } else {
            value = match.output.count > 1 ? match.output[1].substring.map(String.init) ?? "" : tag
        }
        return value.isEmpty ? nil : value
    }

    /// `template` with each `$name`, `${name}` and `$1` replaced by `value(name)`, `$$` by `$` (Go's Regexp.Expand).
    static func expand(_ template: String, _ value: (String) -> String) -> String {
        var out = "", rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.first == "$" { out += "$"; rest = after.dropFirst(); continue }
            if after.first == "{", let close = after.firstIndex(of: "}") {
                out += value(String(after[after.index(after: after.startIndex)..<close]))
                rest = after[after.index(after: close)...]
                continue
            }
            let name = after.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            if name.isEmpty { out += "$"; rest = after; continue } // a malformed reference stays as written, as in Go
            out += value(String(name))
            rest = after.dropFirst(name.count)
        }
        return out + rest
    }
}
