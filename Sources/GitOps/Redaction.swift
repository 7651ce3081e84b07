import Foundation
@_exported import Redaction

/// Redacts every URL found in free text (see `redact(url:)`) and every occurrence of the given secret values.
public func redact(text: String, secrets: [String] = []) -> String {
    let out = maskSecrets(text, secrets: secrets)
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
