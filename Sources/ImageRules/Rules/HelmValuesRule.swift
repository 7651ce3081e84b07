import YAMLEdit

/// Helm values mappings at any depth (values files, HelmRelease `spec.values`, Argo CD `valuesObject`). Precedence:
/// fourth, after kustomize `images:` entries and Argo CD parameters; before Flux markers, `image:` values and `*Image`
/// keys, which never see the values this rule claims. The layouts (first that fits wins):
/// 1. `repository` (non-empty), with an optional `registry` before it;
/// 2. an untagged `image` with a `registry` or a tag key beside it (ingress-nginx, the redis-ha exporter); not in a
///    mapping with `kind`/`apiVersion` (a kustomize patch `target`) or the top-level `spec` of a typed object, where
///    `image` + `version` mean something else (Prometheus, ECK), nor when `image` has a Flux marker (rule 5 owns it);
/// 3. `name` in a mapping held by an `image`/`…Image` key (Image Updater's `image.name`), prefixed by the
///    `imageRegistry` + `imageNamespace` of an enclosing mapping when there are any (cert-manager).
/// A mapping without its own registry takes `global.image.registry` or `global.imageRegistry` from the nearest
/// enclosing mapping that has one, unless its repository already names a registry.
/// The tag lives under whichever of `tagKeys` the mapping has (`tag` is inserted when it has none); the digest under
/// `digestChroot` when ingress-nginx's `chroot: true` is set (the image is then `<image>-chroot`), else `digest` or `sha`,
/// in the form that key wants (`DigestField`); the other digest keys present are emptied with any change.
struct HelmValuesRule: ImageRule {
    static let tagKeys = ["tag", "version", "imageTag"]
    /// The digest keys of an image's own mapping (and of Argo CD parameters); `digestChroot` is ingress-nginx's variant's.
    static let imageDigestKeys = ["digest", "sha"]
    static let digestKeys = imageDigestKeys + ["digestChroot"]
    static let keys: Set<String> = Set(["registry", "repository", "image", "name"] + tagKeys + digestKeys)

    func sites(in d: DocumentScan, claimed: Set<Int>) -> [ImageSite] {
        d.mappings.compactMap { m in
            guard let h = Self.fields(of: m, in: d), !claimed.contains(h.repository.id) else { return nil }
            let tagNode = m[h.tagKey].map(resolved), digestNode = m[h.digest.key].map(resolved)
            return ImageSite(kind: .helm, shape: .helm(h), selectors: [h.name],
                             current: ImageReference(name: h.name, tag: nonEmptyValue(tagNode), digest: nonEmptyValue(digestNode).map(h.digest.digest(fromWritten:))),
                             line: (tagNode ?? h.repository).line,
                             claims: [h.repository, tagNode, digestNode, h.registry].compactMap { $0 } + h.staleDigests,
                             uniqueKeys: [(m, Self.keys)])
        }
    }

    /// The image `m` describes, when it has one of the layouts above.
    static func fields(of m: YAMLNode, in d: DocumentScan) -> HelmFields? {
        let own = stringValue(m, "registry").flatMap { $0.value.isEmpty ? nil : $0 }
        let tagKey = tagKeys.first { m[$0] != nil }
        var renameKey: String?
        var prefix: String?
        let repository: YAMLNode
        var chroot = false
        if let r = stringValue(m, "repository"), !r.value.isEmpty {
            repository = r
        } else if let i = stringValue(m, "image"), own != nil || tagKey != nil, ImageReference.written(i.value).map({ $0.tag == nil && $0.digest == nil }) == true,
                  m["kind"] == nil, m["apiVersion"] == nil, !(m === d.root["spec"] && !d.apiVersion.isEmpty),
                  FluxMarker.after(i, in: d.bytes) == nil {
            repository = i
            chroot = m["chroot"].map { $0.kind == .scalar && $0.style == .plain && $0.value == "true" } ?? false
        } else if let n = stringValue(m, "name"), !n.value.isEmpty, let key = m.keyInParent?.value, key == "image" || ImageKeyRule.endsInImage(key) {
            repository = n
            let base = m.ancestry.dropFirst().first { $0.kind == .mapping && ($0["imageRegistry"] != nil || $0["imageNamespace"] != nil) }
            if let base {
                prefix = ["imageRegistry", "imageNamespace"].compactMap { stringValue(base, $0)?.value }.filter { !$0.isEmpty }.joined(separator: "/")
                renameKey = "repository" // a full repository overrides registry + namespace + name
            }
        } else {
            return nil
        }
        let global = own == nil ? globalRegistry(above: m) : nil
        var written = [prefix, repository.value].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "/")
        if chroot { written += "-chroot" }
        let ownName = try? ImageName(parsing: written)
        let registry = own?.value ?? (ownName?.domain == nil ? global?.value : nil)
        guard let name = try? ImageName(parsing: registry.map { $0 + "/" + written } ?? written) else { return nil }
        let digestKey = chroot ? "digestChroot" : imageDigestKeys.first { m[$0] != nil } ?? "digest"
        let keyNode = m.pairs.first { $0.key.value == digestKey }?.key
        let digest = DigestField.form(key: digestKey, value: m[digestKey].map(resolved), keyNode: keyNode, bytes: d.bytes)
        let stale = digestKeys.filter { $0 != digestKey }.compactMap { stringValue(m, $0) }
        var blocked: String?
        if own == nil, registry != nil, let global { blocked = "its registry comes from '\(global.keyInParent?.value ?? "")' on line \(global.line), which other images share" }
        if chroot { blocked = "it is the '-chroot' variant of '\(repository.value)'" }
        return HelmFields(mapping: m, name: name, registry: own, repository: repository, renameKey: renameKey, tagKey: tagKey ?? "tag",
                          digest: digest, staleDigests: stale, renameBlocked: blocked)
    }

    /// `global.image.registry` (ingress-nginx) or `global.imageRegistry` (Bitnami) of the nearest enclosing mapping
    /// that has a non-empty one.
    static func globalRegistry(above m: YAMLNode) -> YAMLNode? {
        for a in m.ancestry.dropFirst() where a.kind == .mapping {
            guard let g = a["global"].map(resolved), g.kind == .mapping else { continue }
            if let image = g["image"].map(resolved), image.kind == .mapping, let r = stringValue(image, "registry"), !r.value.isEmpty { return r }
            if let r = stringValue(g, "imageRegistry"), !r.value.isEmpty { return r }
        }
        return nil
    }
}

/// Where one image's parts are written in a Helm values mapping.
struct HelmFields {
    let mapping: YAMLNode
    /// The effective name (registry, prefix and repository resolved).
    let name: ImageName
    /// The mapping's own non-empty `registry`, written with a rename.
    let registry: YAMLNode?
    /// The value holding the repository (the whole name when there is no own registry).
    let repository: YAMLNode
    /// When set, a rename writes the whole new name to this key (inserted when missing) instead.
    let renameKey: String?
    let tagKey: String
    let digest: DigestField
    /// Other digest keys present: they pin a variant of the old image, so any change empties them.
    let staleDigests: [YAMLNode]
    /// Why a rename cannot be written in this mapping alone.
    let renameBlocked: String?
}
