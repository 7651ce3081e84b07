import ImageRules
import Support

/// The checks a planned run must pass before anything is written: no semantic-version downgrade, no stale commit,
/// nothing the repository's policy refuses (a direct push to an environment behind a merge request).
enum ChangeGuards {
    static func check(_ changes: [PlannedChange], _ request: SetRequest) -> (refusals: [Problem], notes: [String]) {
        var policy: [Problem] = []
        if let p = request.policy, let delivery = request.delivery, !changes.isEmpty {
            var seen = Set<String>()
            let files = changes.map(\.file).filter { seen.insert($0).inserted }
            policy = p.refusals(changedFiles: files, root: request.root, delivery: delivery)
        }
        if let p = request.policy, !changes.isEmpty { policy += p.refusals(changes: changes, root: request.root) }
        guard !request.allowDowngrade else { return (policy, []) }
        var refusals = policy + DowngradeGuard.refusals(changes)
        var notes: [String] = []
        if let ancestry = request.ancestry {
            let stale = StaleRunGuard.check(changes, ancestry: ancestry)
            refusals += stale.refusals
            if let n = stale.note { notes.append(n) }
        }
        return (refusals, notes)
    }
}
