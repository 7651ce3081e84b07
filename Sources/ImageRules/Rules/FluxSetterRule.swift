import YAMLEdit

/// Flux image-automation setter markers, `# {"$imagepolicy": "ns:policy[:name|:tag|:digest]"}`. A marked
/// full reference is an image wherever it stands. The markers of one policy are one image: its `:name`
/// value, or else its full reference, names the image for the `:tag` and `:digest` values, whatever their
/// keys are called. Values a rule of higher precedence claimed still name the policy's image. Precedence: fifth.
struct FluxSetterRule: ImageRule {
    func sites(in d: DocumentScan, claimed: Set<Int>) -> [ImageSite] {
        var order: [String] = []
        var groups: [String: [FluxMarker.Field: [YAMLNode]]] = [:]
        d.root.walk { n in
            guard n.kind == .scalar, n.parent != nil, !n.isMappingKey, n.isStringLike,
                  let mk = FluxMarker.after(n, in: d.bytes) else { return }
            if groups[mk.policy] == nil { order.append(mk.policy) }
            groups[mk.policy, default: [:]][mk.field, default: []].append(n)
        }
        var out: [ImageSite] = []
        for policy in order {
            let g = groups[policy]!
            let fulls = (g[.full] ?? []).compactMap { n in ImageReference.written(n.value).map { (n, $0) } }
            for (n, ref) in fulls where !claimed.contains(n.id) {
                out.append(ImageSite(kind: .fluxMarker, shape: .reference(n, prefix: ""), selectors: [ref.name], current: ref,
                                     line: n.line, claims: [n], uniqueKeys: []))
            }
            let names = g[.name] ?? [], tags = g[.tag] ?? [], digests = g[.digest] ?? []
            guard let name = names.lazy.compactMap({ try? ImageName(parsing: $0.value) }).first ?? fulls.first?.1.name else { continue }
            let free = { (nodes: [YAMLNode]) in nodes.filter { !claimed.contains($0.id) } }
            let editable = free(names) + free(tags) + free(digests)
            guard let first = editable.min(by: { $0.start < $1.start }) else { continue }
            func given(_ nodes: [YAMLNode]) -> String? { nodes.first.flatMap { $0.value.isEmpty ? nil : $0.value } }
            out.append(ImageSite(kind: .fluxMarker, shape: .fluxPolicy(names: free(names), tags: free(tags), digests: free(digests)),
                                 selectors: [name],
                                 current: ImageReference(name: name, tag: given(tags) ?? fulls.first?.1.tag, digest: given(digests) ?? fulls.first?.1.digest),
                                 line: first.line, claims: editable, uniqueKeys: []))
        }
        return out
    }
}
