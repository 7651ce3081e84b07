import ImageReference
import YAMLEdit

/// One image reference a rule found in a document: where it is written and what it holds now. Rules only
/// find sites; `SiteWriter` is the one place that decides what a spec changes in each shape.
struct ImageSite {
    /// How the reference is laid out in the YAML.
    enum Shape {
        /// The whole reference in one scalar after an optional `NAME=` prefix: `image:` values, image
        /// volumes, `*Image` keys, Argo CD `kustomize.images` strings, Flux full-reference markers.
        case reference(YAMLNode, prefix: String)
        /// A kustomize `images:` entry (`name` selects; `newName`, `newTag`, `digest` are set).
        case kustomizeEntry(YAMLNode)
        /// Helm values: `[registry +] repository|image`, the tag under `tagKey`, an optional `digest`.
        case helm(YAMLNode, registry: YAMLNode?, repository: YAMLNode, tagKey: String)
        /// An untagged `image: repo` whose tag is the `imageTag:` sibling.
        case imageAndTagKey(image: YAMLNode, tag: YAMLNode)
        /// The `:name`, `:tag` and `:digest` values of one Flux image policy, wherever they stand.
        case fluxPolicy(names: [YAMLNode], tags: [YAMLNode], digests: [YAMLNode])
    }

    let kind: ChangeKind
    let shape: Shape
    /// Names that select this site (a kustomize entry's `name` and `newName`; an Argo CD `NAME=` and its reference).
    let selectors: [ImageName]
    /// The effective reference now, tag and digest as written (they may be templated or invalid).
    let current: ImageReference
    /// 1-based line reported for the change.
    let line: Int
    /// Value nodes this site owns: rules of lower precedence do not see them.
    let claims: [YAMLNode]
    /// Keys that must not repeat in a mapping for the edit to mean one thing: (mapping, keys).
    let uniqueKeys: [(mapping: YAMLNode, keys: Set<String>)]
}

/// The value of `key` in `mapping` when it is a string scalar.
func stringValue(_ mapping: YAMLNode, _ key: String) -> YAMLNode? {
    guard let v = mapping[key], v.isStringLike else { return nil }
    return v
}
