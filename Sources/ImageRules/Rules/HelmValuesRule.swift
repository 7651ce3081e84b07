import ImageReference
import YAMLEdit

/// Helm values mappings at any depth: `repository` (optionally `registry`, a tag, `digest`), or `registry` +
/// `image` (ingress-nginx style). The tag lives under whichever of `tagKeys` the mapping has (`tag` is
/// inserted when it has none).
struct HelmValuesRule: ImageRule {
    static let tagKeys = ["tag", "version", "imageTag"]
    static let keys: Set<String> = Set(["registry", "repository", "image", "digest"] + tagKeys)

    func sites(in d: DocumentScan, claimed: Set<Int>) -> [ImageSite] {
        var out: [ImageSite] = []
        for m in d.mappings {
            let registryNode = stringValue(m, "registry")
            guard let repo = stringValue(m, "repository") ?? (registryNode != nil ? stringValue(m, "image") : nil),
                  !claimed.contains(repo.id) else { continue }
            let registry = registryNode.flatMap { $0.value.isEmpty ? nil : $0.value }
            guard let name = try? ImageName(parsing: registry.map { $0 + "/" + repo.value } ?? repo.value) else { continue }
            let tagKey = Self.tagKeys.first { m[$0] != nil } ?? "tag"
            let tagNode = m[tagKey], digestNode = m["digest"]
            func given(_ n: YAMLNode?) -> String? { n.flatMap { $0.kind == .scalar && !$0.value.isEmpty ? $0.value : nil } }
            out.append(ImageSite(kind: .helm, shape: .helm(m, registry: registryNode, repository: repo, tagKey: tagKey),
                                 selectors: [name], current: ImageReference(name: name, tag: given(tagNode), digest: given(digestNode)),
                                 line: (tagNode ?? repo).line,
                                 claims: [repo, tagNode, digestNode, registryNode].compactMap { $0 },
                                 uniqueKeys: [(m, Self.keys)]))
        }
        return out
    }
}
