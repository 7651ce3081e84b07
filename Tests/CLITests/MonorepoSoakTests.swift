import Foundation
import XCTest
import TestSupport

/// #18's monorepo run: 3 apps × 3 environments (dev and staging pushed, production behind a merge request), 10
/// pipelines at once against a git daemon and the fake GitLab — some start late with an older version, some promote
/// staging to production, two set production directly (`set --env production`, the same MR as the promotion). Every
/// environment must end with each app's newest version; production is never pushed to directly; one open MR per
/// environment and image set, opened once, each touching only that environment's files of one app and holding its
/// newest version; no value on main ever goes down. Then production's values reach main another way (a release commit) and the next runs close the MRs it
/// superseded, with their comment, and delete their bot branches. Prints its figures (no timed assertion).
final class MonorepoSoakTests: XCTestCase {
    let apps = ["alpha", "beta", "gamma"]
    func image(_ app: String) -> String { "registry.example.com/team/\(app)" }

    struct Pipeline: Sendable {
        let app: String; let version: String; let promote: Bool; let late: Bool
        /// `set --env production` (a merge request) instead of `set --env dev,staging --push`.
        var hotfix = false
    }

    /// What the pipelines ran, gathered from their threads.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var items: [(Pipeline, set: CLIResult, promote: CLIResult?)] = []
        func add(_ item: (Pipeline, set: CLIResult, promote: CLIResult?)) { lock.lock(); items.append(item); lock.unlock() }
    }

    func testTenPipelinesAtOnce() throws {
        let token = "soak-token-5b0e"
        var files = ["imagebump.yaml": "environments:\n  dev: {files: [apps/*/overlays/dev]}\n  staging: {files: [apps/*/overlays/staging]}\n  production:\n    files: [apps/*/overlays/production]\n    mode: merge-request\npromotion: [dev, staging, production]\n"]
        for a in apps {
            for e in ["dev", "staging", "production"] {
                files["apps/\(a)/overlays/\(e)/kustomization.yaml"] = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: \(image(a))\n    newTag: 1.0.0\n"
            }
        }
        let server = try GitDaemonRepo(files: files, name: "team/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: token)
        defer { forge.stop() }
        try forge.reset(["gitlab_projects": ["team/config"]])
        let env = ["IMAGEBUMP_TOKEN": token, "GITLAB_CI": "true", "CI_API_V4_URL": forge.baseURL + "/api/v4"]
        let newest = ["alpha": "1.3.0", "beta": "1.3.0", "gamma": "1.4.0"]
        let pipelines = [
            Pipeline(app: "alpha", version: "1.2.0", promote: true, late: false), Pipeline(app: "alpha", version: "1.3.0", promote: true, late: false),
            Pipeline(app: "alpha", version: "1.1.0", promote: true, late: true),
            Pipeline(app: "beta", version: "1.3.0", promote: true, late: false), Pipeline(app: "beta", version: "1.1.0", promote: false, late: true),
            Pipeline(app: "beta", version: "1.2.0", promote: false, late: false),
            Pipeline(app: "gamma", version: "1.4.0", promote: true, late: false), Pipeline(app: "gamma", version: "1.3.0", promote: true, late: true),
            // straight to production's MR: the newest (the promotion's MR, not a second one), and an older one, late
            Pipeline(app: "gamma", version: "1.4.0", promote: false, late: false, hotfix: true),
            Pipeline(app: "alpha", version: "1.1.0", promote: false, late: true, hotfix: true),
        ]
        let results = Results()
        let url = server.url
        let start = Date()
        // the on-time pipelines first, all at once; the late ones once those have pushed (an older build finishing last)
        for wave in [pipelines.filter { !$0.late }, pipelines.filter(\.late)] {
            let group = DispatchGroup()
            for p in wave {
                group.enter()
                let image = self.image(p.app)
                Thread.detachNewThread {
                    defer { group.leave() }
                    let cwd = try! Fixtures.scratch("soak")
                    let set = try! CLI.run(["set", "--env", p.hotfix ? "production" : "dev,staging", "--push", "--repo", url, "--retries", "30",
                                            "--output", "json", "\(image):\(p.version)"], in: cwd, env: env)
                    var promote: CLIResult?
                    if p.promote {
                        promote = try! CLI.run(["promote", "staging", "production", "--push", "--repo", url, "--retries", "30",
                                                "--image", image, "--output", "json"], in: cwd, env: env)
                    }
                    results.add((p, set, promote))
                }
            }
            group.wait()
        }
        let seconds = Date().timeIntervalSince(start)

        func tag(_ app: String, _ e: String, at ref: String = "main") throws -> String? {
            let text = try server.file("apps/\(app)/overlays/\(e)/kustomization.yaml", at: ref)
            return text.split(separator: "\n").first { $0.contains("newTag:") }.map { $0.split(separator: " ").last.map(String.init) ?? "" }
        }
        func below(_ a: String, _ b: String) -> Bool { a.split(separator: ".").compactMap { Int($0) }.lexicographicallyPrecedes(b.split(separator: ".").compactMap { Int($0) }) }
        let production = apps.map { "apps/\($0)/overlays/production" }
        for a in apps {
            XCTAssertEqual(try tag(a, "dev"), newest[a], "\(a) dev")
            XCTAssertEqual(try tag(a, "staging"), newest[a], "\(a) staging")
            XCTAssertEqual(try tag(a, "production"), "1.0.0", "\(a): production is never pushed to")
        }
        XCTAssertEqual(try server.git(["log", "--format=%H", "main", "--"] + production).split(separator: "\n").count, 1,
                       "only the seed commit touches production on main")
        // nothing downgraded: along main's history each app's version in each environment only goes up
        var commitsOnMain = 0
        for a in apps {
            for e in ["dev", "staging"] {
                let commits = try server.git(["log", "--reverse", "--format=%H", "main", "--", "apps/\(a)/overlays/\(e)"]).split(separator: "\n")
                commitsOnMain += commits.count - 1
                let tags = try commits.map { try tag(a, e, at: String($0)) ?? "" }
                XCTAssertFalse(zip(tags, tags.dropFirst()).contains { below($1, $0) }, "\(a) \(e) went down on main: \(tags)")
            }
        }

        // the merge requests: one per environment and image set, opened once, each holding its app's newest
        // version and touching only production's files of that app (the hotfix shares the promotion's MR)
        func mergeRequests() throws -> [[String: Any]] {
            let state = try XCTUnwrap(try forge.get("/__control/state") as? [String: Any])
            return try XCTUnwrap((state["gitlab"] as? [String: Any])?["team/config"] as? [[String: Any]], "\(state)")
        }
        let mrs = try mergeRequests()
        XCTAssertEqual(mrs.count, apps.count, "one MR per production image set, never a second: \(mrs.map { $0["source_branch"] ?? "?" })")
        let open = mrs.filter { $0["state"] as? String == "opened" }
        var branchOf: [String: String] = [:] // app -> its open MR's branch
        var keys: [String] = []
        for mr in open {
            let branch = try XCTUnwrap(mr["source_branch"] as? String)
            let touched = try server.git(["diff", "--name-only", "main...\(branch)"]).split(separator: "\n").map(String.init)
            XCTAssertTrue(touched.allSatisfy { f in production.contains { f.hasPrefix($0 + "/") } }, "\(branch) touches only production: \(touched)")
            let appsTouched = Set(touched.map { String($0.split(separator: "/")[1]) })
            XCTAssertEqual(appsTouched.count, 1, "\(branch): one app's change: \(touched)")
            for a in appsTouched {
                XCTAssertNil(branchOf[a], "\(a): two open MRs (\(branchOf[a] ?? ""), \(branch))")
                branchOf[a] = branch
                XCTAssertEqual(try tag(a, "production", at: branch), newest[a], "\(a): the open MR (\(branch)) holds the newest version")
            }
            let description = mr["description"] as? String ?? ""
            let marker = description.split(separator: "\n").first { $0.hasPrefix("<!-- imagebump-key: ") }.map(String.init)
            keys.append(try XCTUnwrap(marker, "\(branch): the MR carries its key"))
        }
        XCTAssertEqual(Set(branchOf.keys), Set(apps), "one open MR per app's production image: \(open.map { $0["source_branch"] ?? "?" })")
        XCTAssertEqual(Set(keys).count, keys.count, "one open MR per key: \(keys)")

        // production reaches main another way (a release commit): beta at its MR's version, alpha newer than its MR's.
        // The next runs for them find main holding their values: each closes its superseded MR, with a comment
        // saying so, and deletes its bot branch; gamma's MR stays open.
        let release = try Fixtures.scratch("release")
        try Git.run(["clone", "-q", server.bare.path, release.path])
        for (a, v) in [("beta", "1.3.0"), ("alpha", "1.4.0")] {
            let file = release.appendingPathComponent("apps/\(a)/overlays/production/kustomization.yaml")
            try Fixtures.write(try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "newTag: 1.0.0", with: "newTag: \(v)"), to: file)
        }
        try Git.run(["-C", release.path, "-c", "user.name=release-manager", "-c", "user.email=rm@localhost", "commit", "-qam", "release"])
        try Git.run(["-C", release.path, "push", "-q", "origin", "main"])
        let closing = Date()
        let closed = Results()
        let group = DispatchGroup()
        for (a, args) in [("beta", ["promote", "staging", "production", "--image", image("beta")]), ("alpha", ["set", "--env", "production", "\(image("alpha")):1.4.0"])] {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let r = try! CLI.run(args + ["--push", "--repo", url, "--output", "json"], in: release, env: env)
                closed.add((Pipeline(app: a, version: "", promote: false, late: false), r, nil))
            }
        }
        group.wait()
        let closingSeconds = Date().timeIntervalSince(closing)
        for (p, r, _) in closed.items {
            let a = p.app
            XCTAssertEqual(r.status, 0, "\(a): \(r.stderr)")
            XCTAssertTrue(r.stdout.contains("\"supersededMergeRequest\"") && r.stdout.contains(branchOf[a] ?? "?"), "\(a): \(r.stdout)")
            XCTAssertEqual(try server.git(["branch", "--list", branchOf[a] ?? "?"]), "", "\(a): its bot branch is deleted")
        }
        XCTAssertNotEqual(try server.git(["branch", "--list", branchOf["gamma"] ?? "?"]), "", "gamma's MR branch stays")
        let after = try mergeRequests()
        func mr(of a: String) -> [String: Any]? { after.first { $0["source_branch"] as? String == branchOf[a] } }
        XCTAssertEqual(mr(of: "beta")?["state"] as? String, "closed")
        XCTAssertEqual(mr(of: "alpha")?["state"] as? String, "closed")
        XCTAssertEqual(mr(of: "gamma")?["state"] as? String, "opened")
        let betaNotes = mr(of: "beta")?["notes"] as? [String] ?? [], alphaNotes = mr(of: "alpha")?["notes"] as? [String] ?? []
        XCTAssertEqual(betaNotes, ["Closed by imagebump: `main` already holds the images this merge request would set, or newer ones.\n"])
        XCTAssertEqual(alphaNotes.count, 1)
        XCTAssertTrue(alphaNotes.first?.contains("| `apps/alpha/overlays/production/kustomization.yaml` | `\(image("alpha"))` | `\(image("alpha")):1.3.0` | `\(image("alpha")):1.4.0` |") == true, "\(alphaNotes)")
        XCTAssertEqual(after.count, mrs.count, "closing opens nothing")
        // production's files on main: the seed and the release commit, never a push by imagebump
        XCTAssertEqual(try server.git(["log", "--format=%an", "main", "--"] + production), "release-manager\nseed\n")

        // figures
        var attempts = 0, pushes = 0, refusedLate = 0, failed: [String] = []
        for (p, set, promote) in results.items {
            if let j = try? JSONSerialization.jsonObject(with: Data(set.stdout.utf8)) as? [String: Any] {
                for e in (j["environments"] as? [[String: Any]]) ?? [j] {
                    attempts += e["attempts"] as? Int ?? 0
                    if e["pushed"] as? Bool == true { pushes += 1 }
                }
            }
            // an older version that reaches the branch after a newer one (late, or racing it) is refused
            let refused = set.stderr.contains("refusing to downgrade")
            if refused { refusedLate += 1 }
            if set.status != 0 && !(refused && p.version != newest[p.app]) { failed.append("set \(p.app):\(p.version): \(set.stderr)") }
            if let promote, promote.status != 0, !promote.stderr.contains("refusing to downgrade") {
                failed.append("promote \(p.app):\(p.version): \(promote.stderr)")
            }
        }
        XCTAssertEqual(failed, [], "every run either did its work or refused an older version than the one deployed")
        XCTAssertEqual(results.items.count, pipelines.count)
        XCTAssertTrue(results.items.filter { $0.0.late }.allSatisfy { $0.set.status != 0 || $0.set.stdout.contains("\"changed\":false") },
                      "a late, older version changes nothing")
        print("monorepo soak: 3 apps x 3 environments, \(pipelines.count) pipelines (\(pipelines.filter(\.late).count) late, \(pipelines.filter(\.promote).count) promoting): \(String(format: "%.1f", seconds)) s wall, \(pushes) environment pushes in \(attempts) attempts, \(refusedLate) runs of an older version refused, \(commitsOnMain) commits to dev/staging on main, \(mrs.count) merge requests (\(open.count) open), \(closed.items.count) closed as superseded after a release commit (\(String(format: "%.1f", closingSeconds)) s)")
    }
}
