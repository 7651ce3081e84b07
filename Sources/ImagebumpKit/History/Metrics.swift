/// The four DORA figures (dora.dev) of deployments read from the history: how often, how fast from commit to
/// deployment, how often a deployment is rolled back, and how fast it is. Pure: a function of the deployments and
/// the window.
public enum Metrics {
    /// dora.dev's deployment frequency levels: on demand (daily or more), daily to weekly, weekly to monthly, less.
    public enum Frequency: String, Codable, Sendable {
        case elite, high, medium, low, none

        /// From the deployments per day over the window.
        public init(count: Int, days: Double) {
            let perDay = days > 0 ? Double(count) / days : 0
            self = count == 0 ? .none : perDay >= 1 ? .elite : perDay * 7 >= 1 ? .high : perDay * 30 >= 1 ? .medium : .low
        }

        public var meaning: String {
            switch self {
            case .elite: "on demand: daily or more"
            case .high: "between daily and weekly"
            case .medium: "between weekly and monthly"
            case .low: "less than monthly"
            case .none: "no deployments"
            }
        }
    }

    /// Seconds: the median and the 90th percentile (nearest rank) of the samples, nil for none.
    public struct Spread: Codable, Equatable, Sendable {
        public var median: Int64?
        public var p90: Int64?
        public var samples: Int

        public init(_ values: [Int64]) {
            let v = values.sorted()
            samples = v.count
            guard !v.isEmpty else { median = nil; p90 = nil; return }
            median = v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
            p90 = v[max(0, (v.count * 9 + 9) / 10 - 1)] // ceil(0.9 n)-th smallest
        }

        // absent figures are written as null, so every object has the same keys
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(median, forKey: .median); try c.encode(p90, forKey: .p90); try c.encode(samples, forKey: .samples)
        }
    }

    /// The figures of one environment, or of one image in it.
    public struct Figures: Codable, Equatable, Sendable {
        public var environment: String
        /// nil: the environment as a whole (a commit that deploys two images is one deployment).
        public var image: String?
        public var app: String?
        public var deployments: Int
        public var perDay: Double
        public var perWeek: Double
        public var frequency: Frequency
        /// From the source commit's time (Source-Commit-Time:) to the config commit's, over the deployments that are
        /// not rollbacks; those without the trailer are left out, those whose source commit is later than the
        /// deployment are skipped and counted (as Four Keys does).
        public var leadTime: Spread
        public var leadTimeSkipped: Int
        /// Deployments that are not rollbacks, and of those the ones a later rollback (or revert) undid.
        public var changes: Int
        public var failed: Int
        /// `failed / changes`, nil without changes.
        public var changeFailRate: Double?
        /// From each failed deployment to the rollback that undid it.
        public var recoveryTime: Spread

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(environment, forKey: .environment); try c.encode(image, forKey: .image); try c.encode(app, forKey: .app)
            try c.encode(deployments, forKey: .deployments); try c.encode(perDay, forKey: .perDay); try c.encode(perWeek, forKey: .perWeek)
            try c.encode(frequency, forKey: .frequency); try c.encode(leadTime, forKey: .leadTime)
            try c.encode(leadTimeSkipped, forKey: .leadTimeSkipped); try c.encode(changes, forKey: .changes)
            try c.encode(failed, forKey: .failed); try c.encode(changeFailRate, forKey: .changeFailRate)
            try c.encode(recoveryTime, forKey: .recoveryTime)
        }
    }

    /// The figures of `environment` over [since, until], as a whole (`image == nil`) when `byImage` is false, else
    /// of each (app, image) in it.
    /// - Parameter all: every deployment read (newest first, any environment): a rollback after `until` still marks
    ///   a deployment in the window as failed only when it is in the window too.
    public static func figures(_ all: [Deployment], environment: String, images: [String] = [], since: Int64, until: Int64) -> [Figures] {
        let days = Double(max(until - since, 1)) / 86400
        let mine = all.filter { d in
            d.environment == environment && d.timestamp >= since && d.timestamp <= until
                && (images.isEmpty || images.contains(Deployments.normalized(d.image)))
        }
        var out = [compute(mine, environment: environment, image: nil, app: nil, days: days, byCommit: true)]
        var keys: [String] = []
        var groups: [String: [Deployment]] = [:]
        for d in mine.reversed() {
            let k = "\(d.app ?? "")\u{0}\(Deployments.normalized(d.image))"
            if groups[k] == nil { keys.append(k) }
            groups[k, default: []].append(d)
        }
        for k in keys.sorted() {
            let g = groups[k]!
            out.append(compute(g, environment: environment, image: g[0].image, app: g[0].app, days: days, byCommit: false))
        }
        return out
    }

    static func compute(_ list: [Deployment], environment: String, image: String?, app: String?, days: Double, byCommit: Bool) -> Figures {
        // as a whole: one deployment per config commit (its first image's row)
        var seen = Set<String>()
        let deployments = byCommit ? list.filter { seen.insert($0.configCommit).inserted } : list
        let rollbacks = list.filter { $0.kind == .rollback }
        let changes = deployments.filter { $0.kind != .rollback }
        var leads: [Int64] = [], skipped = 0
        for d in changes {
            guard let t = d.sourceCommitTime.flatMap(Timestamp.parseISO) else { continue }
            if t > d.timestamp { skipped += 1 } else { leads.append(d.timestamp - t) }
        }
        // when each config commit was undone (a rollback of several deployments undoes each of them)
        var undone: [String: [Int64]] = [:]
        for r in rollbacks { for id in r.undoes { undone[id, default: []].append(r.timestamp) } }
        var recoveries: [Int64] = []
        for d in changes {
            // the first rollback after it that undoes it
            if let t = undone[d.configCommit]?.filter({ $0 >= d.timestamp }).min() { recoveries.append(t - d.timestamp) }
        }
        let n = deployments.count
        return Figures(environment: environment, image: image, app: app, deployments: n, perDay: round3(Double(n) / days),
                       perWeek: round3(Double(n) * 7 / days), frequency: Frequency(count: n, days: days),
                       leadTime: Spread(leads), leadTimeSkipped: skipped, changes: changes.count, failed: recoveries.count,
                       changeFailRate: changes.isEmpty ? nil : round3(Double(recoveries.count) / Double(changes.count)),
                       recoveryTime: Spread(recoveries))
    }

    static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    /// `3d 4h`, `2h 5m`, `45m`, `30s`: the two largest units.
    public static func duration(_ seconds: Int64?) -> String {
        guard let s = seconds else { return "-" }
        let d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60
        if d > 0 { return h > 0 ? "\(d)d \(h)h" : "\(d)d" }
        if h > 0 { return m > 0 ? "\(h)h \(m)m" : "\(h)h" }
        if m > 0 { return "\(m)m" }
        return "\(s)s"
    }
}
