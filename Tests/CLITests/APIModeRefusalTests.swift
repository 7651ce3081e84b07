import Foundation
import XCTest
import TestSupport

/// What `--via api` cannot do is refused before any request: no --repo, a URL that is not the forge's web URL, no
/// token, an author or a signing key (the forge makes the commit). Nothing is sent anywhere.
final class APIModeRefusalTests: XCTestCase {
    func testRefusalsComeBeforeAnyRequest() throws {
        let cwd = try Fixtures.scratch()
        try Fixtures.write(SampleApp.overlay("1.0.0"), to: cwd.appendingPathComponent("kustomization.yaml"))
        let spec = "\(SampleApp.image):2.0.0"
        let noRepo = try CLI.run(["set", "--via", "api", "--push", spec], in: cwd)
        XCTAssertEqual(noRepo.status, 64, noRepo.stderr)
        XCTAssertTrue(noRepo.stderr.contains("--via api") && noRepo.stderr.contains("--repo"), noRepo.stderr)
        // port 9 on loopback (discard): a request would fail with a connection error, not these messages
        let git = try CLI.run(["set", "--via", "api", "--push", "--repo", "git://127.0.0.1:9/team/config.git", spec], in: cwd,
                              env: ["IMAGEBUMP_TOKEN": "t"])
        XCTAssertEqual(git.status, 1, git.stderr)
        XCTAssertTrue(git.stderr.contains("https:// URL") && git.stderr.contains("--via git"), git.stderr)
        let url = "http://127.0.0.1:9/team/config.git"
        let noToken = try CLI.run(["set", "--via", "api", "--push", "--repo", url, "--forge", "gitlab", spec], in: cwd,
                                  env: ["IMAGEBUMP_TOKEN": "", "GITLAB_TOKEN": "", "GITHUB_TOKEN": "", "CI_JOB_TOKEN": ""])
        XCTAssertEqual(noToken.status, 1, noToken.stderr)
        XCTAssertTrue(noToken.stderr.contains("needs an API token"), noToken.stderr)
        let author = try CLI.run(["set", "--via", "api", "--push", "--repo", url, "--forge", "gitlab", "--author", "A <a@b.c>", spec],
                                 in: cwd, env: ["IMAGEBUMP_TOKEN": "t"])
        XCTAssertEqual(author.status, 1, author.stderr)
        XCTAssertTrue(author.stderr.contains("--author"), author.stderr)
        XCTAssertFalse(author.stderr.contains("127.0.0.1:9 ") || author.stderr.lowercased().contains("connect"), author.stderr)
        XCTAssertEqual(try String(contentsOf: cwd.appendingPathComponent("kustomization.yaml"), encoding: .utf8), SampleApp.overlay("1.0.0"))
    }
}
