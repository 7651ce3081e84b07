import Support

/// File names in git's C-style quoting (`CQuoting`): a name with a control character, `"` or `\` is written in double
/// quotes with C escapes (`"evil\n.yaml"`), so no file name can break a diff header or start a line of its own in a
/// log. Control characters other than `\n`, `\t`, `\r` become octal (git writes `\a`, `\b`, `\v`, `\f`; `git apply`
/// reads both), and non-ASCII stays as it is (git's `core.quotePath=false`). The same quoting serves any other value
/// from a file shown in a message (a YAML key or scalar).
public enum PathQuoting {
    public static func needsQuoting(_ path: String) -> Bool { CQuoting.needsQuoting(path) }

    /// `path` itself when it is plain, else its quoted form.
    public static func quoted(_ path: String) -> String { CQuoting.quoted(path) }

    /// A name given as bytes: `quoted(_:)` when they are UTF-8, else quoted with every byte outside printable ASCII
    /// in octal, as git writes such names by default (`"apps/\377.yaml"`).
    public static func quoted(bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return quoted(text) }
        var out = "\""
        for b in bytes {
            let s = Unicode.Scalar(b)
            if b >= 0x80 { out += CQuoting.octal(b) } // a byte of no UTF-8 name: always octal
            else if s == "\"" || s == "\\" { out += "\\" + String(s) }
            else { out += CQuoting.escape(s) ?? String(s) }
        }
        return out + "\""
    }

    /// A diff header name (`a/path`), quoted as a whole as git does: `"a/evil\n.yaml"`.
    public static func diffName(_ prefix: String, _ path: String) -> String {
        needsQuoting(path) ? quoted(prefix + path) : prefix + path
    }
}
