import ImageReference
import YAMLEdit

/// The scalar value of any `image:` key (containers, init and ephemeral containers, Helm `image: repo:tag`)
/// and an image volume's `image.reference` (Kubernetes 1.31+). An untagged `image: repo` with an `imageTag:`
/// sibling (Elastic charts) keeps its tag there (kind `key`). A value counts when its name part is a valid
/// image name, whatever its tag or digest (`app:{GENERATED_TAG}`, a short digest).
struct ContainerImageRule: ImageRule {
    static let image: Set<String> = ["image"], reference: Set<String> = ["reference"], imageAndTag: Set<String> = ["image", "imageTag"]

    func sites(in d: DocumentScan, claimed: Set<Int>) -> [ImageSite] {
        var out: [ImageSite] = []
        d.pairs { m, key, value in
            guard key == "image" else { return }
            if value.kind == .mapping {
                // image volume: `volumes: [{name, image: {reference, pullPolicy}}]`
                guard let v = stringValue(value, "reference"), !claimed.contains(v.id), let ref = ImageReference.written(v.value) else { return }
                out.append(ImageSite(kind: .container, shape: .reference(v, prefix: ""), selectors: [ref.name], current: ref,
                                     line: v.line, claims: [v], uniqueKeys: [(m, Self.image), (value, Self.reference)]))
                return
            }
            guard value.isStringLike, !claimed.contains(value.id), let ref = ImageReference.written(value.value) else { return }
            if ref.tag == nil, ref.digest == nil, let tag = m["imageTag"], tag.kind == .scalar, !claimed.contains(tag.id) {
                out.append(ImageSite(kind: .key, shape: .imageAndTagKey(image: value, tag: tag), selectors: [ref.name],
                                     current: ImageReference(name: ref.name, tag: tag.value.isEmpty ? nil : tag.value),
                                     line: tag.line, claims: [value, tag], uniqueKeys: [(m, Self.imageAndTag)]))
            } else {
                out.append(ImageSite(kind: .container, shape: .reference(value, prefix: ""), selectors: [ref.name], current: ref,
                                     line: value.line, claims: [value], uniqueKeys: [(m, Self.image)]))
            }
        }
        return out
    }
}
