import FoundationEssentials

// Keeping credentials out of everything printed: one implementation and one mask for git (GitOps), the forge
// API (Forge) and the command line.

/// Returns `url` with any credentials removed, safe to print (parsed by `RemoteURL`, the one set of URL rules).
///
/// - `https://user:token@host/p` → `https://***@host/p` (for http(s) any userinfo is redacted,
///   since a token may be passed as the user name).
/// - `ssh://git:secret@host/p` → `ssh://git:***@host/p`; `ssh://git@host/p` and `git@host:p` are kept
///   (an SSH user name is not a secret).
/// - Text before the scheme (`url=https://…`) is kept and the URL after it redacted.
public func redact(url: String) -> String {
    guard let separator = url.scalarRange(of: "://") else { return url }
    var start = separator.lowerBound
    while start > url.startIndex, url[url.index(before: start)].isSchemeCharacter { start = url.index(before: start) }
    while start < separator.lowerBound, !url[start].isLetter { start = url.index(after: start) }
    let parsed = RemoteURL(String(url[start...]))
    guard parsed.hasUserinfo else { return url }
    let redacted: String
    switch parsed.kind {
    case .http, .https: redacted = parsed.replacingUserinfo(redactionMask)
    default:
        guard parsed.password != nil || parsed.text.contains(":@") else { return url }
        redacted = parsed.replacingUserinfo((parsed.rawUser ?? "") + ":" + redactionMask)
    }
    return String(url[..<start]) + redacted
}

/// Redacts every URL found in free text (see `redact(url:)`) and every secret in the forms `maskSecrets` knows.
public func redact(text: String, secrets: [String] = []) -> String {
    let out = maskSecrets(text, secrets: secrets)
    guard out.contains("://") else { return out }
    // Tokenize on whitespace, quotes and brackets; redact each URL-looking token.
    var result = ""
    var token = ""
    func flush() {
        result += token.contains("://") ? redact(url: token) : token
        token = ""
    }
    for ch in out {
        if ch.isWhitespace || ch == "'" || ch == "\"" || ch == "<" || ch == ">" || ch == "(" || ch == ")" {
            flush()
            result.append(ch)
        } else {
            token.append(ch)
        }
    }
    flush()
    return result
}

private extension Character {
    var isSchemeCharacter: Bool { isASCII && (isLetter || isNumber || self == "+" || self == "-" || self == ".") }
}

/// What replaces a secret in everything imagebump prints.
public let redactionMask = "***"

/// `text` with every secret replaced by `redactionMask`, in each form a server may echo it back in:
/// - the value itself, and escaped: percent-encoded (as inside URLs) with any mix of escaped and plain characters
///   and either case of hex digits, since servers differ in what they escape, and `/` as JSON's `\/`;
/// - base64, alone or inside a longer base64 text such as a Basic `Authorization` header (`user:secret`), in
///   standard and URL-safe alphabets (the characters that encode only the secret's bytes, for each of the three
///   alignments);
/// - a truncated copy: for secrets of 12 or more characters, any run of at least their first 8 characters.
/// Longest secrets first, so one that contains another is masked whole; values shorter than 4 characters are
/// not treated as secrets (they would mask ordinary words).
public func maskSecrets(_ text: String, secrets: [String]) -> String {
    var out = text
    let secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    for secret in secrets {
        out = out.replacingEvery(secret, with: redactionMask)
        out = maskEscapedCopies(out, of: secret)
        for core in base64Cores(of: secret) { out = out.replacingEvery(core, with: redactionMask) }
    }
    for secret in secrets where secret.count >= 12 { out = maskPrefixes(out, of: secret) }
    return out
}

/// `text` with every copy of `secret` in which some characters are escaped (`%2B`/`%2b` for `+`, `\/` for `/`)
/// masked. Compared byte by byte: each byte of the secret is matched by itself or by one of its escapes.
func maskEscapedCopies(_ text: String, of secret: String) -> String {
    let t = Array(text.utf8), s = Array(secret.utf8)
    guard t.contains(0x25) || t.contains(0x5C) else { return text } // no `%`, no `\`: no escaped copy
    func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
    /// Where a copy starting at `start` ends, nil when there is none.
    func copy(at start: Int) -> Int? {
        var p = start
        for b in s {
            if p < t.count, t[p] == b { p += 1 }
            else if p + 2 < t.count, t[p] == 0x25, let hi = hex(t[p + 1]), let lo = hex(t[p + 2]), hi << 4 | lo == b { p += 3 }
            else if b == 0x2F, p + 1 < t.count, t[p] == 0x5C, t[p + 1] == 0x2F { p += 2 }
            else { return nil }
        }
        return p
    }
    var out: [UInt8] = [], i = 0
    while i < t.count {
        if let end = copy(at: i) { out += redactionMask.utf8; i = end } else { out.append(t[i]); i += 1 }
    }
    return String(decoding: out, as: UTF8.self)
}

/// For each alignment of `secret` inside a byte stream (offset 0, 1 or 2 modulo 3), the base64 characters that
/// depend on the secret's bytes alone — what appears in the base64 of any text containing the secret at that
/// alignment. Runs shorter than 8 characters are left out (too short to mean anything).
func base64Cores(of secret: String) -> [String] {
    let bytes = Array(secret.utf8)
    var cores: [String] = []
    for offset in 0..<3 {
        let encoded = Array((Data(repeating: 0, count: offset) + Data(bytes)).base64EncodedString())
        let start = offset == 0 ? 0 : 4          // the first quantum mixes in the bytes before the secret
        let end = 4 * ((offset + bytes.count) / 3) // the last partial quantum mixes in the bytes after it
        guard end - start >= 8 else { continue }
        let core = String(encoded[start..<end])
        cores.append(core)
        let urlSafe = core.replacingEvery("+", with: "-").replacingEvery("/", with: "_")
        if urlSafe != core { cores.append(urlSafe) }
    }
    return cores
}

/// `text` with every run that starts with `secret`'s first 8 characters and continues as `secret` does masked.
func maskPrefixes(_ text: String, of secret: String) -> String {
    let head = String(secret.prefix(8))
    var out = ""
    var rest = Substring(text)
    while let r = rest.scalarRange(of: head) {
        out += rest[..<r.lowerBound]
        var end = r.upperBound
        var s = secret.index(secret.startIndex, offsetBy: 8)
        while end < rest.endIndex, s < secret.endIndex, rest[end] == secret[s] {
            end = rest.index(after: end)
            s = secret.index(after: s)
        }
        out += redactionMask
        rest = rest[end...]
    }
    return out + rest
}
