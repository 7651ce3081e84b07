/// CI systems read the pushed commit's message for a directive that skips its pipeline: GitLab `[skip ci]` /
/// `[ci skip]` in any case, with ` `, `_` or `-` between (`Gitlab::Ci::Pipeline::Chain::Skip`), anywhere in the
/// message; GitHub Actions `[skip ci]`, `[ci skip]`, `[no ci]`, `[skip actions]`, `[actions skip]` or a last
/// `skip-checks: true` trailer; Azure Pipelines also `***NO_CI***`. An MR/PR title and description become the merge
/// or squash commit's message. A value from the config repo must not carry one: every `[` in it is followed by a
/// word joiner (U+2060: invisible, not white space, kept by git, JSON and both forges as any other character), so no
/// `[…]` of a value is any CI's bracket directive, and so are the `skip` of `skip-checks` and the `NO` of `NO_CI`.
public enum SkipDirectives {
    public static let joiner: Unicode.Scalar = "\u{2060}"

    public static func neutralized(_ text: String) -> String {
        let s = Array(text.unicodeScalars)
        guard s.contains(where: { $0 == "[" || $0 == "-" || $0 == "_" }) else { return text }
        var out = String.UnicodeScalarView()
        for i in s.indices {
            out.append(s[i])
            if s[i] == "[" || (ends(s, at: i, "skip") && starts(s, at: i + 1, "-checks")) || (ends(s, at: i, "no") && starts(s, at: i + 1, "_ci")) {
                out.append(joiner)
            }
        }
        return String(out)
    }

    /// `word` (ASCII, lowercase) ends at `i`, in any case.
    static func ends(_ s: [Unicode.Scalar], at i: Int, _ word: String) -> Bool {
        let w = Array(word.unicodeScalars)
        return i + 1 >= w.count && starts(s, at: i + 1 - w.count, word)
    }

    /// `word` (ASCII, lowercase) starts at `i`, in any case.
    static func starts(_ s: [Unicode.Scalar], at i: Int, _ word: String) -> Bool {
        let w = Array(word.unicodeScalars)
        guard i >= 0, i + w.count <= s.count else { return false }
        return zip(s[i..<(i + w.count)], w).allSatisfy { a, b in a.isASCII && String(a).lowercased() == String(b) }
    }
}
