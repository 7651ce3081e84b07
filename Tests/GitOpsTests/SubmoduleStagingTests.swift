import XCTest
@testable import GitOps

/// Below discovery (which neither searches submodules nor accepts a path in one), the commit itself never
/// stages a file inside a submodule, so a gitlink cannot turn into a tree of files (issue 24 item 1).
final class SubmoduleStagingTests: ServerTestCase {
    func testAPathInsideASubmoduleIsNeverStaged() throws {
        let parent = try Fixtures.makeBareRepo(root: dir, name: "parent")
        let sub = try Fixtures.makeBareRepo(root: dir, name: "sub")
        let checkout = dir + "/checkout"
        try Fixtures.run(["git", "clone", "-q", parent, checkout])
        try Fixtures.run(["git", "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "vendor/sub"], cwd: checkout)
        try Fixtures.run(["git", "commit", "-qm", "submodule"], cwd: checkout)
        let head = try Fixtures.git("rev-parse", "HEAD", cwd: checkout)
        let repo = try ConfigRepo.prepare(location: checkout, credentials: GitCredentials(environment: env(token: nil)))
        defer { repo.close() }
        XCTAssertThrowsError(try repo.publish(push: false, message: "m") { wd in
            try "svc00: edited\n".write(toFile: wd + "/vendor/sub/" + Fixtures.valuesFile, atomically: true, encoding: .utf8)
            return ["vendor/sub/" + Fixtures.valuesFile]
        }) { e in
            XCTAssertEqual("\(e)", "vendor/sub/deploy/values.yaml is inside the submodule vendor/sub; imagebump never stages files of a submodule nor changes its commit")
        }
        XCTAssertEqual(try Fixtures.git("rev-parse", "HEAD", cwd: checkout), head)
        XCTAssertTrue(try Fixtures.git("ls-files", "-s", "vendor/sub", cwd: checkout).hasPrefix("160000 "), "the index keeps the gitlink")
    }
}
