import Foundation
import XCTest
import Support
@testable import Forge
import TestSupport

let canary = "glpat-CANARY-7f3a9c1e5b2d"

/// Asserts the canary token appears nowhere in what a person could see.
func assertNoCanary(_ texts: [String], file: StaticString = #filePath, line: UInt = #line) {
    for t in texts {
        XCTAssertFalse(t.contains(canary), "token leaked: \(t)", file: file, line: line)
        XCTAssertFalse(t.contains("CANARY"), "token fragment leaked: \(t)", file: file, line: line)
    }
}

func texts(of error: Error) -> [String] {
    [String(describing: error), error.localizedDescription, "\(error)"]
}

/// A fresh loopback fake forge that accepts the canary token and a recorder for every test; after each test
/// no logged line holds the token. `request()` addresses the forge named by `kind`.
class FakeForgeTestCase: XCTestCase {
    var forge: FakeForge!
    var rec: Recorder!

    var kind: ForgeKind { .gitlab }

    override func setUpWithError() throws {
        forge = try FakeForge(token: canary)
        rec = Recorder()
    }

    override func tearDown() {
        forge?.stop()
        assertNoCanary(rec?.logs ?? [])
    }

    func request(_ change: (inout MergeRequestRequest) -> Void = { _ in }) -> MergeRequestRequest {
        let gitlab = kind == .gitlab
        var r = MergeRequestRequest(forge: kind, apiURL: forge.baseURL + (gitlab ? "/api/v4" : ""),
                                    project: gitlab ? "group/sub/config" : "octo/config",
                                    sourceBranch: "imagebump/web-main", targetBranch: "main",
                                    title: "Bump web to 1.2.4", description: "table v1", token: canary,
                                    tokenSource: gitlab ? "GITLAB_TOKEN" : "GITHUB_TOKEN")
        change(&r)
        return r
    }
}
