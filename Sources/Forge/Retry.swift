import FoundationEssentials
import PlainText
import Remote

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
