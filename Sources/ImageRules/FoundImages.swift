import Support

/// One image reference at its place: what a file holds, as a rule found it (`get`, `update`, `promote`), or what an
/// overlay renders, at the place that decides it.
public struct FoundImage: Equatable, Sendable {
    /// The rule that found it (a rendered image: `.kustomize` when an `images:` entry decides it, else `.container`).
    public var kind: ChangeKind
    /// The effective name as written (a kustomize entry's `newName` when it has one).
    public var name: String
    /// Tag and digest as written; they may be templated or invalid.
    public var tag: String?
    public var digest: String?
    /// The file, as shown (relative to the root).
    public var file: String
    /// 1-based line of the value a `set` would report.
    public var line: Int

    public init(kind: ChangeKind, name: String, tag: String?, digest: String?, file: String, line: Int) {
        self.kind = kind; self.name = name; self.tag = tag; self.digest = digest; self.file = file; self.line = line
    }

    /// `name[:tag][@digest]`.
    public var reference: String { ImageReference.format(name: name, tag: tag, digest: digest) }

    /// `file:line` for messages and listings, the name quoted when it needs it (`PathQuoting`).
    public var place: String { PathQuoting.quoted(file) + ":\(line)" }
}

extension ImagePlanner {
    /// Every image reference in `bytes`, per rule, in file order — the values `set` would consider, with the
    /// same precedence between rules. A pure function of the bytes (`file` names the file in the answer and in
    /// errors, and recognises `kustomization.yaml`); throws on invalid YAML.
    public static func images(file: String, bytes: [UInt8]) throws(Problem) -> [FoundImage] {
        let stream = try parse(file: file, bytes: bytes)
        return stream.documents.compactMap { $0 }.flatMap { root -> [FoundImage] in
            guard let document = DocumentScan(file: file, bytes: bytes, root: root) else { return [] }
            return ImageRules.sites(in: document).map {
                FoundImage(kind: $0.kind, name: $0.current.name.written, tag: $0.current.tag, digest: $0.current.digest, file: file, line: $0.line)
            }
        }
    }
}
