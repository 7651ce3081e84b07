/// File names in git's C-style quoting: a name with a control character, `"` or `\` is written in double quotes with
/// C escapes (`"evil\n.yaml"`), so no file name can break a diff header or start a line of its own in a log.
/// Control characters other than `\n`, `\t`, `\r` become octal (git writes `\a`, `\b`, `\v`, `\f`; `git apply` reads
/// both), and non-ASCII stays as it is (git's `core.quotePath=false`).
public enum PathQuoting {
    public static func needsQuoting(_ path: String) -> Bool {
        path.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "\"" || $0 == "\\" }
    }

    /// `path` itself when it is plain, else its quoted form.
    public static func quoted(_ path: String) -> String {
        guard needsQuoting(path) else { return path }
        var out = "\""
        for s in path.unicodeScalars {
            switch s {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if s.value < 0x20 || s.value == 0x7F {
                    out += "\\" + String(s.value, radix: 8).leftPadded(to: 3)
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out + "\""
    }

    /// The inverse of `quoted` for a name at the start of `text` (a quoted one, `"…"`): the name and what follows
    /// the closing quote. Nil when `text` does not start with a well-formed quoted name.
    public static func leadingQuoted(_ text: Substring) -> (name: String, rest: Substring)? {
        var scalars = text.unicodeScalars[...]
        guard scalars.popFirst() == "\"" else { return nil }
        var name = String.UnicodeScalarView()
        while let s = scalars.popFirst() {
            switch s {
            case "\"": return (String(name), Substring(scalars))
            case "\\":
                guard let e = scalars.popFirst() else { return nil }
                switch e {
                case "n": name.append("\n")
                case "t": name.append("\t")
                case "r": name.append("\r")
                case "\"", "\\": name.append(e)
                case "0"..."7":
                    let digits = [e] + scalars.prefix(2)
                    guard digits.count == 3, let v = UInt32(String(String.UnicodeScalarView(digits)), radix: 8),
                          let c = Unicode.Scalar(v) else { return nil }
                    scalars.removeFirst(2)
                    name.append(c)
                default: return nil
                }
            default: name.append(s)
            }
        }
        return nil
    }

    /// A diff header name (`a/path`), quoted as a whole as git does: `"a/evil\n.yaml"`.
    public static func diffName(_ prefix: String, _ path: String) -> String {
        needsQuoting(path) ? quoted(prefix + path) : prefix + path
    }
}

extension String {
    fileprivate func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
