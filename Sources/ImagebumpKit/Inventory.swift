import ImageRules
import Support

/// What image references a set of files holds (`imagebump get`, and the source side of `promote`): read-only.
public enum Inventory {
    /// Every image reference under `paths` (files or directories relative to `root`, searched and confined to it as
    /// `set` does), file by file in discovery order, each file's in line order, named as shown. Throws with every file that cannot
    /// be read or parsed.
    /// `excludes`: globs skipped, as set's --exclude.
    public static func images(root: String, paths: [String], excludes: [String] = [], maxFileSize: Int = 16 << 20) throws -> [FoundImage] {
        let files: [DiscoveredFile]
        do { files = try FileDiscovery.discover(paths, root: RepoRoot(root), excludes: excludes).files } catch { throw SetJobError(Problem.list(error)) }
        var out: [FoundImage] = []
        var errors: [Problem] = []
        for f in files {
            do {
                let bytes = try FileIO.read(f.realPath, shown: f.displayPath, limit: maxFileSize).bytes
                out += try ImagePlanner.images(file: f.displayPath, bytes: bytes)
            } catch {
                errors += Problem.list(error)
            }
        }
        if !errors.isEmpty { throw SetJobError(errors) }
        return out
    }
}
