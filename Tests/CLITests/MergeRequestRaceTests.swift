import Foundation
import XCTest
import TestSupport

/// Two runs on one merge request key at once, made deterministic by a pre-receive hook that plays the other run
/// during this run's push; and how often a merge request run reads the git server.
final class MergeRequestRaceTests: XCTestCase {
    /// A run for 1.0.2 that found no open MR races a newer run that opens one: while it pushes, the newer run's 1.0.3
    /// lands on the bot branch and its MR opens (the hook does both, once). The push is refused (the branch was
    /// absent when read); the retry asks the forge again, finds the MR, and its guard refuses 1.0.2, so the MR keeps
    /// 1.0.3. The old retry had no guard without an MR found before the push: it force-pushed 1.0.2 over 1.0.3.
    func testRunThatFoundNoMergeRequestDoesNotOverwriteOneOpenedDuringItsPush() throws {
        for gitlab in [true, false] {
            let f = try MergeRequestFixture(gitlab: gitlab, logRequests: true)
            defer { f.stop() }
            let newer = try f.commitAside("1.0.3")
            let marker = f.server.root.appendingPathComponent("raced").path
            let seed: [String: Any] = gitlab
                ? ["project": f.project, "target_branch": "main", "title": "newer run", "description": ""]
                : ["repo": f.project, "base": "main", "title": "newer run", "body": ""]
            try f.preReceiveOnce(marker: marker, """
                ref = sys.stdin.read().split()[2]
                env = {k: v for k, v in os.environ.items() if k != "GIT_QUARANTINE_PATH"}
                subprocess.run(["git", "update-ref", ref, "\(newer)"], env=env, check=True)
                seed = json.loads('\(String(decoding: try JSONSerialization.data(withJSONObject: seed), as: UTF8.self))')
                seed["\(gitlab ? "source_branch" : "head")"] = ref[len("refs/heads/"):]
                urllib.request.urlopen(urllib.request.Request("\(f.forge.baseURL)/__control/seed",
                    data=json.dumps(seed).encode(), headers={"Content-Type": "application/json"}))
                """)
            let before = try f.server.uploadPackRequests()
            let late = try f.bump("1.0.2")
            XCTAssertTrue(FileManager.default.fileExists(atPath: marker), "the hook ran")
            XCTAssertEqual(late.status, 1, late.stdout + late.stderr)
            XCTAssertTrue(late.stderr.contains("refusing to downgrade \(SampleApp.image) from 1.0.3 to 1.0.2"), late.stderr)
            XCTAssertTrue(late.stderr.contains("the open merge request"), late.stderr)
            let mrs = try f.mergeRequests()
            XCTAssertEqual(mrs.count, 1)
            let branch = try XCTUnwrap(gitlab ? mrs.first?["source_branch"] as? String
                                              : (mrs.first?["head"] as? [String: Any])?["ref"] as? String)
            XCTAssertEqual(try f.server.git(["rev-parse", branch]).trimmingCharacters(in: .whitespacesAndNewlines), newer,
                           "the bot branch keeps 1.0.3")
            XCTAssertEqual(try f.requests().filter { $0.method == "PUT" || $0.method == "PATCH" }.count, 0, "the MR is not rewritten")
            // the clone, the read of the bot branch, one fetch of target and bot branch after the refused push
            XCTAssertEqual(try f.server.uploadPackRequests() - before, 3)
        }
    }

    /// With an MR open, the run reads its branch once before the push (the guard's read is the lease): two fetches,
    /// the clone and that read.
    func testAnOpenMergeRequestsBranchIsReadOnceBeforeThePush() throws {
        let f = try MergeRequestFixture(logRequests: true)
        defer { f.stop() }
        XCTAssertEqual(try f.bump("1.0.1").status, 0)
        let before = try f.server.uploadPackRequests()
        let r = try f.bump("1.0.2")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try MergeRequestFixture.json(r)["attempts"] as? Int, 1)
        XCTAssertEqual(try f.server.uploadPackRequests() - before, 2)
        XCTAssertTrue(try f.server.file(MergeRequestFixture.production + "/kustomization.yaml",
                                        at: try XCTUnwrap(try f.branches().first { $0 != "main" })).contains("1.0.2"))
    }
}

extension MergeRequestFixture {
    /// A commit of `tag` on main's head, pushed to a branch of its own (`aside`): what a newer run would push.
    func commitAside(_ tag: String, path: String = production) throws -> String {
        let other = try Fixtures.scratch("newer")
        try Git.run(["clone", "-q", server.url, other.path])
        try Fixtures.write(SampleApp.overlay(tag), to: other.appendingPathComponent(path + "/kustomization.yaml"))
        try Git.run(["-C", other.path, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qam", "newer run"])
        try Git.run(["-C", other.path, "push", "-q", "origin", "HEAD:refs/heads/aside"])
        return try server.git(["rev-parse", "aside"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A pre-receive hook that runs `python` (the pushed refs on stdin) on the first push only; `marker` says it ran.
    func preReceiveOnce(marker: String, _ python: String) throws {
        let hook = server.bare.appendingPathComponent("hooks/pre-receive")
        try Fixtures.write("""
            #!/usr/bin/env python3
            import json, os, subprocess, sys, urllib.request
            if os.path.exists('\(marker)'):
                sys.exit(0)
            open('\(marker)', 'w').close()

            """ + python, to: hook)
        XCTAssertEqual(chmod(hook.path, 0o755), 0)
    }
}
