import ImageRules
import Version
import Support

/// A semver range (`update --semver`, `semver:` in imagebump.yaml): comparators joined by blanks, all of which a
/// version must meet (`>=1.2 <2`), alternatives joined by `||`. `^1.2.3` is `>=1.2.3 <2.0.0` (`^0.2.3`: `<0.3.0`, as
/// npm and Masterminds/semver, which Flux uses, read it), `~1.2.3` is `>=1.2.3 <1.3.0`; a partial version is padded
/// with zeros (`<2` is `<2.0.0`). Pre-releases never match (`1.3.0-rc.1` is not a release).
public struct SemverRange: Sendable, CustomStringConvertible {
    enum Op: String, CaseIterable { case ge = ">=", le = "<=", gt = ">", lt = "<", eq = "=", caret = "^", tilde = "~" }
    /// Alternatives (`||`), each a list of comparators that must all hold.
    let alternatives: [[(op: Op, version: Version)]]
    public let description: String

    /// - Throws: a message naming `text` and the word that is no comparator (callers add where it came from).
    public init(parsing text: String) throws(Problem) {
        var alternatives: [[(Op, Version)]] = []
        for alternative in text.split(separator: "||", omittingEmptySubsequences: false) {
            var out: [(Op, Version)] = []
            for word in alternative.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                guard let parsed = Self.comparators(String(word)) else {
                    throw Problem(message: "\(PathQuoting.quoted(text)): \(PathQuoting.quoted(String(word))) is not a comparator (>=, >, <=, <, =, ^, ~ and MAJOR[.MINOR[.PATCH]], e.g. \">=1.2 <2\" or ^1.2)")
                }
                out += parsed
            }
            guard !out.isEmpty else { throw Problem(message: "\(PathQuoting.quoted(text)) is not a range: each side of || needs a comparator, e.g. \">=1.2 <2\"") }
            alternatives.append(out)
        }
        self.alternatives = alternatives
        description = text
    }

    /// One word as plain comparators (`^1.2` → `>=1.2.0`, `<2.0.0`); nil when it is none.
    static func comparators(_ word: String) -> [(Op, Version)]? {
        let op = Op.allCases.first { word.hasPrefix($0.rawValue) } ?? .eq
        var rest = Substring(word).dropFirst(word.hasPrefix(op.rawValue) ? op.rawValue.count : 0)
        if rest.first == "v" { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.count < 10 && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else {
            return nil
        }
        let given = parts.map { Int($0)! }
        let padded = given + Array(repeating: 0, count: 3 - given.count)
        guard let low = Version(padded.map(String.init).joined(separator: ".")) else { return nil }
        // ^ moves up to the next change of the first non-zero part given (the last one given when all are zero);
        // ~ to the next minor (the next major when only the major is given)
        let bump: Int
        switch op {
        case .caret: bump = given.firstIndex { $0 != 0 } ?? given.count - 1
        case .tilde: bump = given.count == 1 ? 0 : 1
        default: return [(op, low)]
        }
        var high = padded
        high[bump] += 1
        for i in (bump + 1)..<3 { high[i] = 0 }
        return [(.ge, low), (.lt, Version(high[0], high[1], high[2]))]
    }

    public func contains(_ v: Version) -> Bool {
        v.prereleaseIdentifiers.isEmpty && alternatives.contains { all in
            all.allSatisfy { c in
                switch c.op {
                case .ge: v >= c.version
                case .le: v <= c.version
                case .gt: v > c.version
                case .lt: v < c.version
                case .eq, .caret, .tilde: v == c.version // ^ and ~ are expanded when parsed
                }
            }
        }
    }

    /// The tag of the newest version in range, nil when none is (tags that are no version are passed over).
    /// `version` reads a tag's version (`TagFilter`); default: the tag itself.
    public func newest(_ tags: [String], version: (String) -> String? = { $0 }) -> String? {
        tags.compactMap { t in version(t).flatMap(DowngradeGuard.semver).map { (t, $0) } }.filter { contains($0.1) }.max { $0.1 < $1.1 }?.0
    }
}
