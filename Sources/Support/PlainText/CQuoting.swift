/// Text from the config repo, the git server or the forge (file names, YAML keys and values, URLs) shown on one
/// line: git's C-style quoting. A control character (C0, DEL, C1) or a line separator (U+2028, U+2029) is written as
/// an escape (`\n`, `\t`, `\r`, else octal: `\033`, a non-ASCII one as its UTF-8 bytes as git's core.quotePath
/// writes them, `\302\205`), so the text cannot end a line or start one of its own; other non-ASCII stays as it is.
public enum CQuoting {
    /// A scalar that must not appear raw in a one-line rendering.
    public static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
    }

    public static func needsQuoting(_ text: String) -> Bool {
        text.unicodeScalars.contains { isControl($0) || $0 == "\"" || $0 == "\\" }
    }

    /// `text` itself when it is plain, else in double quotes with `"`, `\` and control characters escaped.
    public static func quoted(_ text: String) -> String {
        guard needsQuoting(text) else { return text }
        var out = "\""
        for s in text.unicodeScalars {
            switch s {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: append(s, to: &out)
            }
        }
        return out + "\""
    }

    /// `text` with its control characters escaped and nothing else changed (no quotes, `\` kept): for a value shown
    /// between quotes of its own or where a reader needs it as it is.
    public static func escapingControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for s in text.unicodeScalars { append(s, to: &out) }
        return out
    }

    /// The escape of one scalar (nil when it is not a control character).
    public static func escape(_ s: Unicode.Scalar) -> String? {
        guard isControl(s) else { return nil }
        switch s {
        case "\n": return "\\n"
        case "\t": return "\\t"
        case "\r": return "\\r"
        default: return String(s).utf8.map(octal).joined()
        }
    }

    /// One byte as a three-digit octal escape (`\377`).
    public static func octal(_ byte: UInt8) -> String { "\\" + String(byte, radix: 8).leftPadded(to: 3) }

    private static func append(_ s: Unicode.Scalar, to out: inout String) {
        if let e = escape(s) { out += e } else { out.unicodeScalars.append(s) }
    }
}

extension String {
    fileprivate func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
