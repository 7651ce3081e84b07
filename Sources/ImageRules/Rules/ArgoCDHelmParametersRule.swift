import YAMLEdit

/// Argo CD Helm parameters: `helm.parameters` items `{name, value[, forcestring]}` in `spec.source(s)` (and
/// ApplicationSet templates) and in Image Updater's `.argocd-source-<app>.yaml`. Precedence: third, after
/// kustomize `images:` entries and Argo CD `kustomize.images`, before Helm values — Argo CD gives parameters
/// precedence over `values`/`valuesObject`, so these are the values that deploy; a `valuesObject` mapping of the
/// same image is edited too, by the Helm rule, and stays consistent.
/// Parameters whose names share a prefix (`image.`, `worker.image.`) are one image: `<p>repository|name|image`
/// names it (after `<p>registry`), `<p>tag|version|imageTag` holds the tag, `<p>digest|sha` the digest. A group
/// without a name part takes it from the same source's `valuesObject` at that path. A name value holding a tag
/// or digest with no tag parameter beside it (Image Updater's `image-spec`) is rewritten as a whole reference.
struct ArgoCDHelmParametersRule: ImageRule {
    enum Role { case name, registry, tag, digest }
    /// The key after the prefix: the tag and digest keys are the Helm values rule's, so both read a chart alike.
    static let roles: [String: Role] = Dictionary(uniqueKeysWithValues:
        [("repository", .name), ("name", .name), ("image", .name), ("registry", .registry)]
            + HelmValuesRule.tagKeys.map { ($0, Role.tag) } + HelmValuesRule.imageDigestKeys.map { ($0, Role.digest) })
    static let itemKeys: Set<String> = ["name", "value", "forcestring"]

    func sites(in d: DocumentScan, claimed: Set<Int>) -> [ImageSite] {
        var out: [ImageSite] = []
        for m in d.mappings {
            guard let helm = m["helm"].map(resolved), helm.kind == .mapping,
                  let list = helm["parameters"].map(resolved), list.kind == .sequence else { continue }
            for group in Self.groups(in: list) {
                if let site = site(group, helm: helm, in: d, claimed: claimed) { out.append(site) }
            }
        }
        return out
    }

    /// The parameters of `list` by prefix, in file order; items that are not `{name, value…}` are left out.
    static func groups(in list: YAMLNode) -> [ParameterGroup] {
        var order: [String] = []
        var byPrefix: [String: [(Role, String, YAMLNode)]] = [:]
        for item in list.children where item.kind == .mapping {
            guard let n = stringValue(item, "name"), item.pairs.allSatisfy({ itemKeys.contains($0.key.value) }) else { continue }
            let full = n.value
            let dot = full.lastIndex(of: ".")
            let prefix = dot.map { String(full[...$0]) } ?? "", last = dot.map { String(full[full.index(after: $0)...]) } ?? full
            guard let role = roles[last] else { continue }
            if byPrefix[prefix] == nil { order.append(prefix) }
            byPrefix[prefix, default: []].append((role, last, item))
        }
        return order.map { p in
            let items = byPrefix[p]!
            func first(_ r: Role) -> (key: String, item: YAMLNode)? { items.first { $0.0 == r }.map { ($0.1, $0.2) } }
            return ParameterGroup(list: list, prefix: p, name: first(.name), registry: first(.registry), tag: first(.tag), digest: first(.digest))
        }
    }

    private func site(_ g: ParameterGroup, helm: YAMLNode, in d: DocumentScan, claimed: Set<Int>) -> ImageSite? {
        let values = [g.name, g.registry, g.tag, g.digest].compactMap { $0.flatMap { stringValue($0.item, "value") } }
        guard !values.contains(where: { claimed.contains($0.id) }) else { return nil }
        let uniqueKeys = [g.name, g.registry, g.tag, g.digest].compactMap { $0.map { ($0.item, Self.itemKeys) } }
        func value(_ p: (key: String, item: YAMLNode)?) -> String? { nonEmptyValue(p.flatMap { stringValue($0.item, "value") }) }
        let name: ImageName
        if let n = value(g.name) {
            let registry = value(g.registry)
            if registry == nil, g.tag == nil, g.digest == nil, let node = stringValue(g.name!.item, "value"),
               let ref = ImageReference.written(n), ref.tag != nil || ref.digest != nil {
                return ImageSite(kind: .argocd, shape: .reference(node, prefix: ""), selectors: [ref.name], current: ref,
                                 line: node.line, claims: [node], uniqueKeys: uniqueKeys)
            }
            guard let parsed = try? ImageName(parsing: registry.map { $0 + "/" + n } ?? n) else { return nil }
            name = parsed
        } else if let fromValues = valuesObjectName(g.prefix, helm: helm, in: d) {
            name = fromValues
        } else {
            return nil
        }
        let digestForm = g.digestForm
        return ImageSite(kind: .argocd, shape: .helmParameters(g), selectors: [name],
                         current: ImageReference(name: name, tag: value(g.tag), digest: value(g.digest).map(digestForm.digest(fromWritten:))),
                         line: (g.tag ?? g.name ?? g.digest)?.item.line ?? g.list.line, claims: values, uniqueKeys: uniqueKeys)
    }

    /// The name of the Helm mapping at `prefix`'s path in the same source's `valuesObject`.
    private func valuesObjectName(_ prefix: String, helm: YAMLNode, in d: DocumentScan) -> ImageName? {
        guard !prefix.isEmpty, var node = helm["valuesObject"].map(resolved) else { return nil }
        for part in prefix.dropLast().split(separator: ".") {
            guard node.kind == .mapping, let next = node[String(part)].map(resolved) else { return nil }
            node = next
        }
        return node.kind == .mapping ? HelmValuesRule.fields(of: node, in: d)?.name : nil
    }
}

/// One image's parameters: each part is the `{name, value…}` item that holds it, with the key after the prefix.
struct ParameterGroup {
    let list: YAMLNode
    let prefix: String
    let name: (key: String, item: YAMLNode)?
    let registry: (key: String, item: YAMLNode)?
    let tag: (key: String, item: YAMLNode)?
    let digest: (key: String, item: YAMLNode)?

    /// The digest's form: that of its current value, else bare for a `sha` parameter.
    var digestForm: DigestField {
        DigestField.form(key: digest?.key ?? "digest", value: digest.flatMap { stringValue($0.item, "value") }, keyNode: nil, bytes: [])
    }

    /// Whether Helm's `--set` would read `value` as something other than a string (strvals' typedVal: booleans,
    /// `null`, and integers without a leading zero), so the item needs `forcestring: true` to stay a string.
    static func typedBySet(_ value: String) -> Bool {
        let lower = value.lowercased()
        if lower == "true" || lower == "false" || lower == "null" || value == "0" { return true }
        return value.first != "0" && Int64(value) != nil
    }
}
