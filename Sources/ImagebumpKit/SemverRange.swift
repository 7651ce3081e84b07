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
    public func newest(_ tags: [String]) -> String? {
        tags.compactMap { t in DowngradeGuard.semver(t).map { (t, $0) } }.filter { contains($0.1) }.max { $0.1 < $1.1 }?.0
    }
}
