import Foundation
import XCTest
import TestSupport

/// `set --via api` end to end: the real binary against the fake forge's emulator of the GitLab and GitHub
/// repository and commit endpoints, backed by a real bare git repository. No clone: the files are read and the
/// commit made through the API, one commit per run, with the lock of what was read.
final class APIModeTests: XCTestCase {
    static let production = "apps/app/overlays/production/kustomization.yaml"
    static let staging = "apps/app/overlays/staging/kustomization.yaml"

    func files(_ tag: String = "1.0.0", extra: Int = 0) -> [String: String] {
        var f = [Self.production: SampleApp.overlay(tag), Self.staging: SampleApp.overlay(tag)]
        for i in 0..<extra { f["other/app\(i)/deployment.yaml"] = "image: registry.example.com/other\(i):1.0\n" }
        return f
    }

    func testPushCommitsOnceThroughTheAPIWithTrailers() throws {
        for gitlab in [true, false] {
            let fx = try APIModeFixture(gitlab: gitlab, files: files())
            defer { fx.stop() }
            let before = try XCTUnwrap(try fx.repo.head("main"))
            let r = try fx.run(["--push", "-f", "apps/app/overlays/production", "--source-commit", "abc123", "\(SampleApp.image):2.0.0"])
            XCTAssertEqual(r.status, 0, "\(gitlab): \(r.stdout)\n\(r.stderr)")
            let j = try APIModeFixture.json(r)
            let head = try XCTUnwrap(try fx.repo.head("main"))
            XCTAssertEqual(j["commit"] as? String, head, "\(gitlab): the report names the commit the API made")
            XCTAssertEqual(j["pushed"] as? Bool, true); XCTAssertEqual(j["attempts"] as? Int, 1); XCTAssertEqual(j["branch"] as? String, "main")
            XCTAssertEqual(try fx.repo.log("main"), [head, before], "\(gitlab): one commit on top of the head read")
            XCTAssertEqual(try fx.repo.read(Self.production), SampleApp.overlay("2.0.0"))
            XCTAssertEqual(try fx.repo.read(Self.staging), SampleApp.overlay("1.0.0"))
            let message = try fx.repo.git("log", "-1", "--format=%B", "main")
            XCTAssertTrue(message.contains("Source-Commit: abc123"), message)
            let made = try fx.forge.emulatedCommits().filter { $0.forge != "other" }
            XCTAssertEqual(made.count, 1)
            XCTAssertEqual(made.first?.authorSet, false, "no author is set: GitHub verifies only such commits")
            XCTAssertEqual(made.first?.via, gitlab ? "commits" : "createCommitOnBranch")
            // a second run finds the value in place: no commit
            let again = try fx.run(["--push", "-f", "apps/app/overlays/production", "\(SampleApp.image):2.0.0"])
            XCTAssertEqual(again.status, 0, again.stderr)
            XCTAssertEqual(try APIModeFixture.json(again)["changed"] as? Bool, false)
            XCTAssertEqual(try fx.repo.head("main"), head)
        }
    }

    func testMergeRequestModeCommitsToTheBotBranchAndOpensIt() throws {
        for gitlab in [true, false] {
            let fx = try APIModeFixture(gitlab: gitlab, files: files())
            defer { fx.stop() }
            let main = try fx.repo.head("main")
            let r = try fx.run(["--merge-request", "-f", "apps/app/overlays/production", "--label", "deploy", "\(SampleApp.image):2.0.0"])
            XCTAssertEqual(r.status, 0, "\(gitlab): \(r.stdout)\n\(r.stderr)")
            let j = try APIModeFixture.json(r)
            let branch = try XCTUnwrap(j["branch"] as? String)
            XCTAssertTrue(branch.hasPrefix("imagebump/"), branch)
            XCTAssertEqual(try fx.repo.head("main"), main, "\(gitlab): the target branch is untouched")
            XCTAssertEqual(try fx.repo.read(Self.production, at: branch), SampleApp.overlay("2.0.0"))
            XCTAssertEqual(try fx.repo.log(branch).dropFirst().first, main, "\(gitlab): the bot branch is one commit on the target's head")
            let mr = try XCTUnwrap(j["mergeRequest"] as? [String: Any])
            XCTAssertEqual(mr["created"] as? Bool, true)
            let mrs = gitlab ? try fx.forge.mergeRequests(gitlab: fx.project) : try fx.forge.mergeRequests(github: fx.project)
            XCTAssertEqual(mrs.count, 1)
            // a newer run updates the same MR, rebuilding its branch from the target's head
            let r2 = try fx.run(["--merge-request", "-f", "apps/app/overlays/production", "\(SampleApp.image):3.0.0"])
            XCTAssertEqual(r2.status, 0, "\(gitlab): \(r2.stdout)\n\(r2.stderr)")
            let j2 = try APIModeFixture.json(r2)
            XCTAssertEqual(j2["branch"] as? String, branch)
            XCTAssertEqual(try fx.repo.read(Self.production, at: branch), SampleApp.overlay("3.0.0"))
            XCTAssertEqual(try fx.repo.log(branch).count, 2, "\(gitlab): rebuilt, not stacked")
            XCTAssertEqual(((j2["mergeRequest"] as? [String: Any])?["created"] as? Bool), false)
            let after = gitlab ? try fx.forge.mergeRequests(gitlab: fx.project) : try fx.forge.mergeRequests(github: fx.project)
            XCTAssertEqual(after.count, 1, "\(gitlab): one MR")
            XCTAssertEqual(try fx.repo.git("for-each-ref", "--format=%(refname:short)", "refs/heads").split(separator: "\n").count, 2,
                           "\(gitlab): no scratch branch left behind")
            // the same run again: the branch already holds this change, nothing is committed, the MR stays
            let held = try fx.repo.head(branch)
            let r3 = try fx.run(["--merge-request", "-f", "apps/app/overlays/production", "\(SampleApp.image):3.0.0"])
            XCTAssertEqual(r3.status, 0, "\(gitlab): \(r3.stdout)\n\(r3.stderr)")
            let j3 = try APIModeFixture.json(r3)
            XCTAssertEqual(j3["alreadyOnRemote"] as? Bool, true, "\(gitlab)")
            XCTAssertEqual(j3["pushed"] as? Bool, false)
            XCTAssertEqual(j3["commit"] as? String, held)
            XCTAssertEqual(try fx.repo.head(branch), held, "\(gitlab): no new commit")
        }
    }

    /// Someone else commits to the file just before the run's commit reaches the forge: the lock is stale (GitLab 400
    /// "has changed since you started editing it", GitHub STALE_DATA); the run reads the new head and re-applies,
    /// keeping the other commit's change.
    func testAStaleLockIsReadAgainAndTheEditReapplied() throws {
        for gitlab in [true, false] {
            let fx = try APIModeFixture(gitlab: gitlab, files: files())
            defer { fx.stop() }
            let theirs = SampleApp.overlay("1.0.0", comment: "pinned by ops")
            try fx.forge.commitBefore(path: gitlab ? "/repository/commits$" : "^/graphql$", graphql: gitlab ? nil : "createCommitOnBranch",
                                      repo: fx.project, files: [Self.production: theirs])
            let r = try fx.run(["--push", "-f", "apps/app/overlays/production", "\(SampleApp.image):2.0.0"])
            XCTAssertEqual(r.status, 0, "\(gitlab): \(r.stdout)\n\(r.stderr)")
            let j = try APIModeFixture.json(r)
            XCTAssertEqual(j["attempts"] as? Int, 2, "\(gitlab)")
            XCTAssertEqual(try fx.repo.read(Self.production), SampleApp.overlay("2.0.0", comment: "pinned by ops"),
                           "\(gitlab): re-applied on their version, not a stale overwrite")
            XCTAssertEqual(try fx.repo.log("main").count, 3, "\(gitlab): seed, theirs, ours")
            XCTAssertTrue(r.stderr.contains("re-applying"), r.stderr)
        }
    }

    /// 20 runs at once, each bumping its own file: every one lands, one commit each.
    func testTwentyConcurrentBumpsOfDifferentFilesAllLand() throws {
        let n = 20
        for gitlab in [true, false] {
            var f: [String: String] = [:]
            for i in 0..<n { f["apps/svc\(i)/kustomization.yaml"] = "images:\n  - name: registry.example.com/svc\(i)\n    newTag: v1\n" }
            let fx = try APIModeFixture(gitlab: gitlab, files: f)
            defer { fx.stop() }
            let status = Results(count: n)
            DispatchQueue.concurrentPerform(iterations: n) { i in
                let r = try? fx.run(["--push", "--retries", "30", "-f", "apps/svc\(i)", "registry.example.com/svc\(i):v2"])
                status.set(i, r?.status ?? -1, (r?.stdout ?? "") + (r?.stderr ?? ""))
            }
            for i in 0..<n { XCTAssertEqual(status.status[i], 0, "\(gitlab) run \(i):\n\(status.output[i])") }
            for i in 0..<n {
                XCTAssertEqual(try fx.repo.read("apps/svc\(i)/kustomization.yaml"), "images:\n  - name: registry.example.com/svc\(i)\n    newTag: v2\n")
            }
            XCTAssertEqual(try fx.repo.log("main").count, n + 1, "\(gitlab): one commit per run")
            print("\(gitlab ? "GitLab" : "GitHub") --via api, 20 concurrent: attempts \(status.output.map { $0.components(separatedBy: "\"attempts\":").dropFirst().first?.prefix { $0.isNumber } ?? "?" })")
        }
    }

    /// A link, a submodule or an executable file cannot be kept by an API commit: refused naming the file, nothing committed.
    func testLinksSubmodulesAndModesAreRefusedNamingTheFile() throws {
        for gitlab in [true, false] {
            var f = files()
            f["apps/app/base/deployment.yaml"] = "image: registry.example.com/team/sample-app:1.0.0\n"
            let fx = try APIModeFixture(gitlab: gitlab, files: f,
                                        executables: ["apps/tool/values.yaml": "image: registry.example.com/team/sample-app:1.0.0\n"],
                                        symlinks: ["apps/app/overlays/production/link.yaml": "../../base/deployment.yaml",
                                                   "apps/linked": "app"],
                                        submodules: ["apps/vendored": "https://example.invalid/lib.git"])
            defer { fx.stop() }
            let head = try fx.repo.head("main")
            let link = try fx.run(["--push", "-f", "apps/app/overlays/production", "\(SampleApp.image):2.0.0"])
            XCTAssertEqual(link.status, 1, "\(gitlab): \(link.stdout)")
            XCTAssertTrue(link.stderr.contains("apps/app/overlays/production/link.yaml") && link.stderr.contains("symbolic link"), link.stderr)
            let direct = try fx.run(["--push", "-f", "apps/vendored", "\(SampleApp.image):2.0.0"])
            XCTAssertEqual(direct.status, 1)
            XCTAssertTrue(direct.stderr.contains("apps/vendored") && direct.stderr.contains("submodule"), direct.stderr)
            let mode = try fx.run(["--push", "-f", "apps/tool/values.yaml", "\(SampleApp.image):2.0.0"])
            XCTAssertEqual(mode.status, 1)
            XCTAssertTrue(mode.stderr.contains("apps/tool/values.yaml") && mode.stderr.contains("100755"), mode.stderr)
            let behind = try fx.run(["--push", "-f", "apps/linked/overlays/production", "\(SampleApp.image):2.0.0"])
            XCTAssertEqual(behind.status, 1)
            XCTAssertTrue(behind.stderr.contains("apps/linked") && behind.stderr.contains("symbolic link"), behind.stderr)
            XCTAssertEqual(try fx.repo.head("main"), head, "\(gitlab): nothing committed")
            XCTAssertEqual(try fx.forge.emulatedCommits().count, 0)
        }
    }

    /// The requests of a run do not grow with the repository: a repository with 40 times the files costs the same
    /// requests, and no blob outside the -f paths is downloaded.
    func testRequestsDoNotGrowWithTheRepositoryAndNoOtherBlobIsRead() throws {
        for gitlab in [true, false] {
            var counts: [Int] = []
            for extra in [10, 400] {
                let fx = try APIModeFixture(gitlab: gitlab, files: files(extra: extra))
                defer { fx.stop() }
                let r = try fx.run(["--push", "-f", "apps/app/overlays/production", "\(SampleApp.image):2.0.0"])
                XCTAssertEqual(r.status, 0, r.stderr)
                let reqs = try fx.requests()
                counts.append(reqs.count)
                let wanted = Set([try fx.repo.git("rev-parse", "main~1:" + Self.production)])
                let served = Set(reqs.flatMap(\.servedBlobs))
                XCTAssertTrue(served.isSubset(of: wanted), "\(gitlab): blobs outside -f downloaded: \(served.subtracting(wanted))")
            }
            XCTAssertEqual(counts[0], counts[1], "\(gitlab): requests for 10 and 400 other files")
            print("\(gitlab ? "GitLab" : "GitHub") --via api requests per run: \(counts[0])")
        }
    }

    /// --dry-run and --check read through the API too and commit nothing; a push over plain http says so.
    func testPreviewsCommitNothingAndPlainHTTPIsWarnedAbout() throws {
        let fx = try APIModeFixture(gitlab: true, files: files())
        defer { fx.stop() }
        let head = try fx.repo.head("main")
        let dry = try CLI.run(["set", "--via", "api", "--dry-run", "--repo", fx.repoURL, "--forge", "gitlab", "--api-url", fx.apiURL,
                               "-f", "apps/app/overlays/production", "\(SampleApp.image):2.0.0"], in: fx.cwd, env: fx.env)
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains("+    newTag: \"2.0.0\""), dry.stdout)
        let check = try fx.run(["--check", "-f", "apps/app/overlays/production", "\(SampleApp.image):2.0.0"])
        XCTAssertEqual(check.status, 2, check.stderr)
        XCTAssertEqual(try fx.repo.head("main"), head)
        XCTAssertEqual(try fx.forge.emulatedCommits().count, 0)
        let push = try fx.run(["--push", "-f", "apps/app/overlays/production", "\(SampleApp.image):2.0.0"])
        XCTAssertEqual(push.status, 0, push.stderr)
        XCTAssertTrue(push.stderr.contains("over plain http://"), push.stderr)
    }
}
