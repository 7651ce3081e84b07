import ImageReference
import YAMLEdit

/// Other keys that hold a whole reference: a key ending in `image` or `Image` (`sidecarImage`, `initImage`,
/// `busybox_image`) whose string value parses as a reference (kind `key`). Runs last, so `image:` itself and
/// the layouts above keep their own kind.
struct ImageKeyRule: ImageRule {
    func sites(in d: DocumentScan, claimed: Set<Int>) -> [ImageSite] {
        var out: [ImageSite] = []
        d.pairs { m, key, value in
            guard key != "image", key.hasSuffix("image") || key.hasSuffix("Image"), value.isStringLike, !value.value.isEmpty,
                  !claimed.contains(value.id), let ref = ImageReference.written(value.value) else { return }
            out.append(ImageSite(kind: .key, shape: .reference(value, prefix: ""), selectors: [ref.name], current: ref,
                                 line: value.line, claims: [value], uniqueKeys: [(m, [key])]))
        }
        return out
    }
}
