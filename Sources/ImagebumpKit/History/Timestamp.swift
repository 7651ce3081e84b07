/// Times as history reads and prints them: seconds since the epoch, written as ISO 8601 in UTC, without Foundation.
public enum Timestamp {
    /// `2026-03-01T12:00:00Z`.
    public static func iso(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let rem = seconds - days * 86400
        let (y, m, d) = civil(days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem % 3600 / 60, 2)):\(pad(rem % 60, 2))Z"
    }

    /// Parses `--since`: a date (`2026-03-01`, midnight UTC), a time (`2026-03-01T12:00:00Z`, or with `+02:00`), or
    /// an age before `now` (`90d`, `12h`, `2w`). nil when it is none of these.
    public static func parse(_ text: String, now: Int64) -> Int64? {
        // digits only: Int64 would take "+5" too
        if let unit = text.last, text.dropLast().allSatisfy(\.isASCII), text.dropLast().allSatisfy(\.isNumber),
           let n = Int64(text.dropLast()), n < 100_000 {
            switch unit {
            case "h": return now - n * 3600
            case "d": return now - n * 86400
            case "w": return now - n * 7 * 86400
            default: return nil
            }
        }
        return parseISO(text)
    }

    /// `YYYY-MM-DD[THH:MM[:SS]](Z|±HH:MM)`; a date alone is midnight UTC.
    public static func parseISO(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= b.count else { return nil }
            var v: Int64 = 0
            for c in b[from..<(from + count)] { guard c >= 48 && c <= 57 else { return nil }; v = v * 10 + Int64(c - 48) }
            return v
        }
        guard b.count >= 10, b[4] == 45, b[7] == 45, let y = num(0, 4), let m = num(5, 2), let d = num(8, 2),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        // a day the month has (no 2026-02-31, which would roll over into March)
        guard civil(days(y, m, d)) == (y, m, d) else { return nil }
        var t = days(y, m, d) * 86400
        if b.count == 10 { return t }
        guard b[10] == 84 || b[10] == 32, let hh = num(11, 2), b.count > 13, b[13] == 58, let mm = num(14, 2), hh < 24, mm < 60 else { return nil }
        t += hh * 3600 + mm * 60
        var i = 16
        if i < b.count, b[i] == 58 {
            guard let ss = num(17, 2), ss < 60 else { return nil }
            t += ss; i = 19
            // fractions of a second (only after seconds) are dropped
            if i < b.count, b[i] == 46 {
                i += 1
                let digits = i
                while i < b.count, b[i] >= 48 && b[i] <= 57 { i += 1 }
                guard i > digits else { return nil }
            }
        }
        guard i < b.count else { return nil }
        if b[i] == 90 { return i + 1 == b.count ? t : nil }
        guard b[i] == 43 || b[i] == 45, i + 6 == b.count, let oh = num(i + 1, 2), b[i + 3] == 58, let om = num(i + 4, 2),
              oh < 24, om < 60 else { return nil }
        let offset = oh * 3600 + om * 60
        return b[i] == 43 ? t - offset : t + offset
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func days(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
