import ImageRules
import Support

/// What `imagebump metrics` prints: the DORA figures of each environment, as a whole and per image, over a window.
/// Its JSON is schema/metrics.schema.json.
public struct MetricsReport: Codable, Equatable, Sendable {
    /// The window, ISO 8601 (UTC), and its length in days.
    public var since: String
    public var until: String
    public var days: Double
    public var figures: [Metrics.Figures]

    public init(_ deployments: [Deployment], environments: [String], images: [String] = [], since: Int64, until: Int64) {
        self.since = Timestamp.iso(since); self.until = Timestamp.iso(until)
        days = Metrics.round3(Double(max(until - since, 1)) / 86400)
        figures = environments.flatMap { Metrics.figures(deployments, environment: $0, images: images, since: since, until: until) }
    }

    static func percent(_ rate: Double?) -> String { rate.map { String(oneDecimal: $0 * 100) + "%" } ?? "-" }
    static func number(_ x: Double) -> String {
        let hundredths = Int64((x * 100).rounded())
        let frac = hundredths % 100
        return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }

    /// One row of the table; `quote` quotes what the repository holds (environment, app and image names).
    func row(_ f: Metrics.Figures, quote q: (String) -> String = { PathQuoting.quoted($0) }) -> [String] {
        [q(f.environment), f.image.map { (f.app.map { "\($0): " } ?? "") + $0 }.map(q) ?? "(all)", String(f.deployments),
         Self.number(f.perDay), Self.number(f.perWeek), f.frequency.rawValue,
         Metrics.duration(f.leadTime.median), Metrics.duration(f.leadTime.p90),
         Self.percent(f.changeFailRate) + " (\(f.failed)/\(f.changes))", Metrics.duration(f.recoveryTime.median)]
    }

    static let headers = ["ENVIRONMENT", "IMAGE", "DEPLOYS", "PER DAY", "PER WEEK", "FREQUENCY", "LEAD MEDIAN", "LEAD P90",
                          "CHANGE FAIL", "RECOVERY MEDIAN"]

    /// A header line naming the window, then a table (columns padded, the last not) and the notes on skipped samples.
    public func text() -> String {
        var rows = [Self.headers]
        rows += figures.map { row($0) }
        let table = TextTable.render(rows)
        return "DORA figures from \(since) to \(until) (\(Self.number(days)) days)\n" + table + "\n" + notes().map { $0 + "\n" }.joined()
    }

    func notes() -> [String] {
        figures.filter { $0.image == nil && $0.leadTimeSkipped > 0 }.map {
            "\(PathQuoting.quoted($0.environment)): \($0.leadTimeSkipped) deployment\($0.leadTimeSkipped == 1 ? "" : "s") left out of the lead time (source commit after the deployment)"
        }
    }

    /// A Markdown table for a job summary or a merge request comment; values from the repository (environment, app and
    /// image names) are table code spans (`|` escaped: GFM splits a row on it even inside a code span).
    public func markdown() -> String {
        let head = ["Environment", "Image", "Deploys", "Per day", "Per week", "Frequency", "Lead time (median)", "Lead time (p90)",
                    "Change fail rate", "Recovery (median)"]
        var lines = ["### DORA figures, \(since) to \(until)", "", "| " + head.joined(separator: " | ") + " |",
                     "|" + String(repeating: " --- |", count: head.count)]
        for f in figures {
            var r = row(f, quote: MarkdownText.tableCode)
            if f.image == nil { r[1] = "all" }
            lines.append("| " + r.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n" + notes().map { "\n" + MarkdownText.literal($0) + "\n" }.joined()
    }
}
