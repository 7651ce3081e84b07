import ArgumentParser

/// A whole-number option value, checked against its range when the command line is parsed: a value out of range
/// is a usage error (exit 64) naming the option and the range, before anything is cloned or pushed, never an
/// overflow later (a huge --timeout once crashed the run after its push). Every numeric option is declared with
/// one of these types as `@Option(bounded: "help") var x = T(default)` (NumericOptionTests walks the command tree to
/// hold to that).
public protocol BoundedInteger: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    static var range: ClosedRange<Int> { get }
    var value: Int { get }
    init(uncheckedValue: Int)
}

extension BoundedInteger {
    /// A value in `range` (a default in a declaration).
    public init(_ value: Int) {
        precondition(Self.range.contains(value), "\(value) is outside \(Self.range)")
        self.init(uncheckedValue: value)
    }

    /// Also without `transform:` the range holds (only the message is ArgumentParser's generic one).
    public init?(argument: String) {
        guard let v = try? Self.parse(argument) else { return nil }
        self = v
    }

    /// For `@Option(transform:)`: says what a value must be.
    public static func parse(_ text: String) throws -> Self {
        guard let v = Int(text), range.contains(v) else {
            throw ValidationError("must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return Self(uncheckedValue: v)
    }

    /// `text` with the option's default and range.
    static func help(_ text: String, default value: Self, valueName: String?, discussion: String = "") -> ArgumentHelp {
        ArgumentHelp("\(text) (default: \(value); \(range.lowerBound) to \(range.upperBound))", discussion: discussion, valueName: valueName)
    }

    public var description: String { String(value) }
    public var defaultValueDescription: String { description }
}

/// Seconds to wait on a server: at least 1, at most a day.
public struct Seconds: BoundedInteger {
    public static let range = 1...86_400
    public let value: Int
    public init(uncheckedValue: Int) { value = uncheckedValue }
}

/// A size in MiB: at least 1, at most 4 GiB (kept in bytes as an Int).
public struct MiB: BoundedInteger {
    public static let range = 1...4_096
    public let value: Int
    public init(uncheckedValue: Int) { value = uncheckedValue }
    public var bytes: Int { value << 20 }
}

/// How many times to try again: 0 to 100.
public struct RetryCount: BoundedInteger {
    public static let range = 0...100
    public let value: Int
    public init(uncheckedValue: Int) { value = uncheckedValue }
}

extension Option where Value: BoundedInteger {
    /// A range-checked option whose help states its default, the declaration's value, and its range: ArgumentParser
    /// shows no default for an option declared with `transform:` (needed for the range's message), so the help says
    /// it (and docs/reference.md, generated from the help, with it).
    public init(wrappedValue: Value, bounded text: String, valueName: String? = nil, discussion: String = "") {
        self.init(wrappedValue: wrappedValue, help: Value.help(text, default: wrappedValue, valueName: valueName, discussion: discussion),
                  transform: { try Value.parse($0) })
    }
}
