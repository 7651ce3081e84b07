// FoundationEssentials, not Foundation: `imagebump` links this module and must stay free of ICU (check-runtime-deps.sh).
import FoundationEssentials
#if canImport(Glibc)
internal import Glibc
#endif

/// Exponential backoff with jitter, the one formula for every retry loop (git push re-apply, forge API): before
/// retry `n` (1-based) wait `min(maximum, unit · 2^(n-1))` times a factor drawn uniformly from `jitter`, where
/// `unit` is `base` or a larger unit the caller measured.
public struct Backoff: Sendable, Equatable {
    public var base: TimeInterval
    public var maximum: TimeInterval
    public var jitter: Range<Double>

    public init(base: TimeInterval, maximum: TimeInterval, jitter: Range<Double>) {
        self.base = base
        self.maximum = maximum
        self.jitter = jitter
    }

    /// `random` in [0, 1) picks the jitter factor.
    public func delay(forRetry retry: Int, unit: TimeInterval = 0, random: Double) -> TimeInterval {
        let u = max(base, unit)
        guard u > 0 else { return 0 }
        let d = min(maximum, u * pow(2, Double(max(0, retry - 1))))
        return d * (jitter.lowerBound + (jitter.upperBound - jitter.lowerBound) * random)
    }

    /// Blocks the calling thread for `seconds` (nothing for 0 or less), resuming after signals, as Thread.sleep did.
    public static func sleep(_ seconds: TimeInterval) {
        guard seconds > 0 else { return }
        let whole = seconds.rounded(.down)
        var request = timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }
}
