import Support

/// One image reference a file holds, as a rule found it (for `imagebump get`).
public struct FoundImage: Equatable, Sendable, Codable {
    public let kind: ChangeKind
    /// The effective name as written (a kustomize entry's `newName` when it has one).
    public let name: String
    /// Tag and digest as written; they may be templated or invalid.
    public let tag: String?
    public let digest: String?
    /// 1-based line of the value a `set` would report.
    public let line: Int
}

extension ImagePlanner {
    /// Every image reference in `bytes`, per rule, in file order — the values `set` would consider, with the
    /// same precedence between rules. A pure function of the bytes (`file` names the file in errors and
    /// recognises `kustomization.yaml`); throws on invalid YAML.
    public static func images(file: String, bytes: [UInt8]) throws(Problem) -> [FoundImage] {
        let stream = try parse(file: file, bytes: bytes)
        return stream.documents.compactMap { $0 }.flatMap { root -> [FoundImage] in
            guard let document = DocumentScan(file: file, bytes: bytes, root: root) else { return [] }
            return ImageRules.sites(in: document).map {
                FoundImage(kind: $0.kind, name: $0.current.name.written, tag: $0.current.tag, digest: $0.current.digest, line: $0.line)
            }
        }
    }
}
