import FoundationEssentials
import Support

/// What to name in a 401/403/404 message.
struct ErrorContext: Sendable {
    var forgeName: String          // "GitLab" / "GitHub"
    var project: String            // group/sub/project or owner/repo
    var tokenSource: String?       // e.g. "GITLAB_TOKEN"
    var scopeHint: String          // what the token needs
}

/// JSON-over-HTTP with retries, rate-limit handling, error mapping and redaction.
struct APIClient: Sendable {
    var transport: HTTPTransport
    var retry: RetryPolicy
    var redact: Redactor
    var baseHeaders: [(String, String)]
    var context: ErrorContext
    var log: (@Sendable (String) -> Void)?

    /// Sends with retries. Returns any response with status < 400, and also those in `accept`
    /// (e.g. 409/422 for a create race). Throws `ForgeError` otherwise.
    func send(_ method: String, _ url: String, json: Any? = nil, accept: Set<Int> = [],
              what: String) throws -> HTTPResponse {
        var headers = baseHeaders
        var body: Data? = nil
        if let json {
            body = try jsonData(json)
            headers.append(("Content-Type", "application/json"))
        }
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body)
        let sender = RetryingSender(retry: retry, redact: redact, log: log, service: "\(context.forgeName) API")
        let response = try sender.send(request, what: what) { try sendFollowingSameOrigin($0, what: what) }
        if response.status < 400 || accept.contains(response.status) { return response }
        throw mapClientError(response, method: method, shownURL: redact(Redactor.stripQuery(url)), what: what)
    }

    /// Sends `request`, following a redirect only when it is a GET to the same origin (scheme, host, port), at
    /// most 5 times. A redirect anywhere else is refused: the token travels in a header, and only the API URL's
    /// origin may see it.
    func sendFollowingSameOrigin(_ request: HTTPRequest, what: String) throws -> HTTPResponse {
        var current = request
        for _ in 0..<5 {
            let response = try transport.send(current)
            guard (300..<400).contains(response.status), response.status != 304 else { return response }
            guard let target = response.redirectURL ?? response.header("location").flatMap({
                URL(string: $0, relativeTo: URL(string: current.url))?.absoluteURL.absoluteString
            }) else {
                throw ForgeError(.redirect, "\(context.forgeName) API answered \(response.status) without a Location to \(current.method) \(redact(Redactor.stripQuery(current.url))) while trying to \(what)", status: response.status)
            }
            let from = redact(Redactor.stripQuery(current.url)), to = redact(Redactor.stripQuery(target))
            guard let origin = RemoteURL(current.url).origin, origin == RemoteURL(target).origin else {
                throw ForgeError(.redirect, "\(context.forgeName) API at \(from) redirected to \(to), another origin: not followed, so that the token is not sent there (credentials go only to the API URL's scheme, host and port; pass the final URL with --api-url)", status: response.status)
            }
            guard current.method.uppercased() == "GET" else {
                throw ForgeError(.redirect, "\(context.forgeName) API redirected \(current.method) \(from) to \(to) while trying to \(what): not repeated elsewhere; check --api-url", status: response.status)
            }
            current.url = target
        }
        throw ForgeError(.redirect, "\(context.forgeName) API redirected more than 5 times while trying to \(what)")
    }

    func mapClientError(_ response: HTTPResponse, method: String, shownURL: String, what: String) -> ForgeError {
        let excerpt = redact.excerpt(response.body)
        let token = context.tokenSource.map { "the token in \($0)" } ?? "the API token"
        let head = "\(context.forgeName) API answered \(response.status) \(Self.reason(response.status)) to \(method) \(shownURL) while trying to \(what)"
        switch response.status {
        case 401:
            return ForgeError(.authentication, "\(head). Check \(token): it must be set, valid and not expired (\(context.scopeHint)). Server said: \(excerpt)", status: 401)
        case 403:
            return ForgeError(.permission, "\(head). Check that \(token) has the needed scope and role on '\(context.project)' (\(context.scopeHint)). Server said: \(excerpt)", status: 403)
        case 404:
            return ForgeError(.notFound, "\(head). Check the project path '\(context.project)' and the API URL, and that \(token) can see the project (a token without access also gets 404). Server said: \(excerpt)", status: 404)
        default:
            return ForgeError(.http, "\(head): \(excerpt)", status: response.status)
        }
    }

    func decode(_ response: HTTPResponse, what: String) throws -> Any {
        do {
            return try jsonObject(response.body)
        } catch {
            throw ForgeError(.invalidResponse, "\(context.forgeName) API sent an answer that is not JSON while trying to \(what): \(redact.excerpt(response.body))", status: response.status)
        }
    }

    func object(_ response: HTTPResponse, what: String) throws -> [String: Any] {
        guard let obj = try decode(response, what: what) as? [String: Any] else {
            throw ForgeError(.invalidResponse, "\(context.forgeName) API sent an unexpected JSON answer while trying to \(what): \(redact.excerpt(response.body))", status: response.status)
        }
        return obj
    }

    func array(_ response: HTTPResponse, what: String) throws -> [[String: Any]] {
        guard let arr = try decode(response, what: what) as? [[String: Any]] else {
            throw ForgeError(.invalidResponse, "\(context.forgeName) API sent an unexpected JSON answer while trying to \(what): \(redact.excerpt(response.body))", status: response.status)
        }
        return arr
    }

    static func seconds(_ t: TimeInterval) -> String { String(oneDecimal: t) + "s" }

    static func reason(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 409: return "Conflict"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return ""
        }
    }
}

/// Percent-encodes one path segment or query value (RFC 3986 unreserved characters kept).
func percentEncode(_ s: String) -> String {
    s.percentEncoded { $0.isASCIIAlphanumeric || "-._~".unicodeScalars.contains($0) }
}

func queryString(_ items: [(String, String)]) -> String {
    items.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
}

/// Descriptions compare equal when they differ only in line endings or surrounding whitespace
/// (forges may normalise them), so an unchanged MR is not rewritten on every run.
func sameText(_ a: String, _ b: String) -> Bool {
    func norm(_ s: String) -> String {
        s.replacingEvery("\r\n", with: "\n").trimmingBlanksAndNewlines()
    }
    return norm(a) == norm(b)
}
