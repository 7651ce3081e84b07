/// Text for a CI log that no runner can take as a command. The GitHub Actions runner reads stdout and stderr line by
/// line (a line ends at LF, CR or CRLF), and runs a line as a workflow command when, after its leading white space
/// (.NET's `TrimStart`), it starts with `::`, or when it holds the legacy `##[` anywhere (actions/runner
/// `ActionCommand.TryParseV2` / `TryParse`); Azure Pipelines' agent runs `##vso[` anywhere. Such a line gets a `\`
/// before its `::`, and each `##[` / `##vso[` becomes `##\[` / `##\vso[`; every other text passes unchanged.
/// imagebump's own workflow commands are written without this.
public enum LogText {
    /// Where a line ends for some reader: LF, CR (the runner splits on both), VT, FF, NEL, U+2028, U+2029.
    static func endsLine(_ s: Unicode.Scalar) -> Bool {
        ("\n"..."\r").contains(s) || s.value == 0x85 || s.value == 0x2028 || s.value == 0x2029
    }

    /// What may stand before a command and still let it run: white space (TrimStart's), and, to be safe, control
    /// and format characters (a BOM, a zero-width space, an escape sequence's ESC).
    static func isLeading(_ s: Unicode.Scalar) -> Bool {
        s.properties.isWhitespace || s.properties.generalCategory == .control || s.properties.generalCategory == .format
    }

    public static func neutralized(_ text: String) -> String {
        let s = Array(text.unicodeScalars)
        guard s.contains(":") || s.contains("#") else { return text }
        var out = String.UnicodeScalarView()
        var atLineStart = true
        var i = 0
        while i < s.count {
            let c = s[i]
            if atLineStart, !endsLine(c), !isLeading(c) {
                atLineStart = false
                if c == ":", i + 1 < s.count, s[i + 1] == ":" { out.append("\\") }
            }
            if endsLine(c) { atLineStart = true }
            out.append(c)
            if c == "#", i + 1 < s.count, s[i + 1] == "#", i + 2 < s.count, opensLegacyCommand(s, at: i + 2) {
                out.append("#")
                out.append("\\")
                i += 2
                continue
            }
            i += 1
        }
        return String(out)
    }

    /// `[` or `vso[` (any case) at `i`: what follows `##` in a legacy command.
    private static func opensLegacyCommand(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        if s[i] == "[" { return true }
        guard i + 3 < s.count else { return false }
        return String(String.UnicodeScalarView(s[i..<(i + 4)])).lowercased() == "vso["
    }
}
