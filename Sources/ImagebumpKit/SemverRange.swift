import ImageRules
import Version
import Support

/// `update --semver RANGE`: comparators joined by blanks, all of which a version must meet (`>=1.2 <2`); a partial
/// version is padded with zeros (`<2` is `<2.0.0`). Pre-releases never match (`1.3.0-rc.1` is not a release).
public struct SemverRange: Sendable, CustomStringConvertible {
    enum Op: String, CaseIterable { case ge = ">=", le = "<=", gt = ">", lt = "<", eq = "=" }
    let comparators: [(op: Op, version: Version)]
    public let description: String

    public init(parsing text: String) throws(Problem) {
        var out: [(Op, Version)] = []
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            let op = Op.allCases.first { word.hasPrefix($0.rawValue) } ?? .eq
            var rest = word.dropFirst(word.hasPrefix(op.rawValue) ? op.rawValue.count : 0)
            if rest.first == "v" { rest = rest.dropFirst() }
            let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                  let v = Version((parts + Array(repeating: "0", count: 3 - parts.count)).joined(separator: ".")) else {
                throw Problem(message: "--semver \(PathQuoting.quoted(text)): \(PathQuoting.quoted(String(word))) is not a comparator (>=, >, <=, <, = and MAJOR[.MINOR[.PATCH]], e.g. \">=1.2 <2\")")
            }
            out.append((op, v))
        }
        guard !out.isEmpty else { throw Problem(message: "--semver needs a range, e.g. \">=1.2 <2\"") }
        comparators = out
        description = text
    }

    public func contains(_ v: Version) -> Bool {
        v.prereleaseIdentifiers.isEmpty && comparators.allSatisfy { c in
            switch c.op {
            case .ge: v >= c.version
            case .le: v <= c.version
            case .gt: v > c.version
            case .lt: v < c.version
            case .eq: v == c.version
            }
        }
    }

    /// The tag of the newest version in range, nil when none is (tags that are no version are passed over).
    /// `version` reads a tag's version (`TagFilter`); default: the tag itself.
    public func newest(_ tags: [String], version: (String) -> String? = { $0 }) -> String? {
        tags.compactMap { t in version(t).flatMap(DowngradeGuard.semver).map { (t, $0) } }.filter { contains($0.1) }.max { $0.1 < $1.1 }?.0
    }
}

/// `update --tag-regex PATTERN` (as Flux's `filterTags`): only tags the pattern matches whole are considered, and its
/// first capture group, when it has one, is the version the policy compares (`^main-(.+)$`: `main-1.4.0` is 1.4.0).
public struct TagFilter: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
    public let pattern: String

    public init(pattern: String) throws(Problem) {
        do { regex = try Regex(pattern) } catch {
            throw Problem(message: "--tag-regex \(PathQuoting.quoted(pattern)) is not a regular expression: \(error)")
        }
        self.pattern = pattern
    }

    /// The version part of `tag`, nil when the pattern does not match it whole.
    public func version(of tag: String) -> String? {
        guard let match = try? regex.wholeMatch(in: tag) else { return nil }
        guard match.output.count > 1 else { return tag }
        return match.output[1].substring.map(String.init)
    }
}
