import ArgumentParser
import ImagebumpKit
import Support

extension TagPolicy.Order: ExpressibleByArgument {}

/// `update`'s tag policy on the command line (as Flux's ImagePolicy: semver, numerical, alphabetical, and a tag
/// filter), or `--digest`. Given here, it applies to every image of the run and wins over imagebump.yaml's `update:`.
public struct UpdatePolicyOptions: ParsableArguments {
    public init() {}

    @Option(help: ArgumentHelp("The newest release in this range: comparators joined by blanks, all of which must hold (>=1.2 <2; a partial version is padded with zeros), ^1.2 (>=1.2.0 <2.0.0; ^0.2: <0.3.0), ~1.2.3 (>=1.2.3 <1.3.0), alternatives joined by ||. Pre-releases are never chosen.", valueName: "range"))
    public var semver: String?

    @Option(help: ArgumentHelp("The highest (asc) or lowest (desc) tag read as a number (a build number, a timestamp; compared exactly, not as a float). Tags that are no number are passed over.", valueName: "asc|desc"))
    public var numerical: TagPolicy.Order?

    @Option(help: ArgumentHelp("The last (asc) or first (desc) tag in byte order (as Go's sort.Strings, which Flux uses).", valueName: "asc|desc"))
    public var alphabetical: TagPolicy.Order?

    @Flag(help: "Follow the tag each file holds (a mutable tag such as main or latest): when its digest in the registry is not the one written, write TAG@DIGEST.")
    public var digest = false

    @Option(help: ArgumentHelp("Consider only the tags this regular expression matches (a search, as Flux's filterTags: anchor it with ^ and $); the policy compares --tag-extract, else its first capture group when it has one, else the tag (^main-(.+)$: main-1.4.0 is 1.4.0).", valueName: "pattern"))
    public var tagRegex: String?

    @Option(help: ArgumentHelp("What the policy compares of a tag --tag-regex matched: a template of its groups, $name, ${name} or $1 (as Flux's extract: --tag-regex '^main-[a-f0-9]+-(?P<ts>[0-9]+)' --tag-extract '$ts' --numerical asc).", valueName: "template"))
    public var tagExtract: String?

    /// The policy the options give; nil when they give none (imagebump.yaml's then apply).
    public func policy() throws(Problem) -> TagPolicy? {
        let rules: [(String, TagPolicy.Rule?)] = [
            ("--semver", try semver.map { text throws(Problem) in
                do throws(Problem) { return .semver(try SemverRange(parsing: text)) } catch { throw Problem(message: "--semver \(error.message)") }
            }),
            ("--numerical", numerical.map { .numerical($0) }),
            ("--alphabetical", alphabetical.map { .alphabetical($0) }),
            ("--digest", digest ? .digest : nil),
        ]
        let given = rules.filter { $0.1 != nil }
        if given.count > 1 { throw Problem(message: "\(given.map(\.0).joined(separator: " and ")) are two policies; give one") }
        if tagExtract != nil && tagRegex == nil { throw Problem(message: "--tag-extract needs --tag-regex, whose groups it names") }
        let filter = try tagRegex.map { pattern throws(Problem) in
            do throws(Problem) { return try TagFilter(pattern: pattern, extract: tagExtract) } catch { throw Problem(message: "--tag-regex \(error.message)") }
        }
        guard let rule = given.first?.1 else {
            if filter != nil { throw Problem(message: "--tag-regex needs a policy beside it: --semver, --numerical or --alphabetical") }
            return nil
        }
        do throws(Problem) { return try TagPolicy(rule, filter: filter) } catch { throw Problem(message: "--digest and --tag-regex: \(error.message)") }
    }

    public func validate() throws {
        do { _ = try policy() } catch { throw ValidationError(error.message) }
    }
}
