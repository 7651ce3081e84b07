import Support

/// "did you mean": the found image name closest to a spec's name that matched nothing.
public enum NameSuggestion {
    /// The candidate with the same last path component (`sample-app` for `registry.example.com/team/sample-app`),
    /// else the one at the smallest edit distance of the normalised names, when that distance is at most a third
    /// of the normalised name's length (or 2). Nil when nothing is close.
    public static func closest(to name: ImageName, among candidates: Set<String>) -> String? {
        let last = name.path.split(separator: "/").last.map(String.init) ?? name.path
        let parsed = candidates.sorted().compactMap { c in (try? ImageName(parsing: c)).map { (c, $0) } }
            .filter { $0.1.normalized != name.normalized }
        if let same = parsed.first(where: { ($0.1.path.split(separator: "/").last.map(String.init) ?? "") == last }) { return same.0 }
        let target = Array(name.normalized.utf8)
        let best = parsed.map { ($0.0, editDistance(target, Array($0.1.normalized.utf8))) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, target.count / 3) else { return nil }
        return best.0
    }
}
