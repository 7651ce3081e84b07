import Foundation
import XCTest

/// The default scope is the whole root: `--exclude` narrows it, and a run without -f whose matches lie in more than
/// one environment says so (issue 9); in a repository with imagebump.yaml such a run is an error (#18.3).
final class ScopeTests: XCTestCase {
    let app = "registry.example.com/team/sample-app"

    func testWholeRepoRunWarnsNamingTheEnvironmentsAndExcludeLeavesThemOut() throws {
        let repo = try Fixtures.copyExamples()
        try FileManager.default.removeItem(at: repo.appendingPathComponent("imagebump.yaml")) // no environments declared
        let production = "apps/sample-app/overlays/production/kustomization.yaml"
        let before = try String(contentsOf: repo.appendingPathComponent(production), encoding: .utf8)
        let r = try CLI.run(["set", "--exclude", "production", "--exclude", "apps/*/base", "\(app):1.22"], in: repo)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("warning: no -f given, and the matches lie in 2 environments: apps/sample-app/overlays/dev, apps/sample-app/overlays/staging"), r.stderr)
        XCTAssertFalse(r.stdout.contains("production"), r.stdout)
        XCTAssertFalse(r.stdout.contains("/base/"), r.stdout)
        XCTAssertEqual(try String(contentsOf: repo.appendingPathComponent(production), encoding: .utf8), before, "excluded: not written")

        let named = try CLI.run(["set", "--dry-run", "-f", "apps/sample-app/overlays", "\(app):1.23"], in: repo)
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssertFalse(named.stderr.contains("warning"), "files named with -f: \(named.stderr)")
    }
}
