import FoundationEssentials
import Support

/// Every error the Forge module throws. `message` is complete, human-readable, already redacted
/// (no token) and carries at most a short excerpt of a response body, never request headers.
public struct ForgeError: Error, Sendable, CustomStringConvertible, LocalizedError {
    public enum Kind: Sendable, Equatable {
        /// 401: token missing, wrong or expired.
        case authentication
        /// 403 (not a rate limit): token lacks scope or role.
        case permission
        /// 404: project/repository (or MR/PR) not found or not visible to the token.
        case notFound
        /// 429/403 rate limit that would need waiting longer than allowed, or retries exhausted on it.
        case rateLimited
        /// 5xx after the retries.
        case server
        /// No HTTP answer (timeout, connection refused/reset, TLS, DNS) after the retries.
        case transport
        /// Any other unexpected status.
        case http
        /// The server answered with something we could not read.
        case invalidResponse
        /// Bad input (URL, project path, unknown user, ...).
        case configuration
        /// The API redirected to another origin (or a non-GET request elsewhere): not followed, so that the token
        /// is only ever sent to the origin of the API URL.
        case redirect
    }

    public var kind: Kind
    public var message: String
    public var status: Int?

    public init(_ kind: Kind, _ message: String, status: Int? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}

/// Keeps secrets out of text that may be shown to a person.
public struct Redactor: Sendable {
    public var secrets: [String]
    public init(secrets: [String]) { self.secrets = secrets }

    /// `text` with the secrets (and their echoed forms) masked and URL credentials removed (see `redact(text:secrets:)`).
    public func callAsFunction(_ text: String) -> String { redact(text: text, secrets: secrets) }

    /// A response body cut down for an error message: one line, at most `limit` characters, redacted.
    public func excerpt(_ body: Data, limit: Int = 300) -> String {
        var text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
        text = text.replacingEvery("\r", with: " ").replacingEvery("\n", with: " ")
        text = self(text)
        if text.count > limit { text = String(text.prefix(limit)) + "…" }
        return text
    }

    /// URL without its query string (queries are not secret here, but keep messages short).
    public static func stripQuery(_ url: String) -> String {
        if let q = url.firstIndex(of: "?") { return String(url[..<q]) }
        return url
    }
}
