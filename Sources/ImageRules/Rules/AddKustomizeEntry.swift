import YAMLEdit
import Support

/// `--add`: the specs that matched nothing in a kustomization become entries of its one `images:` list,
/// created (in the kustomization's block or flow style) when there is none.
enum AddKustomizeEntry {
    static func add(_ specs: [ImageSpec], to kustomization: (host: YAMLNode, lists: [YAMLNode]), file: String,
                    editor: inout YAMLEditor) throws -> [PlannedChange] {
        guard !specs.isEmpty else { return [] }
        let entries = specs.map { spec in
            var pairs: [(String, String)] = [("name", spec.name.written)]
            if let n = spec.newName { pairs.append(("newName", n.written)) }
            if let t = spec.tag { pairs.append(("newTag", t)) }
            if let d = spec.digest { pairs.append(("digest", d)) }
            return pairs
        }
        let (host, lists) = kustomization
        if let dup = duplicateKey(in: host, among: KustomizeImagesRule.imagesKey) { throw dup.error(file: file) }
        if let images = lists.first {
            guard images.kind == .sequence, images.isFlow || !images.children.isEmpty else {
                throw Problem(file: file, line: images.line, column: images.column, message: "cannot add to images: (it is not a list)")
            }
            for pairs in entries { try editor.appendItem(to: images, pairs: pairs) }
        } else {
            try editor.insertListPair(into: host, key: "images", items: entries)
        }
        return specs.map { PlannedChange(file: file, line: host.line, kind: .kustomize, image: $0.name.written, old: "", new: $0.description) }
    }
}
