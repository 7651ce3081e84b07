import YAMLEdit
import Support

/// What `kustomize build` needs to know of a kustomization to tell which images it renders: the paths it pulls
/// in and its `images:` transformer. Pure: the traversal that reads the files is `KustomizeBuild` (ImagebumpKit).
public struct Kustomization: Sendable, Equatable {
    /// A `resources:`/`bases:`/`components:` entry as written, with its place for errors.
    public struct Entry: Sendable, Equatable {
        public let path: String
        public let line: Int
        public let column: Int
    }

    /// One `images:` entry: kustomize's image transformer.
    public struct ImageOverride: Sendable, Equatable {
        public let name: String
        public let newName: String?
        public let newTag: String?
        public let digest: String?
        /// The line that sets the value (`newTag`, else `digest`, `newName`, `name`).
        public let line: Int

        /// `image` (a container's value) after this entry, or nil when the entry does not select it.
        /// Kustomize's rules: `name` matches the image's name, optionally followed by a tag and a digest (a tag
        /// written in `name` selects that tag only); `newTag` and `digest` replace both the tag and the digest.
        public func apply(to image: String) -> String? {
            guard Self.selects(name, image) else { return nil }
            let parts = Self.split(image)
            var (name, tag, digest) = (newName ?? parts.name, parts.tag, parts.digest)
            switch (newTag, self.digest) {
            case let (t?, d?): (tag, digest) = (t, d)
            case let (t?, nil): (tag, digest) = (t, nil)
            case let (nil, d?): (tag, digest) = (nil, d)
            case (nil, nil): break
            }
            if let tag { name += ":" + tag }
            if let digest { name += "@" + digest }
            return name
        }

        /// kustomize's `^name(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`, with `name` taken literally.
        static func selects(_ name: String, _ image: String) -> Bool {
            guard !name.isEmpty, image.hasPrefix(name) else { return false }
            var rest = Substring(image.dropFirst(name.count))
            func chars(_ s: Substring) -> Bool {
                s.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || "_.{}-".unicodeScalars.contains($0) }
            }
            if rest.hasPrefix(":") {
                let end = rest.firstIndex(of: "@") ?? rest.endIndex
                guard chars(rest[rest.index(after: rest.startIndex)..<end]) else { return false }
                rest = rest[end...]
            }
            if rest.isEmpty { return true }
            guard rest.hasPrefix("@sha256:") else { return false }
            return chars(rest.dropFirst("@sha256:".count))
        }

        /// kustomize's `image.Split`: the digest after `@`, the tag after the last `:` that follows the last `/`.
        static func split(_ image: String) -> (name: String, tag: String?, digest: String?) {
            var rest = Substring(image), digest: String?
            if let at = rest.firstIndex(of: "@") { digest = String(rest[rest.index(after: at)...]); rest = rest[..<at] }
            let slash = rest.lastIndex(of: "/") ?? rest.startIndex
            guard let colon = rest[slash...].lastIndex(of: ":") else { return (String(rest), nil, digest) }
            return (String(rest[..<colon]), String(rest[rest.index(after: colon)...]), digest)
        }
    }

    /// `resources:` and the deprecated `bases:`, in order.
    public let resources: [Entry]
    public let components: [Entry]
    public let images: [ImageOverride]

    /// Reads the first document of a kustomization file; throws on invalid YAML or a malformed list.
    public init(file: String, bytes: [UInt8]) throws(Problem) {
        let stream = try parse(file: file, bytes: bytes)
        guard let root = stream.documents.compactMap({ $0 }).first, root.kind == .mapping else {
            (resources, components, images) = ([], [], [])
            return
        }
        func entries(_ key: String) throws(Problem) -> [Entry] {
            guard let list = root[key] else { return [] }
            guard list.kind == .sequence else { throw Problem(file: file, line: list.line, column: list.column, message: "\(key): is not a list") }
            var out: [Entry] = []
            for item in list.children {
                guard item.isStringLike else { throw Problem(file: file, line: item.line, column: item.column, message: "a \(key): entry is not a path") }
                out.append(Entry(path: item.value, line: item.line, column: item.column))
            }
            return out
        }
        resources = try entries("resources") + entries("bases")
        components = try entries("components")
        var images: [ImageOverride] = []
        if let list = root["images"], list.kind == .sequence {
            for e in list.children where e.kind == .mapping {
                func value(_ k: String) -> YAMLNode? { e[k].flatMap { $0.kind == .scalar && !$0.value.isEmpty ? $0 : nil } }
                guard let name = value("name") else { continue }
                images.append(ImageOverride(name: name.value, newName: value("newName")?.value, newTag: value("newTag")?.value,
                                            digest: value("digest")?.value,
                                            line: (value("newTag") ?? value("digest") ?? value("newName") ?? name).line))
            }
        }
        self.images = images
    }
}

/// One container of a resource file, as kustomize's image transformer sees it: every `containers:` and
/// `initContainers:` list, at any depth, of every document.
public struct WorkloadContainer: Sendable, Equatable {
    /// `Kind/name` of the document (`Deployment/sample-app`).
    public let workload: String
    public let image: String
    public let line: Int

    public static func all(file: String, bytes: [UInt8]) throws(Problem) -> [WorkloadContainer] {
        var out: [WorkloadContainer] = []
        for root in try parse(file: file, bytes: bytes).documents.compactMap({ $0 }) where root.kind == .mapping {
            let workload = (root["kind"]?.value ?? "?") + "/" + (root["metadata"]?["name"]?.value ?? "?")
            root.walk { n in
                guard let key = n.keyInParent, key.value == "containers" || key.value == "initContainers", n.kind == .sequence else { return }
                for c in n.children where c.kind == .mapping {
                    guard let image = c["image"], image.isStringLike, !image.value.isEmpty else { continue }
                    out.append(WorkloadContainer(workload: workload, image: image.value, line: image.line))
                }
            }
        }
        return out
    }
}
