import Support
import YAMLEdit

/// One image reference a rule found in a document: where it is written and what it holds now. Rules only
/// find sites; `SiteWriter` is the one place that decides what a spec changes in each shape.
struct ImageSite {
    /// How the reference is laid out in the YAML.
    enum Shape {
        /// The whole reference in one scalar after an optional `NAME=` prefix: `image:` values, image
        /// volumes, `*Image` keys, Argo CD `kustomize.images` strings, Flux full-reference markers.
        case reference(YAMLNode, prefix: String)
        /// A kustomize `images:` entry (`name` selects; `newName`, `newTag`, `digest` are set).
        case kustomizeEntry(YAMLNode)
        /// A Helm values mapping (`HelmValuesRule`).
        case helm(HelmFields)
        /// One image's Argo CD Helm parameters (`ArgoCDHelmParametersRule`).
        case helmParameters(ParameterGroup)
        /// The `:name`, `:tag` and `:digest` values of one Flux image policy, wherever they stand.
        case fluxPolicy(names: [YAMLNode], tags: [YAMLNode], digests: [YAMLNode])
    }

    let kind: ChangeKind
    let shape: Shape
    /// Names that select this site (a kustomize entry's `name` and `newName`; an Argo CD `NAME=` and its reference).
    let selectors: [ImageName]
    /// The effective reference now, tag and digest as written (they may be templated or invalid).
    let current: ImageReference
    /// 1-based line reported for the change.
    let line: Int
    /// Value nodes this site owns: rules of lower precedence do not see them.
    let claims: [YAMLNode]
    /// Keys that must not repeat in a mapping for the edit to mean one thing: (mapping, keys).
    let uniqueKeys: [(mapping: YAMLNode, keys: Set<String>)]
}

/// The value of `key` in `mapping` when it is a string scalar, or an alias of one: the anchored scalar is the
/// value, so an edit of it is refused by name (`&anchor`) instead of the value being skipped.
func stringValue(_ mapping: YAMLNode, _ key: String) -> YAMLNode? {
    guard let v = mapping[key].map(resolved), v.isStringLike else { return nil }
    return v
}

/// The value of a scalar `node` unless it is empty: a key written without a value is as good as absent.
func nonEmptyValue(_ node: YAMLNode?) -> String? {
    node.flatMap { $0.kind == .scalar && !$0.value.isEmpty ? $0.value : nil }
}

/// An alias's anchored node; any other node itself.
func resolved(_ node: YAMLNode) -> YAMLNode {
    node.kind == .alias ? node.aliasTarget ?? node : node
}

/// How a digest key wants its value: `sha256:…` (`digest:` in Bitnami, ingress-nginx, cert-manager) or the bare
/// hex the template prefixes itself (`@sha256:{{ .sha }}` in prometheus-community and grafana charts).
struct DigestField {
    let key: String
    let bare: Bool

    /// The value to write for `digest` (`sha256:…`); nil with a reason when a bare key cannot hold it.
    func text(for digest: String) -> Result<String, DigestFormError> {
        guard bare else { return .success(digest) }
        guard digest.hasPrefix("sha256:") else { return .failure(DigestFormError(key: key)) }
        return .success(String(digest.dropFirst("sha256:".count)))
    }

    /// The digest a written value stands for, in `algorithm:hex` form.
    func digest(fromWritten v: String) -> String { bare && !v.contains(":") ? "sha256:" + v : v }

    /// The form of `key`: that of its current value, else of an example in the comment lines just above it
    /// (`# digest: 4d99…`), else the key's usual one (`sha` bare, others prefixed).
    static func form(key: String, value: YAMLNode?, keyNode: YAMLNode?, bytes: [UInt8]) -> DigestField {
        if let v = value, v.kind == .scalar, !v.value.isEmpty { return DigestField(key: key, bare: !v.value.contains(":")) }
        if let k = keyNode, let example = commentExample(of: key, above: k, in: bytes) {
            return DigestField(key: key, bare: !example.contains(":"))
        }
        return DigestField(key: key, bare: key == "sha")
    }

    /// `VALUE` of a `# KEY: VALUE` line among the comment lines right above `keyNode`'s line.
    private static func commentExample(of key: String, above keyNode: YAMLNode, in bytes: [UInt8]) -> String? {
        var end = keyNode.start
        while end > 0 && bytes[end - 1] != 0x0A { end -= 1 } // start of the key's line
        while end > 0 {
            var start = end - 1
            while start > 0 && bytes[start - 1] != 0x0A { start -= 1 }
            let line = String(decoding: bytes[start..<(end - 1)], as: UTF8.self).trimmingBlanksAndNewlines()
            guard line.hasPrefix("#") else { return nil }
            let body = line.dropFirst().drop { $0 == " " }
            if body.hasPrefix(key + ": ") { return String(body.dropFirst(key.count + 2)).trimmingBlanksAndNewlines() }
            end = start
        }
        return nil
    }
}

struct DigestFormError: Error {
    let key: String
}
