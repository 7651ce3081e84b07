import ImageRules

/// The checks a planned run must pass before anything is written: no semantic-version downgrade, no stale commit.
enum ChangeGuards {
    static func check(_ changes: [PlannedChange], _ request: SetRequest) -> (refusals: [Problem], notes: [String]) {
        guard !request.allowDowngrade else { return ([], []) }
        var refusals = DowngradeGuard.refusals(changes)
        var notes: [String] = []
        if let ancestry = request.ancestry {
            let stale = StaleRunGuard.check(changes, ancestry: ancestry)
            refusals += stale.refusals
            if let n = stale.note { notes.append(n) }
        }
        return (refusals, notes)
    }
}
