import FoundationEssentials

/// Parses an HTTP date in RFC 9110's preferred form, IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), as
/// Retry-After carries it. Written out because DateFormatter is in Foundation proper, which links ICU's data.
/// Day and month names are matched case-insensitively (as DateFormatter did); the weekday is not checked against
/// the date.
func parseIMFFixdate(_ text: String) -> Date? {
    let parts = text.split(separator: " ", omittingEmptySubsequences: false)
    guard parts.count == 6, parts[0].count == 4, parts[0].hasSuffix(","),
          weekdays.contains(parts[0].dropLast().lowercased()),
          parts[1].count == 2, let day = Int(parts[1]), (1...31).contains(day),
          let monthIndex = months.firstIndex(of: parts[2].lowercased()),
          parts[3].count == 4, let year = Int(parts[3]),
          parts[5] == "GMT" else { return nil }
    let clock = parts[4].split(separator: ":", omittingEmptySubsequences: false)
    guard clock.count == 3, clock.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
          let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
          (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
    let month = monthIndex + 1
    let daysInMonth = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][monthIndex]
    guard day <= daysInMonth else { return nil }
    let seconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
    return Date(timeIntervalSince1970: TimeInterval(seconds))
}

private let weekdays: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
private let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

private func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

/// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's days_from_civil).
private func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}
