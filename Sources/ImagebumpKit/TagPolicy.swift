import ImageRules
import Support

/// Which tag `imagebump update` moves an image to, as Flux's ImagePolicy chooses one: the newest in a semver range,
/// the highest (`asc`) or lowest (`desc`) number or string, each after a tag filter; or `digest`: stay on the tag the
/// files hold and follow its digest when the registry's has moved (a mutable tag such as `main` or `latest`).
public struct TagPolicy: Sendable, Equatable, CustomStringConvertible {
    public enum Order: String, Sendable, CaseIterable { case asc, desc }

    public enum Rule: Sendable {
        case semver(SemverRange)
        case numerical(Order)
        case alphabetical(Order)
        case digest
    }

    public var rule: Rule
    public var filter: TagFilter?

    public init(_ rule: Rule, filter: TagFilter? = nil) throws(Problem) {
        if case .digest = rule, filter != nil {
            throw Problem(message: "the digest policy follows the tag each file holds, so a tag filter has nothing to choose from")
        }
        self.rule = rule; self.filter = filter
    }

    public static func == (a: TagPolicy, b: TagPolicy) -> Bool { a.description == b.description && a.filter == b.filter }

    /// As the options write it: `semver >=1.2 <2`, `numerical asc`, `digest`, with its filter.
    public var description: String {
        let rule = switch rule {
        case .semver(let r): "semver \(r)"
        case .numerical(let o): "numerical \(o.rawValue)"
        case .alphabetical(let o): "alphabetical \(o.rawValue)"
        case .digest: "digest"
        }
        guard let filter else { return rule }
        return rule + " of the tags matching \(filter.pattern)" + (filter.extract.map { " (extract \($0))" } ?? "")
    }

    /// Whether the policy follows the file's own tag (`digest`) rather than choosing among the registry's tags.
    public var followsTag: Bool { if case .digest = rule { true } else { false } }

    /// The tag this policy picks from `tags` (a registry's list); nil when none is allowed. Tags whose value is not
    /// a version (semver) or number (numerical) are passed over; equal values pick the greatest tag, so the choice
    /// does not depend on the order the registry listed them in.
    public func pick(_ tags: [String]) -> String? {
        let values: [(tag: String, value: String)] = tags.compactMap { t in (filter.map { $0.version(of: t) } ?? t).map { (t, $0) } }
        switch rule {
        case .semver(let range):
            let value = Dictionary(values, uniquingKeysWith: { a, _ in a })
            return range.newest(values.map(\.tag).sorted(by: Self.bytewise)) { value[$0] }
        case .numerical(let order):
            let numbers = values.compactMap { v in Number(v.value).map { (v.tag, $0) } }
            return Self.extreme(numbers, order: order, less: <)
        case .alphabetical(let order):
            return Self.extreme(values.map { ($0.tag, $0.value) }, order: order, less: Self.bytewise)
        case .digest:
            return nil
        }
    }

    /// Strings ordered by their UTF-8 bytes (Go's sort.Strings, which Flux sorts with), not by Unicode collation.
    static func bytewise(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// The last of `items` by value (`asc`) or the first (`desc`); ties broken by the tag.
    static func extreme<V>(_ items: [(String, V)], order: Order, less: (V, V) -> Bool) -> String? {
        let sorted = items.sorted { less($0.1, $1.1) || (!less($1.1, $0.1) && bytewise($0.0, $1.0)) }
        return order == .asc ? sorted.last?.0 : sorted.first?.0
    }

    /// A non-negative decimal number (`1700000000`, `42.5`), compared exactly: by its digits, not as a float.
    struct Number: Comparable {
        let whole: [UInt8], fraction: [UInt8]

        init?(_ text: String) {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }) else { return nil }
            whole = Array(parts[0].utf8.drop { $0 == 48 })
            fraction = parts.count == 2 ? Array(parts[1].utf8.reversed().drop { $0 == 48 }.reversed()) : []
        }

        static func < (a: Number, b: Number) -> Bool {
            if a.whole.count != b.whole.count { return a.whole.count < b.whole.count }
            if a.whole != b.whole { return a.whole.lexicographicallyPrecedes(b.whole) }
            return a.fraction.lexicographicallyPrecedes(b.fraction)
        }
    }
}
