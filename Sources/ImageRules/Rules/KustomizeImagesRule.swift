import YAMLEdit

/// Names kustomize accepts for its configuration file, in the order it looks for them in a directory.
public let kustomizationFileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

/// Whether the last component of `path` is one of `kustomizationFileNames`.
public func isKustomizationFile(_ path: String) -> Bool {
    kustomizationFileNames.contains(String(path.split(separator: "/").last ?? ""))
}

/// Kustomize `images:` entries: in a kustomization (by file name, `apiVersion`, kustomize keys at the top
/// level, or a top-level `images:` list that can only be a kustomize one) and in Flux `Kustomization`
/// `spec.images`. `name` selects images (a tag written there selects only that tag and stays); a tag or
/// digest written inside `newName` is moved to `newTag`/`digest`, where kustomize renders it correctly.
/// Precedence: first — its entries are never also Helm mappings, Flux markers or `image:` values.
struct KustomizeImagesRule: ImageRule {
    static let entryKeys: Set<String> = ["name", "newName", "newTag", "digest"]
    static let imagesKey: Set<String> = ["images"]
    /// Top-level keys that mark a Kustomization without apiVersion/kind.
    static let topLevelKeys: Set<String> = ["resources", "bases", "components", "patches", "patchesStrategicMerge", "patchesJson6902",
                                            "namePrefix", "nameSuffix", "namespace", "commonLabels", "labels", "commonAnnotations",
                                            "configMapGenerator", "secretGenerator", "generators", "transformers", "helmCharts",
                                            "replicas", "crds", "openapi", "vars", "replacements", "buildMetadata", "sortOptions"]

    /// The mapping that holds the `images:` key(s) and each `images:` value, when the document is a kustomization;
    /// `addable` when `--add` may add entries there (not to a Flux `Kustomization`).
    static func images(in d: DocumentScan) -> (host: YAMLNode, lists: [YAMLNode], addable: Bool)? {
        guard d.root.kind == .mapping else { return nil }
        if d.apiVersion.hasPrefix("kustomize.toolkit.fluxcd.io") {
            guard let spec = d.root["spec"], spec.kind == .mapping else { return nil }
            return (spec, values(of: "images", in: spec), false)
        }
        let lists = values(of: "images", in: d.root)
        let untyped = d.root["kind"] == nil || d.kind == "Kustomization" || d.kind == "Component"
        let looksLike = isKustomizationFile(d.file) || d.apiVersion.hasPrefix("kustomize.config.k8s.io")
            || (untyped && stride(from: 0, to: d.root.children.count, by: 2).contains { topLevelKeys.contains(d.root.children[$0].value) })
            || (untyped && !lists.isEmpty && lists.allSatisfy(isImagesList))
        return looksLike ? (d.root, lists, true) : nil
    }

    /// A non-empty list of mappings with only kustomize image keys, each with a `name`.
    static func isImagesList(_ n: YAMLNode) -> Bool {
        n.kind == .sequence && !n.children.isEmpty && n.children.allSatisfy { e in
            e.kind == .mapping && e["name"] != nil && e.pairs.allSatisfy { entryKeys.contains($0.key.value) }
        }
    }

    static func values(of key: String, in m: YAMLNode) -> [YAMLNode] {
        stride(from: 0, to: m.children.count - 1, by: 2).compactMap { i in
            m.children[i].kind == .scalar && m.children[i].value == key ? m.children[i + 1] : nil
        }
    }

    func sites(in d: DocumentScan, claimed: Set<Int>) -> [ImageSite] {
        guard let (host, lists, _) = Self.images(in: d) else { return [] }
        var out: [ImageSite] = []
        for list in lists where list.kind == .sequence {
            for entry in list.children where entry.kind == .mapping {
                if let site = site(entry, host: host) { out.append(site) }
            }
        }
        return out
    }

    private func site(_ entry: YAMLNode, host: YAMLNode) -> ImageSite? {
        let name = stringValue(entry, "name").flatMap { ImageReference.written($0.value) }
        let newName = stringValue(entry, "newName").flatMap { ImageReference.written($0.value) }
        guard let effective = newName ?? name else { return nil }
        let newTag = entry["newTag"], digest = entry["digest"]
        let current = ImageReference(name: effective.name,
                                     tag: nonEmptyValue(newTag) ?? newName?.tag ?? name?.tag,
                                     digest: nonEmptyValue(digest) ?? newName?.digest ?? name?.digest)
        return ImageSite(kind: .kustomize, shape: .kustomizeEntry(entry),
                         selectors: [name?.name, newName?.name].compactMap { $0 }, current: current,
                         line: (newTag ?? digest ?? entry["name"] ?? entry).line,
                         // only the fields kustomize reads: a Flux-marked `newDigest` stays its policy's (rule 5)
                         claims: entry.pairs.filter { Self.entryKeys.contains($0.key.value) }.map(\.value),
                         uniqueKeys: [(entry, Self.entryKeys), (host, Self.imagesKey)])
    }
}
