import YAMLEdit

/// The scalar value of any `image:` key (containers, init and ephemeral containers, Helm `image: repo:tag`)
/// and an image volume's `image.reference` (Kubernetes 1.31+). A value counts when its name part is a valid
/// image name, whatever its tag or digest (`app:{GENERATED_TAG}`, a short digest); an alias counts as its
/// anchored value (whose edit is then refused by name). Precedence: sixth — an untagged `image:` with a tag key
/// beside it is a Helm mapping (rule 4), a marked one a Flux marker (rule 5).
struct ContainerImageRule: ImageRule {
    static let image: Set<String> = ["image"], reference: Set<String> = ["reference"]

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
            let value = resolved(value)
            guard value.isStringLike, !claimed.contains(value.id), let ref = ImageReference.written(value.value) else { return }
            out.append(ImageSite(kind: .container, shape: .reference(value, prefix: ""), selectors: [ref.name], current: ref,
                                 line: value.line, claims: [value], uniqueKeys: [(m, Self.image)]))
        }
        return out
    }
}
