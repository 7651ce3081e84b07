import ImageRules

/// Where a spec that matched nothing under the `-f` paths does match in the rest of the root: the no-match message
/// says so, instead of suggesting a similar image of the searched files (the image is simply elsewhere).
enum MatchElsewhere {
    /// Up to `limit` places (`file:line`) per spec index of `unmatched`, in the root's files that `searched` (real
    /// paths) does not hold. Only looked for after a failed run; a file that cannot be read or parsed is passed over.
    static func places(_ request: SetRequest, unmatched: [Int], searched: Set<String>, limit: Int = 3) -> [Int: [String]] {
        guard !unmatched.isEmpty, !request.paths.isEmpty,
              let root = try? RepoRoot(request.root),
              let all = try? FileDiscovery.discover(["."], root: root, excludes: request.excludes) else { return [:] }
        let planner = ImagePlanner(specs: request.specs)
        let needles = unmatched.map { Array(request.specs[$0].lastComponent.utf8) }
        var out: [Int: [String]] = [:]
        for f in all.files where !searched.contains(f.realPath) {
            guard let bytes = try? FileIO.read(f.realPath, shown: f.displayPath, limit: request.maxFileSize).bytes,
                  needles.contains(where: { contains(bytes, $0) }),
                  let plan = try? planner.plan(file: f.displayPath, bytes: bytes, add: false) else { continue }
            for i in unmatched where plan.matchedSpecs.contains(i) && out[i, default: []].count < limit {
                let line = plan.changes.first { $0.image == request.specs[i].name.written }?.line
                out[i, default: []].append(PathQuoting.quoted(f.displayPath) + (line.map { ":\($0)" } ?? ""))
            }
            if unmatched.allSatisfy({ out[$0, default: []].count >= limit }) { break }
        }
        return out
    }
}
