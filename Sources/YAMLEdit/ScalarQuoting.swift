import Support
/// How a new scalar value is written so that it reads back as the same string.
public enum ScalarQuoting {
    /// True when `value`, written plain, is read back as this very string by YAML 1.1 and 1.2 parsers
    /// (not a null, bool, int, float, timestamp or merge key) and is a valid plain scalar in that context.
    public static func plainIsSafe(_ value: String, inFlow: Bool) -> Bool {
        let b = Array(value.utf8)
        guard let first = b.first, let last = b.last else { return false }
        if isBlankOrBreak(first) || isBlankOrBreak(last) { return false }
        if b.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return false }
        // indicators that cannot start a plain scalar
        if "-?:,[]{}#&*!|>'\"%@`".utf8.contains(first) { return false }
        if last == UInt8(ascii: ":") { return false }
        for i in 0..<b.count - 1 {
            if b[i] == UInt8(ascii: ":") && isBlankOrBreak(b[i + 1]) { return false }
            if isBlankOrBreak(b[i]) && b[i + 1] == UInt8(ascii: "#") { return false }
        }
        if inFlow && b.contains(where: isFlowIndicator) { return false }
        return !resolvesToNonString(value)
    }

    /// Plain scalars that YAML 1.1 (libyaml, PyYAML, go-yaml v2, kubectl) or 1.2 core would read as a non-string.
    public static func resolvesToNonString(_ v: String) -> Bool {
        let lower = v.lowercased()
        let words: Set<String> = ["~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", "=", "<<",
                                  ".inf", "+.inf", "-.inf", ".nan"]
        if words.contains(lower) { return true }
        // Everything else that resolves to a number or a timestamp starts with a digit, a sign or a dot
        // and contains only these characters.
        guard let f = v.utf8.first, (f >= 48 && f <= 57) || f == UInt8(ascii: "+") || f == UInt8(ascii: "-") || f == UInt8(ascii: ".") else {
            return false
        }
        return isNumberLike(v) || isTimestampLike(v)
    }

    /// ints (decimal, 0b, 0o, 0x, leading-zero octal, '_' separators, sexagesimal) and floats (including exponents).
    static func isNumberLike(_ v: String) -> Bool {
        var s = Substring(v)
        if s.first == "+" || s.first == "-" { s = s.dropFirst() }
        if s.isEmpty { return false }
        let lower = s.lowercased()
        if lower.hasPrefix("0x") { return lower.count > 2 && lower.dropFirst(2).allSatisfy { $0.isHexDigit || $0 == "_" } }
        if lower.hasPrefix("0o") { return lower.count > 2 && lower.dropFirst(2).allSatisfy { ("0"..."7").contains($0) || $0 == "_" } }
        if lower.hasPrefix("0b") { return lower.count > 2 && lower.dropFirst(2).allSatisfy { $0 == "0" || $0 == "1" || $0 == "_" } }
        // mantissa [0-9_:]* [. [0-9_]*] [e[+-]?[0-9]+]
        var chars = Array(lower)
        if let e = chars.firstIndex(of: "e") {
            var exp = Array(chars[(e + 1)...])
            if exp.first == "+" || exp.first == "-" { exp.removeFirst() }
            guard !exp.isEmpty, exp.allSatisfy(\.isNumber) else { return false }
            chars = Array(chars[..<e])
        }
        guard !chars.isEmpty else { return false }
        let dots = chars.filter { $0 == "." }.count
        guard dots <= 1 else { return false }
        guard chars.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" || $0 == ":" || $0 == "." }) else { return false }
        return chars.contains(where: { $0.isASCII && $0.isNumber })
    }

    /// YAML 1.1 timestamps: 2001-12-14, 2001-12-14t21:59:43.10-05:00, 2001-12-14 21:59:43.10 -5.
    static func isTimestampLike(_ v: String) -> Bool {
        let b = Array(v.utf8)
        guard b.count >= 8 else { return false }
        func digits(_ r: Range<Int>) -> Bool { r.upperBound <= b.count && b[r].allSatisfy { $0 >= 48 && $0 <= 57 } }
        guard digits(0..<4), b[4] == UInt8(ascii: "-") else { return false }
        // yyyy-m(m)-d(d) followed by nothing or a time part
        var i = 5
        var n = 0
        while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1; n += 1 }
        guard (1...2).contains(n), i < b.count, b[i] == UInt8(ascii: "-") else { return false }
        i += 1; n = 0
        while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1; n += 1 }
        guard (1...2).contains(n) else { return false }
        return i == b.count || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: "T") || b[i] == 0x20 || b[i] == 0x09
    }

    /// Writes `value` in `style` when that is faithful, else double-quoted. Block styles become double-quoted.
    public static func render(_ value: String, preferring style: YAMLNode.ScalarStyle, inFlow: Bool) -> String {
        switch style {
        case .plain where plainIsSafe(value, inFlow: inFlow):
            return value
        case .singleQuoted where !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }):
            return "'" + value.replacingEvery("'", with: "''") + "'"
        default:
            return doubleQuoted(value)
        }
    }

    public static func doubleQuoted(_ value: String) -> String {
        var out = "\""
        for u in value.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where u.value < 0x20 || u.value == 0x7F: out += "\\x" + (u.value < 16 ? "0" : "") + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
