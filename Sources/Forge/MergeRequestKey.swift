import FoundationEssentials
import Support

/// What identifies one imagebump merge request: the change it makes — the branch it merges into, the environment
/// (or the set of `-f` paths) it edits, and the images it changes. Two runs with the same key update the same MR; runs
/// with different keys (staging and production, or two apps) never share a branch or an MR.
///
/// The key is written into the MR's description as a hidden marker, so an MR is found by its key even when the
/// branch naming scheme changes.
public struct MergeRequestKey: Sendable, Equatable {
    public enum Scope: Sendable, Equatable {
        /// An environment of imagebump.yaml (`--env`).
        case environment(String)
        /// The `-f` paths, relative to the repository root; empty: the whole repository.
        case files([String])
    }

    public let targetBranch: String
    public let scope: Scope
    /// Normalised image names (no tag or digest), sorted, each once.
    public let images: [String]

    public init(targetBranch: String, scope: Scope, images: [String]) {
        self.targetBranch = targetBranch
        switch scope {
        case .environment: self.scope = scope
        case .files(let paths): self.scope = .files(Self.normalized(paths))
        }
        self.images = Array(Set(images)).sorted()
    }

    /// `-f` paths as one set: `./` and trailing slashes dropped, `.` (the root) dropped, sorted, each once.
    static func normalized(_ paths: [String]) -> [String] {
        let cleaned = paths.map { p -> String in
            var p = p
            while p.hasPrefix("./") { p.removeFirst(2) }
            while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
            while p.contains("//") { p = p.replacingEvery("//", with: "/") }
            return p
        }.filter { !$0.isEmpty && $0 != "." }
        return Array(Set(cleaned)).sorted()
    }

    /// The key as text, each value percent-encoded so that it can never end the HTML comment it sits in.
    public var canonical: String {
        let scopeText: String
        switch scope {
        case .environment(let name): scopeText = "env=" + Self.encode(name)
        case .files(let paths): scopeText = "files=" + paths.map(Self.encode).joined(separator: ",")
        }
        return "v1;target=\(Self.encode(targetBranch));\(scopeText);images=\(images.map(Self.encode).joined(separator: ","))"
    }

    static let markerPrefix = "<!-- imagebump-key: "

    /// The hidden line put at the end of the MR description.
    public var marker: String { Self.markerPrefix + canonical + " -->" }

    /// The key text of the marker in an MR description (nil without one).
    public static func canonical(inDescription text: String) -> String? {
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) where line.hasPrefix(markerPrefix) && line.hasSuffix(" -->") {
            return String(line.dropFirst(markerPrefix.count).dropLast(" -->".count))
        }
        return nil
    }

    /// `description` ending with this key's marker (once).
    public func marking(_ description: String) -> String {
        if Self.canonical(inDescription: description) == canonical { return description }
        return description + (description.hasSuffix("\n") ? "" : "\n") + "\n" + marker + "\n"
    }

    /// The bot branch: `imagebump/<target>/<environment or paths>/<image names>-<hash of the key>`. The names are
    /// slugs for people to read; the hash keeps two keys whose slugs agree on different branches.
    public var branch: String {
        let scopeSlug: String
        switch scope {
        case .environment(let name): scopeSlug = ForgeDefaults.slugify(name)
        case .files(let paths): scopeSlug = paths.isEmpty ? "all" : ForgeDefaults.slugify(paths.joined(separator: "-"))
        }
        let names = images.map { name -> String in
            String(name.split(separator: "/").last ?? Substring(name))
        }
        var hasher = FNV1a()
        hasher.add(canonical)
        let hash = UInt32(truncatingIfNeeded: hasher.value).hex(width: 8)
        // a ref name component: no "..", no ".lock" ending, not empty
        func part(_ s: String, _ limit: Int) -> String {
            var cut = String(s.prefix(limit))
            while cut.contains("..") { cut = cut.replacingEvery("..", with: ".") }
            if cut.hasSuffix(".lock") { cut.removeLast(5) }
            cut = cut.trimming { "-.".unicodeScalars.contains($0) }
            return cut.isEmpty ? "_" : cut
        }
        let imagesSlug = ForgeDefaults.slugify(Array(Set(names)).sorted().joined(separator: "-"))
        return "\(Self.branchPrefix)\(part(ForgeDefaults.slugify(targetBranch), 40))/\(part(scopeSlug, 40))/\(part(imagesSlug, 60))-\(hash)"
    }

    /// What every bot branch starts with (`branch`; `--push-branch` names others).
    public static let branchPrefix = "imagebump/"

    /// Whether `branch` is one of imagebump's bot branches (by its name: `branchPrefix`).
    public static func isBotBranch(_ branch: String) -> Bool { branch.hasPrefix(branchPrefix) }

    static func encode(_ s: String) -> String {
        s.percentEncoded { $0.isASCIIAlphanumeric || "-._~/:@".unicodeScalars.contains($0) }
    }
}
