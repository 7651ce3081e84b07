import YAMLEdit
import Support

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
            // a tag written in `name` selects only that tag: setting the same one as newTag changes nothing
            let selectorTag = stringValue(entry, "name").flatMap { ImageReference.written($0.value) }?.tag
            if !(entry["newTag"] == nil && spec.tag == selectorTag && spec.newName == nil) {
                try setOrRemove(entry, "newTag", to: spec.tag)
            }
            try setOrRemove(entry, "digest", to: spec.digest)
            return ImageReference(name: name ?? old.name, tag: spec.tag, digest: spec.digest)

        case .helm(let h):
            let m = h.mapping
            var name = old.name
            if let n = spec.newName, n != old.name {
                if let why = h.renameBlocked { throw refusal(h.repository, "cannot rename \(old.name.written) here: \(why); rename it by hand") }
                name = n
                if let key = h.renameKey {
                    try set(m, key, to: n.written)
                } else if let registry = h.registry {
                    try editor.setScalar(registry, to: n.domain ?? "docker.io")
                    try editor.setScalar(h.repository, to: n.path)
                } else {
                    try editor.setScalar(h.repository, to: n.written)
                }
            }
            if spec.isRenameOnly { return ImageReference(name: name, tag: old.tag, digest: old.digest) }
            if let t = spec.tag { try set(m, h.tagKey, to: t) }
            try setOrEmpty(m, h.digest, to: spec.digest)
            for node in h.staleDigests where !node.value.isEmpty { try editor.setScalar(node, to: "") }
            return ImageReference(name: name, tag: spec.tag ?? old.tag, digest: spec.digest)

        case .helmParameters(let g):
            var name = old.name
            if let n = spec.newName, n != old.name {
                guard let nameItem = g.name else { throw refusal(g.list, "cannot rename \(old.name.written) here: its name is in valuesObject, not in a parameter") }
                name = n
                if let registry = g.registry {
                    try setParameter(registry.item, to: n.domain ?? "docker.io")
                    try setParameter(nameItem.item, to: n.path)
                } else {
                    try setParameter(nameItem.item, to: n.written)
                }
            }
            if spec.isRenameOnly { return ImageReference(name: name, tag: old.tag, digest: old.digest) }
            if let t = spec.tag {
                if let tag = g.tag { try setParameter(tag.item, to: t) } else { try appendParameter(g, "tag", t) }
            }
            if let dg = spec.digest {
                let text = try digestText(g.digestForm, dg, at: g.digest?.item ?? g.list)
                if let item = g.digest?.item { try setParameter(item, to: text) } else { try appendParameter(g, "digest", text) }
            } else if let item = g.digest?.item, let v = stringValue(item, "value"), !v.value.isEmpty {
                try editor.setScalar(v, to: "")
            }
            return ImageReference(name: name, tag: spec.tag ?? old.tag, digest: spec.digest)

        case .fluxPolicy(let names, let tags, let digests):
            if let n = spec.newName { for node in names { try editor.setScalar(node, to: n.written) } }
            if spec.isRenameOnly { return ImageReference(name: spec.newName ?? old.name, tag: old.tag, digest: old.digest) }
            if let t = spec.tag { for node in tags { try editor.setScalar(node, to: t) } }
            for node in digests { try editor.setScalar(node, to: spec.digest ?? "") }
            return ImageReference(name: spec.newName ?? old.name, tag: spec.tag ?? old.tag,
                                  digest: digests.isEmpty ? old.digest : spec.digest)
        }
    }

    private mutating func set(_ m: YAMLNode, _ key: String, to value: String) throws {
        if let node = m[key].map(resolved) {
            guard node.kind == .scalar else {
                throw Problem(file: file, line: node.line, column: node.column, message: "\(PathQuoting.quoted(key)) is not a scalar value")
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

    /// Sets a digest the spec gives, in the form its key wants (inserting the key when there is none), and empties
    /// a stale one it does not give: a leftover digest would keep pulling the old image.
    private mutating func setOrEmpty(_ m: YAMLNode, _ field: DigestField, to value: String?) throws {
        let node = m[field.key].map(resolved)
        if let value {
            try set(m, field.key, to: try digestText(field, value, at: node ?? m))
        } else if let node, node.kind == .scalar, !node.value.isEmpty {
            try editor.setScalar(node, to: "")
        }
    }

    private func digestText(_ field: DigestField, _ digest: String, at node: YAMLNode) throws -> String {
        switch field.text(for: digest) {
        case .success(let text): return text
        case .failure: throw refusal(node, "'\(field.key)' holds a bare sha256 digest (the chart writes '@sha256:' before it), so \(digest.prefix(7))… cannot be written there; give a sha256 digest")
        }
    }

    /// Sets a parameter item's `value`, adding `forcestring: true` when Helm's `--set` would not keep it a string.
    private mutating func setParameter(_ item: YAMLNode, to value: String) throws {
        if let v = item["value"].map(resolved) { try editor.setScalar(v, to: value) } else { try editor.insertPair(into: item, key: "value", value: value) }
        guard ParameterGroup.typedBySet(value) else { return }
        if let f = item["forcestring"].map(resolved) {
            if f.value != "true" { try editor.setToken(f, to: "true") }
        } else {
            try editor.insertPair(into: item, key: "forcestring", value: "true", token: true)
        }
    }

    private mutating func appendParameter(_ g: ParameterGroup, _ key: String, _ value: String) throws {
        var pairs = [("name", g.prefix + key), ("value", value)]
        if ParameterGroup.typedBySet(value) { pairs.append(("forcestring", "true")) }
        try editor.appendItem(to: g.list, pairs: pairs, plainKeys: ["forcestring"])
    }

    private func refusal(_ node: YAMLNode, _ message: String) -> Problem {
        Problem(file: file, line: node.line, column: node.column, message: message)
    }
}
