import Foundation
import TestSupport
import XCTest

/// `--source-repository`, `--source-commit` and `--source-pipeline` say what built the image: the MR's provenance
/// links follow them as the commit trailers do (the links used to be the CI job's own, whatever the options said).
final class ProvenanceLinkTests: XCTestCase {
    let token = "provenance-token-51c0a2"

    func testTheMergeRequestLinksTheGivenSource() throws {
        let server = try GitDaemonRepo(files: ["apps/app/kustomization.yaml": SampleApp.overlay("1.0.0")], name: "team/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: token)
        defer { forge.stop() }
        try forge.reset(["gitlab_projects": ["team/config"]])
        let cwd = try Fixtures.scratch()
        // the job runs in the config repo's pipeline; the image was built by the application's
        let env = ["IMAGEBUMP_TOKEN": token, "GITLAB_CI": "true", "CI_PROJECT_URL": "https://gitlab.example.test/team/config",
                   "CI_COMMIT_SHA": "c0ffee0000000000000000000000000000000000", "CI_PIPELINE_ID": "5",
                   "CI_PIPELINE_URL": "https://gitlab.example.test/team/config/-/pipelines/5"]
        let sha = "0123456789abcdef0123456789abcdef01234567"
        let r = try CLI.run(["set", "--merge-request", "--repo", server.url, "--forge", "gitlab", "--api-url", forge.baseURL + "/api/v4",
                             "--source-repository", "https://gitlab.example.test/team/app", "--source-commit", sha,
                             "--source-pipeline", "https://gitlab.example.test/team/app/-/pipelines/77", "--output", "json",
                             "\(SampleApp.image):2.0"], in: cwd, env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        let mrs = (try forge.state()["gitlab"] as? [String: Any])?["team/config"] as? [[String: Any]] ?? []
        let description = try XCTUnwrap(mrs.first?["description"] as? String, "\(mrs)")
        XCTAssertTrue(description.contains("- [Commit 0123456789ab](https://gitlab.example.test/team/app/-/commit/\(sha))"), description)
        XCTAssertTrue(description.contains("- [Pipeline](https://gitlab.example.test/team/app/-/pipelines/77)"), description)
        XCTAssertFalse(description.contains("c0ffee") || description.contains("team/config/-/pipelines/5"), description)
        let branch = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["branch"] as? String)
        let message = try server.git(["log", "-1", "--format=%B", branch])
        XCTAssertTrue(message.contains("Source-Repository: https://gitlab.example.test/team/app\nSource-Commit: \(sha)\nSource-Pipeline: https://gitlab.example.test/team/app/-/pipelines/77"), message)
    }
}
