import Foundation
import XCTest
@testable import Forge
import TestSupport

/// Collects injected sleeps and log lines.
final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var _sleeps: [TimeInterval] = []
    private var _logs: [String] = []
    var sleeps: [TimeInterval] { lock.lock(); defer { lock.unlock() }; return _sleeps }
    var logs: [String] { lock.lock(); defer { lock.unlock() }; return _logs }
    func sleep(_ t: TimeInterval) { lock.lock(); _sleeps.append(t); lock.unlock() }
    func log(_ s: String) { lock.lock(); _logs.append(s); lock.unlock() }

    func policy(maxAttempts: Int = 4, now: @escaping @Sendable () -> Date = { Date() }) -> RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, baseDelay: 1, maxDelay: 8, jitter: 0.25, maxRateLimitWait: 120,
                    sleep: { [self] in self.sleep($0) }, now: now, random: { 0.5 })
    }

    func service(maxAttempts: Int = 4, now: @escaping @Sendable () -> Date = { Date() }) -> MergeRequestService {
        MergeRequestService(retry: policy(maxAttempts: maxAttempts, now: now), log: { [self] in self.log($0) })
    }
}
