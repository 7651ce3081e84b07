import Foundation
import XCTest

/// What a test throws when a tool or a server it needs is missing. On a developer's machine the test is skipped;
/// in CI (`CI=true`), where scripts/install-deps.sh installed everything, it fails: a skip there would be a test
/// that passed without testing.
public func unavailable(_ why: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Error {
    environment["CI"] == "true" ? UnavailableInCI(why: why) : XCTSkip(why)
}

/// A test that could not run in CI: a failure, not a skip.
public struct UnavailableInCI: Error, CustomStringConvertible {
    public let why: String
    public var description: String { "\(why); CI=true, where a missing tool or server fails the test instead of skipping it" }
}
