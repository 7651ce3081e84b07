import GitOps
import XCTest
@testable import ImagebumpCLI

/// The command line's network limits and the git library's defaults are the same numbers: `imagebump` cannot link
/// GitOps (libgit2), so the options declare their defaults themselves and this test holds the two together.
final class NetworkDefaultsTests: XCTestCase {
    func testTheOptionsDefaultsAreTheGitLibrarysDefaults() throws {
        let o = try RepoAccessOptions.parse([])
        let d = NetworkTimeouts.default
        XCTAssertEqual(TimeInterval(o.timeout.value), d.idle, "--timeout")
        XCTAssertEqual(TimeInterval(o.phaseTimeout.value), d.phase, "--phase-timeout")
        XCTAssertEqual(Int64(o.maxPackSize.bytes), d.maxPackBytes, "--max-pack-size")
    }
}
