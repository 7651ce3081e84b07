import ArgumentParser
import ImagebumpCLI
import XCTest

/// The options each subcommand declares, read by reflection from the parsed command (its option groups too), so
/// that a test can hold every option of every command to a rule.
enum CommandTree {
    /// The least each subcommand needs to parse; a new subcommand must be added here, so the walk covers it.
    static let minimalArguments: [String: [String]] = ["set": ["app:1"], "promote": ["a", "b"], "get": [], "history": [], "rollback": ["--env", "production"], "metrics": [], "update": ["--env", "dev", "--semver", ">=1"]]

    /// An option or argument as declared: its long name, the property wrapper's type, and its parsed value.
    struct Declared {
        let name: String
        let type: String
        let value: Any?
    }

    /// Every subcommand, parsed from its minimal arguments.
    static func commands(file: StaticString = #filePath, line: UInt = #line) throws -> [(name: String, command: ParsableCommand)] {
        try Imagebump.configuration.subcommands.compactMap { sub in
            let name = sub.configuration.commandName!
            guard let args = minimalArguments[name] else {
                XCTFail("add \(name)'s minimal arguments to CommandTree", file: file, line: line)
                return nil
            }
            return (name, try Imagebump.parseAsRoot([name] + args))
        }
    }

    /// Every option and argument declared in `value` and its option groups.
    static func options(of value: Any) -> [Declared] {
        var out: [Declared] = []
        for child in Mirror(reflecting: value).children {
            let type = String(describing: Swift.type(of: child.value))
            if type.hasPrefix("OptionGroup<") {
                if let group = parsedValue(child.value) { out += options(of: group) }
            } else if type.hasPrefix("Option<") || type.hasPrefix("Argument<") {
                let label = String((child.label ?? "").drop { $0 == "_" })
                let kebab = label.reduce(into: "") { s, c in s += c.isUppercase ? "-" + c.lowercased() : String(c) }
                out.append(Declared(name: "--" + kebab, type: type, value: parsedValue(child.value)))
            }
        }
        return out
    }

    /// A parsed property wrapper's value: its `_parsedValue` is `.value(v)`.
    private static func parsedValue(_ wrapper: Any) -> Any? {
        let parsed = Mirror(reflecting: wrapper).children.first { $0.label == "_parsedValue" }?.value
        return parsed.flatMap { Mirror(reflecting: $0).children.first?.value }
    }
}
