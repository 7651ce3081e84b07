import Foundation

// Keeping credentials out of everything printed: one implementation for git (GitOps), the forge API (Forge)
// and the command line.

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

/// `text` with every secret (and its percent-encoded form, as it appears inside URLs) replaced by `mask`.
/// Longest secrets first, so one that contains another is masked whole; values shorter than 4 characters are
/// not treated as secrets (they would mask ordinary words).
public func maskSecrets(_ text: String, secrets: [String], mask: String) -> String {
    var out = text
    for secret in secrets.filter({ $0.count >= 4 }).sorted(by: { $0.count > $1.count }) {
        out = out.replacingOccurrences(of: secret, with: mask)
        if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
            out = out.replacingOccurrences(of: encoded, with: mask)
        }
    }
    return out
}
