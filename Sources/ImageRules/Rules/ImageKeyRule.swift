import YAMLEdit

/// Other keys that hold a whole reference: a key ending in `image` or `Image` (`sidecarImage`, `initImage`,
/// `busybox_image`) whose string value parses as a reference (kind `key`). Precedence: seventh, last, so `image:` itself and
/// the layouts above keep their own kind.
struct ImageKeyRule: ImageRule {
    func sites(in d: DocumentScan, claimed: Set<Int>) -> [ImageSite] {
        var out: [ImageSite] = []
        d.pairs { m, key, value in
            let value = resolved(value)
            guard key != "image", Self.endsInImage(key), value.isStringLike, !value.value.isEmpty,
                  !claimed.contains(value.id), let ref = ImageReference.written(value.value) else { return }
            out.append(ImageSite(kind: .key, shape: .reference(value, prefix: ""), selectors: [ref.name], current: ref,
                                 line: value.line, claims: [value], uniqueKeys: [(m, [key])]))
        }
        return out
    }

    /// `…image` or `…Image` (compared as bytes: this runs for every key of every file).
    static func endsInImage(_ key: String) -> Bool {
        var it = key.utf8.reversed().makeIterator()
        for c in "egam".utf8 where it.next() != c { return false }
        guard let i = it.next() else { return false }
        return i == UInt8(ascii: "i") || i == UInt8(ascii: "I")
    }
}
