import ImageReference
import YAMLEdit

/// The result of planning one file: its new bytes (verified) and what changed.
public struct FilePlan: Sendable {
    public let file: String
    public let original: [UInt8]
    public let updated: [UInt8]
    /// Values that change.
    public let changes: [PlannedChange]
    /// Indices into the planner's specs that matched something in this file (changed or already up to date).
    public let matchedSpecs: Set<Int>
    public let changed: Bool

    init(file: String, original: [UInt8], updated: [UInt8], changes: [PlannedChange], matchedSpecs: Set<Int>) {
        self.file = file; self.original = original; self.updated = updated; self.changes = changes
        self.matchedSpecs = matchedSpecs; self.changed = updated != original
    }

    private init(_ p: FilePlan, contents: Bool) {
        file = p.file; original = []; updated = []; changes = p.changes; matchedSpecs = p.matchedSpecs; changed = p.changed
    }

    /// Only what changed, without any file contents.
    public func droppingContents() -> FilePlan { FilePlan(self, contents: false) }
}

/// Finds every image reference the specs address in a YAML file and plans a byte-exact edit.
public struct ImagePlanner: Sendable {
    public let specs: [ImageSpec]

    public init(specs: [ImageSpec]) { self.specs = specs }

    /// - Parameters:
    ///   - file: path used in messages and to recognise `kustomization.yaml`.
    ///   - add: append a kustomize `images:` entry for specs that match nothing in this kustomization.
    public func plan(file: String, bytes: [UInt8], add: Bool = false) throws(PlanError) -> FilePlan {
        let stream: YAMLStream
        do { stream = try YAMLParser.parse(bytes) } catch {
            throw PlanError(file: file, line: error.line, column: error.column, message: error.message)
        }
        var run = PlanRun(specs: specs, file: file, stream: stream)
        do {
            for root in stream.documents.compactMap({ $0 }) {
                try run.document(root)
            }
            if add { try run.addMissingKustomizeEntries() }
        } catch let r as YAMLEditor.Refusal {
            throw PlanError(file: file, line: r.line, column: r.column, message: r.message)
        } catch let e as PlanError {
            throw e
        } catch {
            throw PlanError(file: file, message: "\(error)")
        }
        let updated: [UInt8]
        do { updated = try run.editor.apply() } catch {
            throw PlanError(file: file, message: "\(error)")
        }
        return FilePlan(file: file, original: bytes, updated: updated, changes: run.changes, matchedSpecs: run.matched)
    }
}

/// Names kustomize accepts for its configuration file.
let kustomizationFileNames: Set<String> = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
/// Top-level keys that mark a Kustomization without apiVersion/kind.
let kustomizationKeys: Set<String> = ["resources", "bases", "components", "patches", "patchesStrategicMerge", "patchesJson6902",
                                      "namePrefix", "nameSuffix", "namespace", "commonLabels", "labels", "commonAnnotations",
                                      "configMapGenerator", "secretGenerator", "generators", "transformers", "helmCharts",
                                      "replicas", "crds", "openapi", "vars", "replacements", "buildMetadata", "sortOptions"]

/// The state of planning one file.
struct PlanRun {
    let specs: [ImageSpec]
    let file: String
    let stream: YAMLStream
    var editor: YAMLEditor
    var changes: [PlannedChange] = []
    var matched: Set<Int> = []
    /// Value nodes already handled by a rule, so that a later rule does not edit them again.
    var claimed: Set<Int> = []
    /// Kustomize `images:` sequences (or kustomization roots without one), for `--add`.
    var kustomizations: [(root: YAMLNode, images: YAMLNode?)] = []
    /// Flux policies whose `:name` value matched a spec.
    var fluxPolicies: [String: Int] = [:]

    init(specs: [ImageSpec], file: String, stream: YAMLStream) {
        self.specs = specs
        self.file = file
        self.stream = stream
        self.editor = YAMLEditor(stream: stream)
    }

    var bytes: [UInt8] { stream.source.bytes }

    func specIndex(matching names: [String]) -> Int? {
        for n in names {
            guard let name = try? ImageName(parsing: n) else { continue }
            if let i = specs.firstIndex(where: { $0.name.normalized == name.normalized }) { return i }
        }
        return nil
    }

    /// Cheap test before parsing a value as a reference: it must contain the last path component of some spec.
    func mayMatch(_ value: String) -> Bool {
        specs.contains { value.utf8.count >= $0.lastComponent.utf8.count && value.contains($0.lastComponent) }
    }

    // MARK: - Documents

    mutating func document(_ root: YAMLNode) throws {
        let apiVersion = root["apiVersion"]?.value ?? ""
        let kind = root["kind"]?.value ?? ""
        // Flux ImageRepository/ImagePolicy and Kargo Warehouses name repositories to scan, not images to run.
        if apiVersion.hasPrefix("image.toolkit.fluxcd.io") || apiVersion.hasPrefix("kargo.akuity.io") { return }

        if let images = kustomizeImages(root, apiVersion: apiVersion, kind: kind) {
            if images.kind == .sequence {
                for entry in images.children where entry.kind == .mapping { try kustomizeEntry(entry) }
            }
        }
        var mappings: [YAMLNode] = []
        var stack: [YAMLNode] = [root]
        while let n = stack.popLast() {
            if n.kind == .mapping {
                mappings.append(n)
                for (k, v) in n.pairs.reversed() where !(n === root && k.value == "status") { stack.append(v) }
            } else {
                stack.append(contentsOf: n.children.reversed())
            }
        }
        for m in mappings {
            if let list = m["kustomize"]?["images"], list.kind == .sequence {
                for item in list.children where item.kind == .scalar { try argoImage(item) }
            }
        }
        for m in mappings where m["repository"]?.kind == .scalar || (m["registry"]?.kind == .scalar && m["image"]?.kind == .scalar) {
            try helmImage(m)
        }
        for m in mappings {
            var i = 0
            while i + 1 < m.children.count {
                if m.children[i].value == "image" && m.children[i + 1].kind == .scalar { try containerImage(m.children[i + 1], in: m) }
                i += 2
            }
        }
        try fluxMarkers(root)
    }

    mutating func kustomizeImages(_ root: YAMLNode, apiVersion: String, kind: String) -> YAMLNode? {
        guard root.kind == .mapping else { return nil }
        if apiVersion.hasPrefix("kustomize.toolkit.fluxcd.io") { return root["spec"]?["images"] }
        let base = file.split(separator: "/").last.map(String.init) ?? file
        let looksLike = kustomizationFileNames.contains(base) || apiVersion.hasPrefix("kustomize.config.k8s.io")
            || (root["kind"] == nil && root.pairs.contains { kustomizationKeys.contains($0.key.value) })
        guard looksLike else { return nil }
        let images = root["images"]
        kustomizations.append((root, images))
        return images
    }

    // MARK: - Rules

    /// Rule 1: a kustomize `images:` entry whose name or newName is the spec's NAME.
    mutating func kustomizeEntry(_ entry: YAMLNode) throws {
        let name = entry["name"], newName = entry["newName"], newTag = entry["newTag"], digest = entry["digest"]
        guard let i = specIndex(matching: [name?.value, newName?.value].compactMap { $0 }) else { return }
        let spec = specs[i]
        matched.insert(i)
        let oldRef = describe(name: newName?.value ?? name?.value ?? "", tag: newTag?.value, digest: digest?.value)
        var tag = newTag?.value, dig = digest?.value, nn = newName?.value
        if let n = spec.newName { nn = n.written; try set(entry, key: "newName", to: n.written) }
        if !spec.isRenameOnly {
            tag = spec.tag; dig = spec.digest
            try setOrRemove(entry, key: "newTag", to: spec.tag)
            try setOrRemove(entry, key: "digest", to: spec.digest)
        }
        for n in [newName, newTag, digest].compactMap({ $0 }) { claimed.insert(n.id) }
        record(.kustomize, spec: spec, line: (newTag ?? digest ?? name ?? entry).line,
               old: oldRef, new: describe(name: nn ?? name?.value ?? "", tag: tag, digest: dig))
    }

    /// Rule 4: an Argo CD `kustomize.images` string, `[NAME=]NEWNAME[:TAG][@DIGEST]`.
    mutating func argoImage(_ item: YAMLNode) throws {
        guard !claimed.contains(item.id), item.isStringLike else { return }
        let text = item.value
        var prefix = "", refText = text
        if let eq = text.firstIndex(of: "=") {
            prefix = String(text[...eq])
            refText = String(text[text.index(after: eq)...])
        }
        guard let ref = try? ImageReference(parsing: refText) else { return }
        let candidates = prefix.isEmpty ? [ref.name.written] : [String(prefix.dropLast()), ref.name.written]
        guard let i = specIndex(matching: candidates) else { return }
        matched.insert(i)
        claimed.insert(item.id)
        let newText = prefix + specs[i].apply(to: ref).description
        try editor.setScalar(item, to: newText)
        record(.argocd, spec: specs[i], line: item.line, old: text, new: newText)
    }

    /// Rule 3: a Helm values mapping with `repository` (and optionally `registry`, `tag`, `digest`); also
    /// `registry` + `image` + `tag` (ingress-nginx style).
    mutating func helmImage(_ m: YAMLNode) throws {
        guard let repo = m["repository"] ?? m["image"], repo.isStringLike, !claimed.contains(repo.id) else { return }
        let registry = m["registry"].flatMap { $0.kind == .scalar && !$0.value.isEmpty ? $0.value : nil }
        let full = registry.map { $0 + "/" + repo.value } ?? repo.value
        guard let i = specIndex(matching: [full]) else { return }
        let spec = specs[i]
        matched.insert(i)
        let tagNode = m["tag"], digestNode = m["digest"]
        var tag = tagNode?.value, dig = digestNode?.value
        let oldRef = describe(name: full, tag: tag, digest: dig)
        var newFull = full
        if let n = spec.newName {
            if let regNode = m["registry"], regNode.kind == .scalar {
                try editor.setScalar(regNode, to: n.domain ?? "docker.io")
                try editor.setScalar(repo, to: n.path)
                newFull = (n.domain ?? "docker.io") + "/" + n.path
            } else {
                try editor.setScalar(repo, to: n.written)
                newFull = n.written
            }
        }
        if let t = spec.tag { tag = t; try set(m, key: "tag", to: t) }
        if let d = spec.digest { dig = d; try set(m, key: "digest", to: d) }
        else if !spec.isRenameOnly, let dn = digestNode, dn.kind == .scalar, !dn.value.isEmpty {
            // a stale digest would keep pulling the old image
            dig = nil
            try editor.setScalar(dn, to: "")
        }
        for n in [repo, tagNode, digestNode, m["registry"]].compactMap({ $0 }) { claimed.insert(n.id) }
        record(.helm, spec: spec, line: (tagNode ?? repo).line, old: oldRef, new: describe(name: newFull, tag: tag, digest: dig))
    }

    /// Rule 2: the scalar value of an `image` key; with an untagged image and an `imageTag` sibling, that
    /// sibling holds the tag (kind `key`).
    mutating func containerImage(_ v: YAMLNode, in m: YAMLNode) throws {
        guard !claimed.contains(v.id), v.isStringLike, !v.value.isEmpty, mayMatch(v.value), let ref = try? ImageReference(parsing: v.value),
              let i = specIndex(matching: [ref.name.written]) else { return }
        let spec = specs[i]
        matched.insert(i)
        claimed.insert(v.id)
        let kind: ChangeKind = FluxMarker.after(v, in: bytes) != nil ? .fluxMarker : .container
        if ref.tag == nil, ref.digest == nil, let tagNode = m["imageTag"], tagNode.kind == .scalar, !claimed.contains(tagNode.id) {
            claimed.insert(tagNode.id)
            var name = ref.name
            if let n = spec.newName { name = n; try editor.setScalar(v, to: n.written) }
            var newTag = tagNode.value
            if let t = spec.tag { newTag = t; try editor.setScalar(tagNode, to: t) }
            if let d = spec.digest { try editor.setScalar(v, to: name.written + "@" + d) }
            record(.key, spec: spec, line: tagNode.line, old: describe(name: ref.name.written, tag: tagNode.value, digest: nil),
                   new: describe(name: name.written, tag: newTag, digest: spec.digest))
            return
        }
        let new = spec.apply(to: ref)
        try editor.setScalar(v, to: new.description)
        record(kind, spec: spec, line: v.line, old: v.value, new: new.description)
    }

    /// Rule 5: Flux setter markers. A full reference marked on any key is an image; a `:name` marker that
    /// matches a spec makes the same policy's `:tag` and `:digest` values targets.
    mutating func fluxMarkers(_ root: YAMLNode) throws {
        var marked: [(YAMLNode, FluxMarker)] = []
        root.walk { n in
            if n.kind == .scalar, n.parent != nil, !n.isMappingKey, let mk = FluxMarker.after(n, in: bytes) {
                marked.append((n, mk))
            }
        }
        for (n, mk) in marked where mk.field == .full && !claimed.contains(n.id) && n.isStringLike {
            guard let ref = try? ImageReference(parsing: n.value), let i = specIndex(matching: [ref.name.written]) else { continue }
            matched.insert(i); claimed.insert(n.id)
            let new = specs[i].apply(to: ref).description
            try editor.setScalar(n, to: new)
            record(.fluxMarker, spec: specs[i], line: n.line, old: n.value, new: new)
        }
        for (n, mk) in marked where mk.field == .name {
            guard let i = specIndex(matching: [n.value]) else { continue }
            fluxPolicies[mk.policy] = i
            matched.insert(i)
            if let nn = specs[i].newName, !claimed.contains(n.id) {
                claimed.insert(n.id)
                try editor.setScalar(n, to: nn.written)
                record(.fluxMarker, spec: specs[i], line: n.line, old: n.value, new: nn.written)
            }
        }
        for (n, mk) in marked where (mk.field == .tag || mk.field == .digest) && !claimed.contains(n.id) {
            guard let i = fluxPolicies[mk.policy] else { continue }
            let spec = specs[i]
            guard let want = mk.field == .tag ? spec.tag : spec.digest else { continue }
            claimed.insert(n.id)
            try editor.setScalar(n, to: want)
            record(.fluxMarker, spec: spec, line: n.line, old: n.value, new: want)
        }
    }

    /// `--add`: a kustomization where a spec matched nothing gets a new `images:` entry.
    mutating func addMissingKustomizeEntries() throws {
        guard let (root, images) = kustomizations.first else { return }
        for (i, spec) in specs.enumerated() where !matched.contains(i) {
            var pairs: [(String, String)] = [("name", spec.name.written)]
            if let n = spec.newName { pairs.append(("newName", n.written)) }
            if let t = spec.tag { pairs.append(("newTag", t)) }
            if let d = spec.digest { pairs.append(("digest", d)) }
            if let images, images.kind == .sequence, !images.children.isEmpty {
                try editor.appendItem(to: images, pairs: pairs)
            } else if images == nil {
                try editor.insertBlockPair(into: root, key: "images", items: [pairs])
            } else {
                throw PlanError(file: file, line: images!.line, column: images!.column, message: "cannot add to an empty or non-list images:")
            }
            matched.insert(i)
            record(.kustomize, spec: spec, line: root.line, old: "", new: spec.description)
        }
    }

    // MARK: - Helpers

    mutating func set(_ m: YAMLNode, key: String, to value: String) throws {
        if let node = m[key] {
            guard node.kind == .scalar else {
                throw PlanError(file: file, line: node.line, column: node.column, message: "\(key) is not a scalar value")
            }
            try editor.setScalar(node, to: value)
        } else {
            try editor.insertPair(into: m, key: key, value: value)
        }
    }

    mutating func setOrRemove(_ m: YAMLNode, key: String, to value: String?) throws {
        if let value { try set(m, key: key, to: value); return }
        guard let pair = m.pairs.first(where: { $0.key.value == key }) else { return }
        if pair.value.kind == .scalar, FluxMarker.after(pair.value, in: bytes) != nil {
            // Flux setter markers are never dropped: empty the value (kustomize ignores an empty digest/newTag).
            try editor.setScalar(pair.value, to: "")
        } else {
            try editor.removePair(from: m, key: pair.key)
        }
    }

    mutating func record(_ kind: ChangeKind, spec: ImageSpec, line: Int, old: String, new: String) {
        guard old != new else { return }
        changes.append(PlannedChange(file: file, line: line, kind: kind, image: spec.name.written, old: old, new: new))
    }

    func describe(name: String, tag: String?, digest: String?) -> String {
        var s = name
        if let tag, !tag.isEmpty { s += ":" + tag }
        if let digest, !digest.isEmpty { s += "@" + digest }
        return s
    }
}
