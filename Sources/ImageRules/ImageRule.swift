import YAMLEdit

/// Finds the image references of one layout ("where images live") in a document. A rule is a pure
/// function of the document and of the nodes that rules of higher precedence already claimed.
protocol ImageRule: Sendable {
    func sites(in document: DocumentScan, claimed: Set<Int>) -> [ImageSite]
}

enum ImageRules {
    /// The rules, highest precedence first: a value claimed by a rule is not seen by the rules after it
    /// (a kustomize `images:` entry is not also a Helm mapping, an Argo CD parameter is not also a values mapping,
    /// a Helm `registry`/`image` pair is not also a container image, a marked `image:` value is reported as a Flux marker, an `image:` value is not also
    /// an `*Image` key).
    static let precedence: [any ImageRule] = [
        KustomizeImagesRule(), ArgoCDImagesRule(), ArgoCDHelmParametersRule(), HelmValuesRule(), FluxSetterRule(), ContainerImageRule(), ImageKeyRule(),
    ]

    /// Every site of the document, in the order the values stand in the file.
    static func sites(in document: DocumentScan) -> [ImageSite] {
        var claimed = Set<Int>()
        var all: [ImageSite] = []
        for rule in precedence {
            let found = rule.sites(in: document, claimed: claimed)
            for site in found { for n in site.claims { claimed.insert(n.id) } }
            all += found
        }
        return all.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }
}

/// One document as the rules see it.
struct DocumentScan {
    let file: String
    let bytes: [UInt8]
    let root: YAMLNode
    let apiVersion: String
    let kind: String
    /// Every mapping in pre-order, leaving out a root-level `status:` (live objects report what runs).
    let mappings: [YAMLNode]

    /// Nil for documents that name images to scan rather than to run: Flux `ImageRepository`/`ImagePolicy`
    /// and Kargo objects.
    init?(file: String, bytes: [UInt8], root: YAMLNode) {
        let apiVersion = root["apiVersion"]?.value ?? ""
        if apiVersion.hasPrefix("image.toolkit.fluxcd.io") || apiVersion.hasPrefix("kargo.akuity.io") { return nil }
        self.file = file; self.bytes = bytes; self.root = root
        self.apiVersion = apiVersion
        self.kind = root["kind"]?.value ?? ""
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
        self.mappings = mappings
    }

    /// `key: value` pairs of every mapping whose key is a plain string scalar.
    func pairs(_ body: (YAMLNode, String, YAMLNode) -> Void) {
        for m in mappings {
            var i = 0
            while i + 1 < m.children.count {
                let k = m.children[i]
                if k.kind == .scalar { body(m, k.value, m.children[i + 1]) }
                i += 2
            }
        }
    }
}
