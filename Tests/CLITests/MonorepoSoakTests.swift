import Foundation
import XCTest
import TestSupport

/// #18's monorepo run: 3 apps × 3 environments (dev and staging pushed, production behind a merge request), 10
/// pipelines at once against a git daemon and the fake GitLab — some start late with an older version, some promote
/// staging to production. Every environment must end with each app's newest version, production never pushed to
/// directly, one open merge request per app's production promotion, nothing downgraded. Prints its figures (no
/// timed assertion).
final class MonorepoSoakTests: XCTestCase {
    let apps = ["alpha", "beta", "gamma"]
    func image(_ app: String) -> String { "registry.example.com/team/\(app)" }

    struct Pipeline: Sendable { let app: String; let version: String; let promote: Bool; let late: Bool }

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
            Pipeline(app: "gamma", version: "1.4.0", promote: true, late: false), Pipeline(app: "gamma", version: "1.2.0", promote: false, late: false),
            Pipeline(app: "gamma", version: "1.3.0", promote: true, late: true), Pipeline(app: "gamma", version: "1.1.0", promote: true, late: true),
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
                    let set = try! CLI.run(["set", "--env", "dev,staging", "--push", "--repo", url, "--retries", "30",
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
        for a in apps {
            XCTAssertEqual(try tag(a, "dev"), newest[a], "\(a) dev")
            XCTAssertEqual(try tag(a, "staging"), newest[a], "\(a) staging")
            XCTAssertEqual(try tag(a, "production"), "1.0.0", "\(a): production is never pushed to")
        }
        XCTAssertEqual(try server.git(["log", "--format=%H", "main", "--", "apps/alpha/overlays/production", "apps/beta/overlays/production",
                                       "apps/gamma/overlays/production"]).split(separator: "\n").count, 1, "only the seed commit touches production on main")
        // the merge requests: one open per promoted app, holding its newest version
        let state = try XCTUnwrap(try forge.get("/__control/state") as? [String: Any])
        let mrs = try XCTUnwrap((state["gitlab"] as? [String: Any])?["team/config"] as? [[String: Any]], "\(state)")
        let open = mrs.filter { $0["state"] as? String == "opened" }
        var openPerApp: [String: Int] = [:]
        for mr in open {
            let branch = try XCTUnwrap(mr["source_branch"] as? String)
            for a in apps where (try? tag(a, "production", at: branch)) != "1.0.0" {
                openPerApp[a, default: 0] += 1
                XCTAssertEqual(try tag(a, "production", at: branch), newest[a], "\(a): the open MR (\(branch)) holds the newest version")
            }
        }
        XCTAssertEqual(openPerApp, ["alpha": 1, "beta": 1, "gamma": 1], "one open MR per app's production promotion: \(open.map { $0["source_branch"] ?? "?" })")

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
        XCTAssertTrue(results.items.filter { $0.0.late }.allSatisfy { $0.set.status != 0 || $0.set.stdout.contains("\"changed\":false") },
                      "a late, older version changes nothing")
        print("monorepo soak: 3 apps x 3 environments, \(pipelines.count) pipelines (\(pipelines.filter(\.late).count) late, \(pipelines.filter(\.promote).count) promoting): \(String(format: "%.1f", seconds)) s wall, \(pushes) environment pushes in \(attempts) attempts, \(refusedLate) runs of an older version refused, \(mrs.count) merge requests (\(open.count) open)")
    }
}
