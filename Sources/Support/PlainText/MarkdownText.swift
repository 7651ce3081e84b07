/// Values from files in Markdown that GitLab and GitHub render (MR/PR descriptions, the step summary): inside a code
/// span nothing is a mention, a reference, HTML or a link, and a quick action needs `/` at the start of a line,
/// which a code span's opening backtick never is. Line breaks and other control characters are C escapes
/// (`CQuoting`), so a value stays on its line; no CI skip directive is left in it (`SkipDirectives`), as this text
/// becomes commit messages and MR/PR titles.
public enum MarkdownText {
    /// `value` as an inline code span, one line: its C-quoted form (`CQuoting.quoted`, as the diff names a file), skip
    /// directives broken (`SkipDirectives`), in a fence longer than any run of backticks inside it (padded with a
    /// space where it starts or ends with a backtick or a space, which CommonMark strips again); "—" when empty.
    public static func code(_ value: String) -> String {
        let text = SkipDirectives.neutralized(CQuoting.quoted(value))
        if text.isEmpty { return "—" }
        let fence = String(repeating: "`", count: longestRun(of: "`", in: text) + 1)
        let pad = text.first == "`" || text.last == "`" || text.first == " " || text.last == " " ? " " : ""
        return fence + pad + text + pad + fence
    }

    /// `code` for a GFM table cell: `|` escaped as `\|`, which a table splits on even inside a code span.
    public static func tableCode(_ value: String) -> String {
        code(value).replacingEvery("|", with: "\\|")
    }

    /// Free text (a link's title, a CI job name) as literal Markdown: the punctuation inline Markdown, HTML, references
    /// and emoji start with backslash-escaped, control characters as C escapes, skip directives broken, and `@`
    /// followed by a word joiner (U+2060) so that it mentions no one.
    public static func literal(_ value: String) -> String {
        var out = ""
        for s in SkipDirectives.neutralized(CQuoting.escapingControls(value)).unicodeScalars {
            if s == "@" { out += "@\u{2060}"; continue }
            if asciiPunctuation.unicodeScalars.contains(s) {
                out += "\\"
            }
            out.unicodeScalars.append(s)
        }
        return out
    }

    /// Lines shown as they are in a fenced code block (control characters other than the line breaks escaped);
    /// the fence is longer than any run of backticks in them, so no line can close it.
    public static func codeBlock(_ lines: [String]) -> String {
        let body = lines.map(CQuoting.escapingControls)
        let fence = String(repeating: "`", count: max(3, (body.map { longestRun(of: "`", in: $0) }.max() ?? 0) + 1))
        return ([fence + "text"] + body + [fence]).joined(separator: "\n") + "\n"
    }

    /// What `literal` escapes (CommonMark lets a backslash escape any ASCII punctuation).
    static let asciiPunctuation = "\\`*_[]<>!&|~#$:"

    static func longestRun(of c: Character, in text: String) -> Int {
        var best = 0, run = 0
        for ch in text {
            if ch == c { run += 1; best = max(best, run) } else { run = 0 }
        }
        return best
    }
}
