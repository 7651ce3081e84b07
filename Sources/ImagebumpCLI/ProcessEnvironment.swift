#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Support

/// The process environment, read here once, at the edge: the CI platform's answers (`ci`) and the variables
/// (`variables`) that credentials are looked up in. Everything below gets them as values.
public enum ProcessEnvironment {
    public static let variables: [String: String] = ProcessInfo.processInfo.environment
    public static let ci = CIEnvironment(variables)
}
