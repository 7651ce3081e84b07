import Foundation
import XCTest
import Forge
import TestSupport

/// #18: an MR's identity is its change (target branch, environment or `-f` set, images), carried in a hidden marker;
/// an MR the target branch overtook is closed; `--allow-missing` never names an image it did not change.
final class MergeRequestIdentityTests: XCTestCase {
    typealias F = MergeRequestFixture

    /// Staging and production MRs for the same image are two MRs on two branches; a re-run updates its own.
    func testEachEnvironmentHasItsOwnMergeRequest() throws {
        let f = try F()
        defer { f.stop() }
        let staging = try F.json(try f.bump("2.0.0", path: F.staging))
        let production = try F.json(try f.bump("2.0.0", path: F.production))
        let (sb, pb) = (try XCTUnwrap(staging["branch"] as? String), try XCTUnwrap(production["branch"] as? String))
        XCTAssertNotEqual(sb, pb)
        XCTAssertTrue(sb.hasPrefix("imagebump/main/apps-app-overlays-staging/sample-app-"), sb)
        XCTAssertEqual(try f.mergeRequests().count, 2)

        let again = try F.json(try f.bump("2.0.1", path: F.staging))
        XCTAssertEqual(again["branch"] as? String, sb)
        XCTAssertEqual((again["mergeRequest"] as? [String: Any])?["number"] as? Int, (staging["mergeRequest"] as? [String: Any])?["number"] as? Int)
        XCTAssertTrue(try f.server.file(F.staging + "/kustomization.yaml", at: sb).contains("2.0.1"))
        XCTAssertTrue(try f.server.file(F.production + "/kustomization.yaml", at: pb).contains("2.0.0"), "production's MR untouched")
        XCTAssertEqual(try f.server.git(["diff", "--name-only", "main", pb]), F.production + "/kustomization.yaml\n",
                       "production's MR touches only production's files")
        let descriptions = try f.mergeRequests().map { $0["description"] as? String ?? "" }
        XCTAssertTrue(descriptions[0].contains("<!-- imagebump-key: v1;target=main;files=\(F.staging);images=\(SampleApp.image) -->"), descriptions[0])
    }

    /// An MR found by its marker under another branch name (a renamed scheme) is updated, never orphaned.
    func testMergeRequestIsFoundByItsMarker() throws {
        let f = try F()
        defer { f.stop() }
        let key = MergeRequestKey(targetBranch: "main", scope: .files([F.production]), images: [SampleApp.image])
        try Git.run(["-C", f.server.bare.path, "branch", "imagebump/an-older-name", "main"])
        try f.forge.seed(["project": f.project, "source_branch": "imagebump/an-older-name", "target_branch": "main",
                          "title": "old", "description": "table\n\n" + key.marker + "\n"])
        let r = try F.json(try f.bump("2.0.0"))
        XCTAssertEqual(r["branch"] as? String, "imagebump/an-older-name")
        XCTAssertEqual((r["mergeRequest"] as? [String: Any])?["created"] as? Bool, false)
        XCTAssertEqual(try f.mergeRequests().count, 1)
        XCTAssertFalse(try f.branches().contains(key.branch), "nothing pushed to the new name")
    }

    /// An MR of the branch scheme before keys (`imagebump/<images>-<target>`, no marker) is adopted: updated with this
    /// run's change and marked, never left open beside a second MR (GitLab and GitHub).
    func testALegacyMergeRequestIsAdopted() throws {
        for gitlab in [true, false] {
            let f = try F(gitlab: gitlab)
            defer { f.stop() }
            let legacy = "imagebump/sample-app-main"
            try Git.run(["-C", f.server.bare.path, "branch", legacy, "main"])
            _ = gitlab
                ? try f.forge.seed(["project": f.project, "source_branch": legacy, "target_branch": "main", "title": "Bump sample-app to 1.5.0", "description": "old table\n"])
                : try f.forge.seed(["repo": f.project, "head": legacy, "base": "main", "title": "Bump sample-app to 1.5.0", "body": "old table\n"])
            let r = try f.bump("2.0.0")
            XCTAssertEqual(r.status, 0, r.stderr)
            let j = try F.json(r)
            XCTAssertEqual(j["branch"] as? String, legacy, "gitlab \(gitlab)")
            XCTAssertEqual((j["mergeRequest"] as? [String: Any])?["created"] as? Bool, false)
            XCTAssertTrue(r.stderr.contains("adopted \(gitlab ? "merge request !1" : "pull request #1") (\(legacy), a bot branch named before merge requests carried their key)"), r.stderr)
            let mrs = try f.mergeRequests()
            XCTAssertEqual(mrs.count, 1, "no second MR: \(mrs.map { $0[gitlab ? "source_branch" : "head"] ?? "?" })")
            XCTAssertTrue((mrs.first?[gitlab ? "description" : "body"] as? String ?? "").contains("<!-- imagebump-key: v1;target=main;files=\(F.production);"), "marked: \(mrs)")
            XCTAssertTrue(try f.server.file(F.production + "/kustomization.yaml", at: legacy).contains("2.0.0"))
            // marked now: the next run finds it by its key, without the warning
            let again = try f.bump("2.0.1")
            XCTAssertEqual(try F.json(again)["branch"] as? String, legacy)
            XCTAssertFalse(again.stderr.contains("adopted"), again.stderr)
            XCTAssertEqual(try f.mergeRequests().count, 1)
        }
    }

    /// 8.0.0's MR is open, 8.1.0 is pushed to main directly, the job runs again for 8.1.0: the MR is closed with a
    /// comment and its branch deleted (GitLab and GitHub).
    func testMergeRequestOvertakenByTheTargetIsClosed() throws {
        for gitlab in [true, false] {
            let f = try F(gitlab: gitlab)
            defer { f.stop() }
            let opened = try F.json(try f.bump("8.0.0"))
            let branch = try XCTUnwrap(opened["branch"] as? String)
            try f.pushDirectly("8.1.0")
            let r = try f.bump("8.1.0")
            XCTAssertEqual(r.status, 0, r.stderr)
            let closed = try XCTUnwrap(try F.json(r)["supersededMergeRequest"] as? [String: Any], r.stdout)
            XCTAssertEqual(closed["number"] as? Int, 1)
            XCTAssertEqual(closed["branch"] as? String, branch)
            let mr = try XCTUnwrap(try f.mergeRequests().first)
            XCTAssertEqual(mr["state"] as? String, gitlab ? "closed" : "closed")
            let note = try XCTUnwrap((mr[gitlab ? "notes" : "comments"] as? [String])?.first)
            XCTAssertTrue(note.contains("`main` already holds"), note)
            XCTAssertTrue(note.contains("`\(SampleApp.image):8.0.0` | `\(SampleApp.image):8.1.0`"), note)
            XCTAssertEqual(try f.branches(), ["main"], "the bot branch is deleted")
            let text = try CLI.run(["set", "--merge-request", "--repo", f.server.url, "-f", F.production, "--forge", gitlab ? "gitlab" : "github",
                                    "--api-url", f.forge.baseURL + (gitlab ? "/api/v4" : ""), "\(SampleApp.image):8.1.0"], in: f.cwd, env: f.env)
            XCTAssertEqual(text.status, 0, text.stderr)
            XCTAssertFalse(text.stdout.contains("closed merge request"), "nothing left to close: \(text.stdout)")
        }
    }

    /// `--allow-missing` with an image that matches nothing: the title and the branch name only name the changed one.
    func testAllowMissingNamesOnlyChangedImages() throws {
        let f = try F()
        defer { f.stop() }
        let r = try f.run(["\(SampleApp.image):2.0.0", "registry.example.com/team/absent-worker:3.0.0"], ["--allow-missing"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let branch = try XCTUnwrap(try F.json(r)["branch"] as? String)
        XCTAssertFalse(branch.contains("absent"), branch)
        let post = try XCTUnwrap(try f.requests().first { $0.method == "POST" && $0.path.hasSuffix("/merge_requests") })
        let title = try XCTUnwrap(post.json["title"] as? String)
        XCTAssertTrue(title.contains("sample-app:2.0.0"), title)
        XCTAssertFalse(title.contains("absent"), title)
    }
}
