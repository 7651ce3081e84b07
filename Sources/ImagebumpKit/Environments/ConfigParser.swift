import ImageRules
import YAMLEdit
import Support

/// Top-level keys of `imagebump.yaml` (the JSON Schema's property names are checked against these in a test).
public enum ConfigKey: String, CaseIterable, Sendable { case environments, promotion, apps }

/// Keys of one environment.
public enum EnvironmentKey: String, CaseIterable, Sendable { case files, mode, branch, labels, reviewers, assignees, requireDigest, allowedRegistries, update }

extension EnvironmentsConfig {
    /// Parses and validates a config file. Every error names `file`, line and column.
    /// - Parameter file: the path shown in messages.
    public init(parsing bytes: [UInt8], file: String) throws(Problem) {
        let stream: YAMLStream
        do { stream = try YAMLParser.parse(bytes) } catch { throw error.located(in: file) }
        let p = ConfigParser(file: file)
        guard stream.documents.count <= 1 else {
            throw p.error(at: stream.documents.compactMap { $0 }.dropFirst().first, "one YAML document expected")
        }
        guard let root = stream.documents.first ?? nil else { throw Problem(file: file, line: 1, column: 1, message: "the file is empty; it needs environments:") }
        var environments: [Environment] = []
        var promotion: [String] = []
        var promotionNodes: [YAMLNode] = []
        var apps: [App] = []
        for (key, value) in try p.pairs(root, what: "the top level") {
            guard let k = ConfigKey(rawValue: key.value) else {
                throw p.error(at: key, "unknown key \(PathQuoting.quoted(key.value)) (expected one of \(ConfigKey.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            switch k {
            case .environments:
                var keys: [String: YAMLNode] = [:]
                for (name, body) in try p.pairs(value, what: "environments:") {
                    environments.append(try p.environment(name: name, body: body))
                    // dev-1 and dev.1 would both report as IMAGEBUMP_DEV_1_*: the later one would overwrite the other.
                    let key = Environment.reportKey(name.value)
                    if let first = keys[key] {
                        throw p.error(at: name, "environment \(name.value) and \(first.value) (line \(first.line)) would share the report keys IMAGEBUMP_\(key)_*; rename one")
                    }
                    keys[key] = name
                }
                if environments.isEmpty { throw p.error(at: value, "environments: is empty") }
            case .promotion:
                promotionNodes = try p.strings(value, what: "promotion:")
                promotion = promotionNodes.map(\.value)
            case .apps:
                for (name, body) in try p.pairs(value, what: "apps:") { apps.append(try p.app(name: name, body: body)) }
            }
        }
        guard !environments.isEmpty else { throw p.error(at: root, "missing environments:") }
        let names = Set(environments.map(\.name))
        var seen: Set<String> = []
        for n in promotionNodes {
            guard names.contains(n.value) else {
                throw p.error(at: n, "unknown environment \(PathQuoting.quoted(n.value)) in promotion: (environments: \(environments.map(\.name).joined(separator: ", ")))")
            }
            guard seen.insert(n.value).inserted else { throw p.error(at: n, "\(PathQuoting.quoted(n.value)) appears twice in promotion:") }
        }
        self.init(file: file, environments: environments, promotion: promotion, apps: apps)
    }
}

/// The validating walk over the parsed tree.
struct ConfigParser {
    let file: String

    func error(at node: YAMLNode?, _ message: String) -> Problem {
        Problem(file: file, line: node?.line ?? 1, column: node?.column ?? 1, message: message)
    }

    /// A mapping's pairs with plain string keys, each key once.
    func pairs(_ node: YAMLNode, what: String) throws(Problem) -> [(key: YAMLNode, value: YAMLNode)] {
        guard node.kind == .mapping else { throw error(at: node, "\(what) must be a mapping") }
        var seen: Set<String> = []
        for (k, v) in node.pairs {
            guard k.kind == .scalar, k.isStringLike else { throw error(at: k, "keys must be plain strings") }
            guard seen.insert(k.value).inserted else { throw error(at: k, "duplicate key \(PathQuoting.quoted(k.value))") }
            if v.kind == .alias { throw error(at: v, "aliases are not supported in the config file") }
        }
        return node.pairs
    }

    func string(_ node: YAMLNode, what: String) throws(Problem) -> String {
        guard node.kind == .scalar, node.isStringLike, !node.value.isEmpty else { throw error(at: node, "\(what) must be a non-empty string") }
        return node.value
    }

    /// A sequence of non-empty strings (a single string is accepted as a list of one).
    func strings(_ node: YAMLNode, what: String) throws(Problem) -> [YAMLNode] {
        if node.kind == .scalar { _ = try string(node, what: what); return [node] }
        guard node.kind == .sequence else { throw error(at: node, "\(what) must be a list of strings") }
        for item in node.children { _ = try string(item, what: "each entry of \(what)") }
        return node.children
    }

    func environment(name: YAMLNode, body: YAMLNode) throws(Problem) -> Environment {
        let n = name.value
        guard !n.isEmpty, n.utf8.allSatisfy({ isNameByte($0) }) else {
            throw error(at: name, "environment name \(PathQuoting.quoted(n)) may only contain letters, digits, '.', '_' and '-'")
        }
        var files: [String]?
        var sites: [Environment.Site] = []
        var mode = RunMode.push
        var branch: String?
        var labels: [String] = [], reviewers: [String] = [], assignees: [String] = []
        var images = Environment.ImagePolicy()
        var update = Environment.UpdatePolicies()
        for (key, value) in try pairs(body, what: "environment \(n)") {
            guard let k = EnvironmentKey(rawValue: key.value) else {
                throw error(at: key, "unknown key \(PathQuoting.quoted(key.value)) in environment \(n) (expected one of \(EnvironmentKey.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            switch k {
            case .files:
                let nodes = try strings(value, what: "files of \(n)")
                var out: [String] = []
                for f in nodes { out.append(try repoRelative(f)) }
                files = out
                sites = nodes.map { Environment.Site(line: $0.line, column: $0.column) }
            case .mode:
                let m = try string(value, what: "mode")
                guard let parsed = RunMode(rawValue: m), Environment.modes.contains(parsed) else {
                    throw error(at: value, "unknown mode \(PathQuoting.quoted(m)) (expected \(Environment.modes.map(\.rawValue).joined(separator: " or ")))")
                }
                mode = parsed
            case .branch: branch = try string(value, what: "branch")
            case .labels: labels = try strings(value, what: "labels").map(\.value)
            case .reviewers: reviewers = try strings(value, what: "reviewers").map(\.value)
            case .assignees: assignees = try strings(value, what: "assignees").map(\.value)
            case .requireDigest:
                guard value.kind == .scalar, !value.isStringLike || ["true", "false"].contains(value.value), let b = Bool(value.value) else {
                    throw error(at: value, "requireDigest of \(n) must be true or false")
                }
                images.requireDigest = b
            case .allowedRegistries:
                var hosts: [String] = []
                for r in try strings(value, what: "allowedRegistries of \(n)") {
                    let host = Environment.ImagePolicy.registryName(r.value)
                    guard !host.contains("/"), ImageName.isRegistry(host) else {
                        throw error(at: r, "allowedRegistries of \(n): \(PathQuoting.quoted(r.value)) is not a registry host (host[:port], e.g. registry.example.com or docker.io)")
                    }
                    hosts.append(host)
                }
                images.allowedRegistries = hosts
            case .update: update = try updatePolicies(value, env: n)
            }
        }
        guard let files, !files.isEmpty else { throw error(at: name, "environment \(n) has no files (give files: [path, …])") }
        var env = Environment(name: n, files: files, fileSites: sites, mode: mode, branch: branch, labels: labels, reviewers: reviewers, assignees: assignees)
        env.images = images
        env.update = update
        return env
    }

    /// An app: `name: [paths]`, or `name: {files: [paths]}` (paths may hold globs, as an environment's).
    func app(name: YAMLNode, body: YAMLNode) throws(Problem) -> App {
        let n = name.value
        guard !n.isEmpty, n.utf8.allSatisfy({ isNameByte($0) }) else {
            throw error(at: name, "app name \(n) may only contain letters, digits, '.', '_' and '-'")
        }
        var filesNode = body
        if body.kind == .mapping {
            var files: YAMLNode?
            for (k, v) in try pairs(body, what: "app \(n)") {
                guard k.value == "files" else { throw error(at: k, "unknown key \(k.value) in app \(n) (expected files)") }
                files = v
            }
            guard let files else { throw error(at: name, "app \(n) has no files (give files: [path, …])") }
            filesNode = files
        }
        var files: [String] = []
        for f in try strings(filesNode, what: "files of app \(n)") { files.append(try repoRelative(f)) }
        return App(name: n, files: files)
    }

    /// A path inside the repository, normalised (`apps/./x/../y` → `apps/y`); absolute paths and paths that leave
    /// the repository are refused.
    func repoRelative(_ node: YAMLNode) throws(Problem) -> String {
        let p = node.value
        if p.hasPrefix("/") { throw error(at: node, "\(PathQuoting.quoted(p)) is absolute; files are relative to the repository root") }
        var parts: [Substring] = []
        for c in p.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." {
                guard parts.popLast() != nil else { throw error(at: node, "\(PathQuoting.quoted(p)) is outside the repository") }
                continue
            }
            parts.append(c)
        }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}

private func isNameByte(_ b: UInt8) -> Bool {
    (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
}
