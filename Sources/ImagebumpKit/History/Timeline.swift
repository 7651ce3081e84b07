/// `imagebump metrics --output svg`: a small chart of the deployments over the window, one row per environment, one
/// dot per deployment coloured by kind. Written directly (no plotting stack); every text from the repository is
/// XML-escaped.
public enum Timeline {
    static let width = 800, labelWidth = 140, rowHeight = 36, top = 40, right = 20
    static let colors: [Deployment.Kind: String] = [.bump: "#2563eb", .promotion: "#16a34a", .rollback: "#dc2626"]

    /// The x of `time` in the plot: the window [since, until] spans from the label column to the right margin.
    static func x(_ time: Int64, since: Int64, until: Int64) -> Int {
        let span = Double(max(until - since, 1)), plot = Double(width - labelWidth - right)
        return labelWidth + Int((Double(time - since) / span * plot).rounded())
    }

    /// - Parameter deployments: any order; those outside the window or of other environments are left out. A commit
    ///   that deploys two images is one dot (the kind of its first row).
    public static func svg(_ deployments: [Deployment], environments: [String], since: Int64, until: Int64) -> String {
        let height = top + rowHeight * environments.count + 50
        var out = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>",
            "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">Deployments \(Timestamp.iso(since)) to \(Timestamp.iso(until))</text>",
        ]
        for (i, env) in environments.enumerated() {
            let y = top + rowHeight * i + rowHeight / 2
            out.append("<text x=\"10\" y=\"\(y + 4)\">\(escape(env))</text>")
            out.append("<line x1=\"\(labelWidth)\" y1=\"\(y)\" x2=\"\(width - right)\" y2=\"\(y)\" stroke=\"#d1d5db\"/>")
            var seen = Set<String>()
            for d in deployments.sorted(by: { $0.timestamp < $1.timestamp })
            where d.environment == env && d.timestamp >= since && d.timestamp <= until && seen.insert(d.configCommit).inserted {
                let title = "\(d.time) \(d.kind.rawValue): \(d.old ?? "(added)") → \(d.new) (\(d.configCommit.prefix(12)))"
                out.append("<circle cx=\"\(x(d.timestamp, since: since, until: until))\" cy=\"\(y)\" r=\"6\" fill=\"\(colors[d.kind]!)\"><title>\(escape(title))</title></circle>")
            }
        }
        let axis = top + rowHeight * environments.count + 16
        // the ends of the axis: dates, or times for a window shorter than two days
        let end = { (t: Int64) in Timestamp.iso(t).prefix(until - since < 2 * 86400 ? 16 : 10).replacing("T", with: " ") }
        out.append("<text x=\"\(labelWidth)\" y=\"\(axis)\">\(end(since))</text>")
        out.append("<text x=\"\(width - right)\" y=\"\(axis)\" text-anchor=\"end\">\(end(until))</text>")
        var lx = labelWidth
        for kind in Deployment.Kind.allCases {
            out.append("<circle cx=\"\(lx + 6)\" cy=\"\(axis + 18)\" r=\"6\" fill=\"\(colors[kind]!)\"/><text x=\"\(lx + 16)\" y=\"\(axis + 22)\">\(kind.rawValue)</text>")
            lx += 110
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// Text as XML character data or an attribute value; characters XML 1.0 cannot hold (controls) become U+FFFD.
    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default: out.unicodeScalars.append(u.value < 0x20 || (0xFFFE...0xFFFF).contains(u.value) ? "\u{FFFD}" : u)
            }
        }
        return out
    }
}
