import YAMLEdit

/// Argo CD `kustomize.images` strings (`spec.source(s).kustomize.images`, `.argocd-source-<app>.yaml`):
/// `[NAME=]NEWNAME[:TAG][@DIGEST]`, rewritten in the same form. Precedence: second.
struct ArgoCDImagesRule: ImageRule {
    func sites(in d: DocumentScan, claimed: Set<Int>) -> [ImageSite] {
        var out: [ImageSite] = []
        for m in d.mappings {
            guard let kustomize = m["kustomize"], let list = kustomize["images"], list.kind == .sequence else { continue }
            for item in list.children where item.isStringLike && !claimed.contains(item.id) {
                let text = item.value
                var prefix = "", refText = text
                if let eq = text.firstIndex(of: "=") {
                    prefix = String(text[...eq])
                    refText = String(text[text.index(after: eq)...])
                }
                guard let ref = ImageReference.written(refText) else { continue }
                let selectors = [prefix.isEmpty ? nil : try? ImageName(parsing: String(prefix.dropLast())), ref.name].compactMap { $0 }
                out.append(ImageSite(kind: .argocd, shape: .reference(item, prefix: prefix), selectors: selectors, current: ref,
                                     line: item.line, claims: [item], uniqueKeys: [(kustomize, KustomizeImagesRule.imagesKey)]))
            }
        }
        return out
    }
}
