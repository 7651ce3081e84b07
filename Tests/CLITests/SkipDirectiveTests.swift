import Foundation
import TestSupport
import XCTest

/// A directory name and an old value from the config repo hold every skip directive of GitLab and GitHub Actions:
/// the commit pushed to a real git server, and the PR's title and description (which become the merge or squash
/// commit's message), hold none, as each CI reads a message (`CISkip`). Only the user's `--message` may skip.
final class SkipDirectiveTests: XCTestCase {
    let app = SampleApp.image
    let token = "skip-token-91e3aa"
    let dir = "apps/[skip ci] [CI-SKIP] [no ci]"
    let oldTag = "1.0 [ci_skip] [Skip Actions] [actions skip] [skip azurepipelines] ***NO_CI***\n\n\nskip-checks: true"

    func testNoSkipDirectiveComesFromTheConfigRepo() throws {
        let file = dir + "/kustomization.yaml"
        let overlay = SampleApp.overlay("1.0").replacingOccurrences(of: "\"1.0\"", with: yamlQuoted(oldTag))
        let server = try GitDaemonRepo(files: [file: overlay], name: "octo/config.git")
        defer { server.stop() }
        XCTAssertFalse(CISkip.gitlab(dir + oldTag).isEmpty || CISkip.github(dir + oldTag).isEmpty, "the readers see the raw values")
        let cwd = try Fixtures.scratch()

        // a pull request (opened, then updated): the title from {files}, the default description, then one of {changes}
        let forge = try FakeForge(token: token)
        defer { forge.stop() }
        try forge.reset(["github_repos": ["octo/config"]])
        for description in [nil, "{files}\n\n{changes}"] {
            let r = try CLI.run(["set", "--pull-request", "--repo", server.url, "--forge", "github", "--api-url", forge.baseURL,
                                 "--title", "bump {files}", "\(app):4.0"] + (description.map { ["--description", $0] } ?? []),
                                in: cwd, env: ["IMAGEBUMP_TOKEN": token])
            XCTAssertEqual(r.status, 0, r.stderr)
            let prs = try forge.mergeRequests(github: "octo/config")
            XCTAssertEqual(prs.count, 1)
            for field in ["title", "body"] {
                let text = try XCTUnwrap(prs.first?[field] as? String, field)
                XCTAssertTrue(text.contains("[\u{2060}"), "\(field): \(text)")
                XCTAssertEqual(CISkip.gitlab(text), [], "\(field): \(text)")
                XCTAssertEqual(CISkip.github(text), [], "\(field): \(text)")
            }
        }

        // pushed: every placeholder, the change lines on lines of their own, the trailers last
        let message = "deploy {images}\n\n{files}\n\n{changes}"
        let push = try CLI.run(["set", "--push", "--repo", server.url, "--message", message, "--source-commit", "abc1234", "\(app):2.0"],
                               in: cwd)
        XCTAssertEqual(push.status, 0, push.stderr)
        let pushed = try server.git(["log", "-1", "--format=%B", "main"])
        XCTAssertTrue(pushed.contains("[\u{2060}skip ci]") && pushed.contains("Source-Commit: abc1234"), pushed)
        XCTAssertEqual(CISkip.gitlab(pushed), [], pushed)
        XCTAssertEqual(CISkip.github(pushed), [], pushed)
        XCTAssertTrue(try server.file(file).contains("newTag: \"2.0\""))

        // the user's own text skips, as they asked; the file's values still do not
        let own = try CLI.run(["set", "--push", "--repo", server.url, "--message", "[skip ci] deploy {files}\n\n{changes}", "\(app):3.0"], in: cwd)
        XCTAssertEqual(own.status, 0, own.stderr)
        let ownMessage = try server.git(["log", "-1", "--format=%B", "main"])
        XCTAssertEqual(CISkip.gitlab(ownMessage), ["[skip ci]"], ownMessage)
        XCTAssertEqual(CISkip.github(ownMessage), ["[skip ci]"], ownMessage)
    }
}
