#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ImageRules
import Support

/// One image a path runs (`imagebump get`): an overlay's rendered image, or a reference a plain file holds.
public struct RunningImage: Encodable, Equatable, Sendable {
    /// The kustomization directory that renders it, or the file that holds it (relative to the root).
    public var overlay: String
    /// The reference, where its value is set: the `images:` entry that decides it, or the line that holds it.
    public var found: FoundImage
    /// `Kind/name` of the workloads that run it (empty for a file outside a kustomization).
    public var workloads: [String]

    enum CodingKeys: String, CodingKey { case overlay, image, tag, digest, file, line, workloads }

    // one flat object (schema/get.schema.json); `tag`/`digest` are written as null when absent, so every object has
    // the same keys
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(overlay, forKey: .overlay)
        try c.encode(found.name, forKey: .image)
        try c.encode(found.tag, forKey: .tag)
        try c.encode(found.digest, forKey: .digest)
        try c.encode(found.file, forKey: .file)
        try c.encode(found.line, forKey: .line)
        try c.encode(workloads, forKey: .workloads)
    }
}

public enum RunningImages {
    /// What `paths` (files or directories relative to `root`, confined to it) run. A path that is a kustomization
    /// directory (or its kustomization file) is rendered as `KustomizeBuild` does. Under any other directory, each
    /// kustomization that no other one there pulls in is rendered, and the files outside every kustomization
    /// directory are listed as they are written (Helm values, plain manifests). One row per overlay and reference (at the first place that sets it).
    public static func collect(root rootPath: String, paths: [String], maxFileSize: Int = 16 << 20) throws -> [RunningImage] {
        let root: RepoRoot
        let files: [DiscoveredFile]
        do {
            root = try RepoRoot(rootPath)
            files = try FileDiscovery.discover(paths, root: root).files
        } catch { throw SetJobError(Problem.list(error)) }
        var overlays: [String] = []  // real directories, in discovery order
        for p in paths {
            guard let (real, _) = try? root.resolveNamed(p) else { continue }
            let dir = isKustomizationFile(real) ? parent(real) : real
            if KustomizeBuild.kustomizationFile(in: dir) != nil, !overlays.contains(dir) { overlays.append(dir) }
        }
        // under other directories: every kustomization directory found, built later unless another one pulls it in
        let explicit = Set(overlays)
        var found: [String] = []
        for f in files where isKustomizationFile(f.realPath) {
            let dir = parent(f.realPath)
            if !explicit.contains(dir), !overlays.contains(where: { dir.hasPrefix($0 + "/") }), !found.contains(dir) { found.append(dir) }
        }
        var rendered: [(overlay: String, images: [RenderedImage], read: Set<String>)] = []
        var errors: [Problem] = []
        var build = KustomizeBuild(root: root, maxFileSize: maxFileSize) // one for all: shared bases are parsed once
        for dir in overlays + found {
            do {
                let images = try build.images(directory: dir)
                rendered.append((dir, images, build.visited))
            } catch { errors += Problem.list(error) }
        }
        // a kustomization another one pulls in (a base) is not an overlay of its own
        let pulledIn = Set(found.filter { d in
            guard let k = KustomizeBuild.kustomizationFile(in: d) else { return false }
            return rendered.contains { $0.overlay != d && $0.read.contains(k) }
        })
        let read = rendered.reduce(into: Set<String>()) { $0.formUnion($1.read) }
        var rows: [RunningImage] = []
        func add(_ r: RunningImage) {
            if let i = rows.firstIndex(where: { $0.overlay == r.overlay && $0.found.reference == r.found.reference }) {
                for w in r.workloads where !rows[i].workloads.contains(w) { rows[i].workloads.append(w) }
            } else { rows.append(r) }
        }
        for (dir, images, _) in rendered where explicit.contains(dir) || !pulledIn.contains(dir) {
            let overlay = root.relative(dir).map { $0.isEmpty ? "." : $0 } ?? dir
            for i in images {
                let ref = ImageReference.written(i.image)
                add(RunningImage(overlay: overlay, found: FoundImage(kind: i.kind, name: ref?.name.written ?? i.image, tag: ref?.tag, digest: ref?.digest,
                                                                     file: i.file, line: i.line), workloads: [i.workload]))
            }
        }
        // files no kustomization directory holds, as written
        let kustomized = overlays + found
        for f in files where !read.contains(f.realPath) && !kustomized.contains(where: { f.realPath.hasPrefix($0 + "/") }) {
            do {
                let bytes = try FileIO.read(f.realPath, shown: f.displayPath, limit: maxFileSize).bytes
                for i in try ImagePlanner.images(file: f.displayPath, bytes: bytes) {
                    add(RunningImage(overlay: f.displayPath, found: i, workloads: []))
                }
            } catch { errors += Problem.list(error) }
        }
        if !errors.isEmpty { throw SetJobError(errors) }
        return rows
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
