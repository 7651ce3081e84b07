#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ImageRules
import Support

/// One image an overlay renders, with the place that decided its value: the `images:` entry that set it last, or
/// the workload's own `image:` line when no entry selects it.
public struct RenderedImage: Sendable, Equatable {
    public var image: String
    /// Where its value is set: a container's `image:` (`.container`) or an `images:` entry (`.kustomize`).
    public var kind = ChangeKind.container
    /// Relative to the root.
    public var file: String
    public var line: Int
    /// `Kind/name` of the workload whose container runs it.
    public var workload: String
}

/// The images `kustomize build DIR` renders, worked out without kustomize: `resources:` (and `bases:`) are built
/// first, each base with its own `images:` applied, then `components:` in order (a component's `images:` apply to
/// everything gathered so far), then the kustomization's own `images:` — so an overlay overrides its bases.
/// Only paths inside the root are followed; a path that leaves it, a remote base or a cycle is an error naming the
/// kustomization's line. Patches, generators and Helm charts are not rendered: their images are not seen.
public struct KustomizeBuild {
    let root: RepoRoot
    let maxFileSize: Int
    /// Every file the last `images(directory:)` read (real paths), kustomizations included: what it accounts for.
    public private(set) var visited: Set<String> = []
    private var stack: [String] = []
    /// What each file parsed to, by real path: a base that several overlays pull in is read and parsed once per run.
    private var kustomizations: [String: Kustomization] = [:]
    private var containers: [String: [RenderedImage]] = [:]

    public init(root: RepoRoot, maxFileSize: Int = 16 << 20) {
        self.root = root
        self.maxFileSize = maxFileSize
    }

    /// The kustomization file in the directory `real` (an absolute real path), if it has one.
    public static func kustomizationFile(in real: String) -> String? {
        kustomizationFileName(in: real).map { real + "/" + $0 }
    }

    /// The name of the kustomization file in the directory `path`, the first of `kustomizationFileNames` that is a
    /// regular file there (links followed), as kustomize looks for it.
    public static func kustomizationFileName(in path: String) -> String? {
        kustomizationFileNames.first { name in
            var st = stat()
            return stat(path + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
        }
    }

    /// The images the kustomization directory `real` renders, in resource order.
    public mutating func images(directory real: String) throws -> [RenderedImage] {
        visited = []
        return try build(real, onto: [])
    }

    /// Builds the kustomization in `dir` on top of `gathered` (empty for a resource; what the parent has gathered
    /// for a component).
    private mutating func build(_ dir: String, onto gathered: [RenderedImage]) throws -> [RenderedImage] {
        guard let file = Self.kustomizationFile(in: dir) else {
            throw Problem(file: root.relative(dir) ?? dir, message: "is a directory without a kustomization file")
        }
        let shown = root.relative(file) ?? file
        guard !stack.contains(dir) else { throw Problem(file: shown, message: "is part of a cycle of kustomizations (\(stack.compactMap(root.relative).map(PathQuoting.quoted).joined(separator: " → ")))") }
        stack.append(dir)
        defer { stack.removeLast() }
        visited.insert(file)
        let k = try kustomizations[file] ?? Kustomization(file: shown, bytes: FileIO.read(file, shown: shown, limit: maxFileSize).bytes)
        kustomizations[file] = k
        var out = gathered
        for entry in k.resources {
            let target = try resolve(entry, from: dir, file: shown)
            if isDirectory(target) {
                out += try build(target, onto: [])
            } else {
                out += try workloads(target)
            }
        }
        for entry in k.components {
            out = try build(resolve(entry, from: dir, file: shown), onto: out)
        }
        for o in k.images {
            for i in out.indices {
                if let changed = o.apply(to: out[i].image) { out[i].image = changed; out[i].kind = .kustomize; out[i].file = shown; out[i].line = o.line }
            }
        }
        return out
    }

    private mutating func workloads(_ real: String) throws -> [RenderedImage] {
        visited.insert(real)
        if let known = containers[real] { return known }
        let shown = root.relative(real) ?? real
        let images = try WorkloadContainer.all(file: shown, bytes: FileIO.read(real, shown: shown, limit: maxFileSize).bytes)
            .map { RenderedImage(image: $0.image, file: shown, line: $0.line, workload: $0.workload) }
        containers[real] = images
        return images
    }

    /// An entry's target as a real path inside the root.
    private func resolve(_ entry: Kustomization.Entry, from dir: String, file: String) throws -> String {
        func refuse(_ why: String) -> Problem {
            Problem(file: file, line: entry.line, column: entry.column, message: "\(PathQuoting.quoted(entry.path)): \(why)")
        }
        let p = entry.path
        if p.contains("://") || p.hasPrefix("git@") || p.hasPrefix("github.com/") || p.hasPrefix("gitlab.com/") {
            throw refuse("a remote base is not followed (get reads only this repository)")
        }
        if p.hasPrefix("/") { throw refuse("an absolute path; kustomize paths are relative to the kustomization") }
        let joined = root.lexical(dir + "/" + p)
        guard root.relative(joined) != nil else { throw refuse("leaves the repository; refused") }
        do { return try root.resolve(joined, shown: p).real } catch { throw refuse(error.message) }
    }

    private func isDirectory(_ real: String) -> Bool {
        var st = stat()
        return stat(real, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
