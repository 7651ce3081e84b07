import Foundation
import TestSupport
import XCTest

/// `imagebump update` end to end: the real registry (TLS, htpasswd) holds team/api 1.2.0, 1.3.0-rc.1, 1.3.0 and
/// 2.0.0; the config repo is served by git daemon. `--semver ">=1.2 <2"` lands 1.3.0 (not the pre-release, not
/// 2.0.0); an image with no tag in range is left as it is; a second run pushes nothing.
final class UpdateCommandTests: XCTestCase {
    func testSemverPolicyLandsTheNewestReleaseInRangeAndASecondRunMakesNoCommit() throws {
        let s = try RegistryFixture(test: self)
        for tag in ["1.3.0-rc.1", "1.3.0", "2.0.0"] { try s.registry.push("team/api", tag: tag) }
        let repo = try GitDaemonRepo(files: [
            "imagebump.yaml": "environments:\n  dev: {files: [dev]}\n",
            "dev/kustomization.yaml": "images:\n- name: \(s.api)\n  newTag: 1.2.0\n- name: \(s.web)\n  newTag: 1.0.0\n",
        ])
        addTeardownBlock { repo.stop() }
        let work = try Fixtures.scratch("update-work")
        let args = ["update", "--env", "dev", "--semver", ">=1.2 <2", "--repo", repo.url, "--push"] + s.auth
        let first = try CLI.run(args, in: work, env: s.env)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try repo.file("dev/kustomization.yaml"), "images:\n- name: \(s.api)\n  newTag: 1.3.0\n- name: \(s.web)\n  newTag: 1.0.0\n")
        XCTAssertTrue(first.stderr.contains("no tag of \(s.web) is allowed by semver >=1.2 <2 in environment dev: left as it is"), first.stderr)
        let head = try repo.git(["rev-parse", "main"])
        XCTAssertTrue(try repo.git(["log", "-1", "--format=%s", "main"]).contains("\(s.api):1.3.0"))
        let second = try CLI.run(args, in: work, env: s.env)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try repo.git(["rev-parse", "main"]), head, "a second run makes no commit")
        XCTAssertTrue(second.stdout.contains("already up to date"), second.stdout)

        // --tag-regex: only main-* tags, their version compared
        try s.registry.push("team/api", tag: "main-1.5.0")
        let filtered = try CLI.run(args + ["--tag-regex", "^main-(.+)", s.api], in: work, env: s.env)
        XCTAssertEqual(filtered.status, 0, filtered.stderr)
        XCTAssertEqual(try repo.file("dev/kustomization.yaml"), "images:\n- name: \(s.api)\n  newTag: main-1.5.0\n- name: \(s.web)\n  newTag: 1.0.0\n")
        XCTAssertFalse(filtered.stderr.contains("no tag of \(s.web)"), "only the image named is updated: \(filtered.stderr)")
    }
}
