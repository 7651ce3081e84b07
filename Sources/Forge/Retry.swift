import FoundationEssentials
import Support

/// How failed requests are retried. Sleeping and the clock are injectable so tests run fast.
public struct RetryPolicy: Sendable {
    /// Total tries per request, the first included.
    public var maxAttempts: Int
    /// First back-off delay; doubles each retry, capped by `maxDelay`, with up to `jitter` (fraction) added or removed.
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval
    public var jitter: Double
    /// Longest wait a rate-limit answer (`Retry-After`, `X-RateLimit-Reset`) may impose; a longer one fails at once.
    public var maxRateLimitWait: TimeInterval
    /// Wait used for a GitHub secondary rate limit that names no time.
    public var defaultRateLimitWait: TimeInterval
    public var sleep: @Sendable (TimeInterval) -> Void
    public var now: @Sendable () -> Date
    public var random: @Sendable () -> Double

    public init(maxAttempts: Int = 5, baseDelay: TimeInterval = 1, maxDelay: TimeInterval = 16, jitter: Double = 0.25,
                maxRateLimitWait: TimeInterval = 120, defaultRateLimitWait: TimeInterval = 60,
                sleep: @escaping @Sendable (TimeInterval) -> Void = { if $0 > 0 { Backoff.sleep($0) } },
                now: @escaping @Sendable () -> Date = { Date() },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.maxRateLimitWait = maxRateLimitWait
        self.defaultRateLimitWait = defaultRateLimitWait
        self.sleep = sleep
        self.now = now
        self.random = random
    }

    public static let standard = RetryPolicy()

    /// Back-off before retry number `retry` (1-based): the shared `Backoff`, base·2^(retry-1) capped, ± jitter,
    /// and never above `maxDelay`.
    public func backoff(retry: Int) -> TimeInterval {
        let delay = Backoff(base: baseDelay, maximum: maxDelay, jitter: (1 - jitter)..<(1 + jitter))
            .delay(forRetry: retry, random: random())
        return max(0, min(delay, maxDelay))
    }

    /// The wait a rate-limit answer asks for, or nil when the answer is not a rate limit.
    /// 429 always is one; 403 is one when it carries `Retry-After`, or `X-RateLimit-Remaining: 0`,
    /// or a body naming a secondary rate limit.
    public func rateLimitWait(_ response: HTTPResponse) -> TimeInterval? {
        let status = response.status
        guard status == 429 || status == 403 else { return nil }
        if let retryAfter = response.header("retry-after").flatMap({ parseRetryAfter($0) }) {
            return retryAfter
        }
        if response.header("x-ratelimit-remaining")?.trimmingBlanks() == "0",
           let resetText = response.header("x-ratelimit-reset"),
           let reset = Double(resetText.trimmingBlanks()) {
            return max(0, reset - now().timeIntervalSince1970) + 1
        }
        if status == 429 { return defaultRateLimitWaitFor429 }
        if response.bodyText.lowercased().contains("rate limit") { return defaultRateLimitWait }
        return nil
    }

    private var defaultRateLimitWaitFor429: TimeInterval { min(defaultRateLimitWait, maxRateLimitWait) }

    func parseRetryAfter(_ value: String) -> TimeInterval? {
        let trimmed = value.trimmingBlanks()
        if let seconds = Double(trimmed) { return max(0, seconds) }
        if let date = parseIMFFixdate(trimmed) { return max(0, date.timeIntervalSince(now())) }
        return nil
    }
}

/// The retry loop every HTTP client here shares (forge APIs, registries): a transport failure that may pass and a
/// 5xx are retried with back-off, a rate limit (429, or 403 saying so) waits as asked (within `maxRateLimitWait`).
/// Any other answer is returned for the caller to read, a 4xx included.
struct RetryingSender {
    var retry: RetryPolicy
    var redact: Redactor
    var log: (@Sendable (String) -> Void)?
    /// What the messages call the server: "GitLab API", "registry 127.0.0.1:5000".
    var service: String

    func send(_ request: HTTPRequest, what: String, through transport: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        let shownURL = redact(Redactor.stripQuery(request.url))
        var attempt = 0
        while true {
            attempt += 1
            let response: HTTPResponse
            do {
                response = try transport(request)
            } catch let error as TransportError {
                let message = redact(error.message)
                if error.isRetryable && attempt < retry.maxAttempts {
                    let delay = retry.backoff(retry: attempt)
                    log?("\(service): \(message); retrying in \(APIClient.seconds(delay))")
                    retry.sleep(delay)
                    continue
                }
                let tries = attempt > 1 ? " (after \(attempt) tries)" : ""
                var hint = ""
                if error.kind == .tls {
                    hint = " — check the server certificate and pass its CA with --ca-file (or SSL_CERT_FILE)"
                }
                throw ForgeError(.transport, "\(service) unreachable while trying to \(what)\(tries): \(message)\(hint)")
            }

            if let wait = retry.rateLimitWait(response) {
                if wait > retry.maxRateLimitWait {
                    throw ForgeError(.rateLimited, "\(service) rate limit hit while trying to \(what): the server asks to wait \(Int(wait.rounded(.up)))s, longer than the \(Int(retry.maxRateLimitWait))s allowed; re-run later", status: response.status)
                }
                if attempt < retry.maxAttempts {
                    log?("\(service) rate limit (\(response.status)); waiting \(APIClient.seconds(wait))")
                    retry.sleep(wait)
                    continue
                }
                throw ForgeError(.rateLimited, "\(service) still rate limited after \(attempt) tries while trying to \(what); re-run later", status: response.status)
            }

            if response.status >= 500 {
                if attempt < retry.maxAttempts {
                    let delay = retry.backoff(retry: attempt)
                    log?("\(service) answered \(response.status); retrying in \(APIClient.seconds(delay))")
                    retry.sleep(delay)
                    continue
                }
                throw ForgeError(.server, "\(service) answered \(response.status) \(APIClient.reason(response.status)) to \(request.method) \(shownURL) after \(attempt) tries while trying to \(what): \(redact.excerpt(response.body))", status: response.status)
            }
            return response
        }
    }
}
