
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
        let best = parsed.map { ($0.0, distance(target, Array($0.1.normalized.utf8))) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, target.count / 3) else { return nil }
        return best.0
    }

    /// Levenshtein distance (two rows).
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        var prev = Array(0...b.count), cur = prev
        for i in 1...a.count {
            cur[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
