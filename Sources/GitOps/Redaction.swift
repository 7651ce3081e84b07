import Foundation

/// Returns `url` with any credentials removed, safe to print.
///
/// - `https://user:token@host/p` → `https://***@host/p` (for http(s) any userinfo is redacted,
///   since a token may be passed as the user name).
/// - `ssh://git:secret@host/p` → `ssh://git:***@host/p`; `ssh://git@host/p` and `git@host:p` are kept
///   (an SSH user name is not a secret).
public func redact(url: String) -> String {
    guard let schemeEnd = url.range(of: "://") else { return url }
    let scheme = url[url.startIndex..<schemeEnd.lowerBound].lowercased()
    let rest = url[schemeEnd.upperBound...]
    let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
    let authority = rest[rest.startIndex..<authorityEnd]
    guard let at = authority.lastIndex(of: "@") else { return url }
    let userinfo = authority[authority.startIndex..<at]
    let hostPart = authority[authority.index(after: at)...]
    let prefix = url[url.startIndex..<schemeEnd.upperBound]
    let redactedUserinfo: String
    if scheme.hasSuffix("http") || scheme.hasSuffix("https") {
        redactedUserinfo = "***"
    } else if let colon = userinfo.firstIndex(of: ":") {
        redactedUserinfo = userinfo[userinfo.startIndex..<colon] + ":***"
    } else {
        redactedUserinfo = String(userinfo)
    }
    return prefix + redactedUserinfo + "@" + hostPart + rest[authorityEnd...]
}

/// Redacts every URL found in free text (see `redact(url:)`) and every occurrence of the given secret values.
public func redact(text: String, secrets: [String] = []) -> String {
    var out = text
    for secret in secrets where secret.count >= 4 {
        out = out.replacingOccurrences(of: secret, with: "***")
        // percent-encoded form, as it may appear inside a URL
        if let enc = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), enc != secret {
            out = out.replacingOccurrences(of: enc, with: "***")
        }
    }
    guard out.contains("://") else { return out }
    // Tokenize on whitespace, quotes and brackets; redact each URL-looking token.
    var result = ""
    var token = ""
    func flush() {
        if token.contains("://") { result += redact(url: token) } else { result += token }
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
