import ImageRules

extension Environment {
    /// Which image references an environment takes (imagebump.yaml): digest-pinned ones only (`requireDigest: true`),
    /// from the listed registries only (`allowedRegistries: [...]`). Checked against every planned change before
    /// anything is written.
    public struct ImagePolicy: Sendable, Equatable {
        public var requireDigest = false
        /// Registry names (host[:port], lower-cased; Docker Hub as docker.io); nil: any registry.
        public var allowedRegistries: [String]?
        public init(requireDigest: Bool = false, allowedRegistries: [String]? = nil) {
            self.requireDigest = requireDigest; self.allowedRegistries = allowedRegistries
        }

        public var isEmpty: Bool { !requireDigest && allowedRegistries == nil }

        /// `name` as registries are compared: lower-cased, Docker Hub's other names as docker.io.
        public static func registryName(_ name: String) -> String {
            let n = name.lowercased()
            return ["index.docker.io", "registry-1.docker.io"].contains(n) ? "docker.io" : n
        }

        /// Why environment `env` of `configFile` refuses `change`, nil when it takes it.
        public func refusal(of change: PlannedChange, env: String, configFile: String) -> String? {
            guard let ref = ImageReference.written(change.new) else {
                return "environment \(env) checks the images it takes (\(configFile)), and \(PathQuoting.quoted(change.new)) is not an image reference it can read"
            }
            if let allowed = allowedRegistries {
                let registry = Self.registryName(ref.name.domain ?? "docker.io")
                if !allowed.contains(registry) {
                    return "environment \(env) takes images from \(allowed.joined(separator: ", ")) only (allowedRegistries in \(configFile)), and \(change.new) is from \(registry)"
                }
            }
            if requireDigest && ref.digest == nil {
                return "environment \(env) takes digest-pinned images only (requireDigest: true in \(configFile)), and \(change.new) has no digest: give \(change.image):TAG@DIGEST, or --pin-digest to resolve the tag"
            }
            return nil
        }
    }
}
