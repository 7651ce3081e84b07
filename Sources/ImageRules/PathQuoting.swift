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

    /// A diff header name (`a/path`), quoted as a whole as git does: `"a/evil\n.yaml"`.
    public static func diffName(_ prefix: String, _ path: String) -> String {
        needsQuoting(path) ? quoted(prefix + path) : prefix + path
    }
}

extension String {
    fileprivate func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
