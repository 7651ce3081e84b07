import ImageReference
import YAMLEdit

/// What a spec changes at a site — the one place that decides it, for every shape a rule can find.
struct SiteWriter {
    var editor: YAMLEditor
    let file: String
    let bytes: [UInt8]

    /// Plans the edit of `site` for `spec` and returns the effective reference afterwards.
    mutating func write(_ spec: ImageSpec, to site: ImageSite) throws -> ImageReference {
        let old = site.current
        switch site.shape {
        case .reference(let node, let prefix):
            let new = spec.apply(to: old)
            try editor.setScalar(node, to: prefix + new.description)
            return new

        case .kustomizeEntry(let entry):
            // A tag or digest inside newName moves to newTag/digest: kustomize appends the image's own tag
            // to newName, so `newName: app:2` would render as `app:2:1`.
            let inline = stringValue(entry, "newName").flatMap { ImageReference.written($0.value) }
            let name = spec.newName ?? inline?.name
            if let name, entry["newName"]?.value != name.written { try set(entry, "newName", to: name.written) }
            if spec.isRenameOnly {
                // the tag and digest stay; one written inside newName moves out with it
                if entry["newTag"] == nil, let t = inline?.tag { try set(entry, "newTag", to: t) }
                if entry["digest"] == nil, let d = inline?.digest { try set(entry, "digest", to: d) }
                return ImageReference(name: name ?? old.name, tag: old.tag, digest: old.digest)
            }
            try setOrRemove(entry, "newTag", to: spec.tag)
            try setOrRemove(entry, "digest", to: spec.digest)
            return ImageReference(name: name ?? old.name, tag: spec.tag, digest: spec.digest)

        case .helm(let m, let registry, let repository, let tagKey):
            var name = old.name
            if let n = spec.newName {
                name = n
                if let registry {
                    try editor.setScalar(registry, to: n.domain ?? "docker.io")
                    try editor.setScalar(repository, to: n.path)
                } else {
                    try editor.setScalar(repository, to: n.written)
                }
            }
            if spec.isRenameOnly { return ImageReference(name: name, tag: old.tag, digest: old.digest) }
            if let t = spec.tag { try set(m, tagKey, to: t) }
            try setOrEmpty(m["digest"], to: spec.digest, orInsertInto: m)
            return ImageReference(name: name, tag: spec.tag ?? old.tag, digest: spec.digest)

        case .imageAndTagKey(let image, let tagNode):
            var name = old.name
            if let n = spec.newName { name = n; try editor.setScalar(image, to: n.written) }
            if let t = spec.tag { try editor.setScalar(tagNode, to: t) }
            if let d = spec.digest { try editor.setScalar(image, to: ImageReference(name: name, digest: d).description) }
            return ImageReference(name: name, tag: spec.tag ?? old.tag, digest: spec.digest)

        case .fluxPolicy(let names, let tags, let digests):
            if let n = spec.newName { for node in names { try editor.setScalar(node, to: n.written) } }
            if spec.isRenameOnly { return ImageReference(name: spec.newName ?? old.name, tag: old.tag, digest: old.digest) }
            if let t = spec.tag { for node in tags { try editor.setScalar(node, to: t) } }
            for node in digests { try setOrEmpty(node, to: spec.digest, orInsertInto: nil) }
            return ImageReference(name: spec.newName ?? old.name, tag: spec.tag ?? old.tag,
                                  digest: digests.isEmpty ? old.digest : spec.digest)
        }
    }

    private mutating func set(_ m: YAMLNode, _ key: String, to value: String) throws {
        if let node = m[key] {
            guard node.kind == .scalar else {
                throw Problem(file: file, line: node.line, column: node.column, message: "\(key) is not a scalar value")
            }
            try editor.setScalar(node, to: value)
        } else {
            try editor.insertPair(into: m, key: key, value: value)
        }
    }

    /// Sets `key`, or removes it when the spec does not give it (a tag bump drops a stale digest). A value
    /// with a Flux marker is emptied instead: the marker must stay, and kustomize ignores an empty field.
    private mutating func setOrRemove(_ m: YAMLNode, _ key: String, to value: String?) throws {
        if let value { try set(m, key, to: value); return }
        guard let pair = m.pairs.first(where: { $0.key.value == key }) else { return }
        if pair.value.kind == .scalar, FluxMarker.after(pair.value, in: bytes) != nil {
            try editor.setScalar(pair.value, to: "")
        } else {
            try editor.removePair(from: m, key: pair.key)
        }
    }

    /// Sets a digest the spec gives (inserting the key into `mapping` when there is none), and empties a
    /// stale one it does not give: a leftover digest would keep pulling the old image.
    private mutating func setOrEmpty(_ node: YAMLNode?, to value: String?, orInsertInto mapping: YAMLNode?) throws {
        if let value {
            if let node { try editor.setScalar(node, to: value) }
            else if let mapping { try editor.insertPair(into: mapping, key: "digest", value: value) }
        } else if let node, node.kind == .scalar, !node.value.isEmpty {
            try editor.setScalar(node, to: "")
        }
    }
}
