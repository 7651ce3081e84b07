import Foundation
import XCTest

/// `set` refuses to lower a semantic version unless --allow-downgrade (a rollback) is given.
final class DowngradeTests: XCTestCase {
    let app = "registry.example.com/team/sample-app"

    func testDowngradeIsRefusedAndNothingWrittenThenAllowed() throws {
        let repo = try Fixtures.copyExamples()
        let before = try Fixtures.snapshot(repo)
        let file = "apps/sample-app/overlays/production"
        let refused = try CLI.run(["set", "-f", file, "\(app):1.18.2"], in: repo)
        XCTAssertEqual(refused.status, 1)
        // one line, after the CLI's "imagebump: error: " prefix
        XCTAssertTrue(refused.stderr.hasSuffix(": \(file)/kustomization.yaml:9: refusing to downgrade \(app) from 1.19.4 to 1.18.2 (use --allow-downgrade to roll back)\n"), refused.stderr)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        XCTAssertEqual(refused.stdout, "")
        XCTAssertEqual(try Fixtures.snapshot(repo), before)

        // --dry-run and --check are refused the same way: they show what a real run would do
        XCTAssertEqual(try CLI.run(["set", "--dry-run", "-f", file, "\(app):v1.18.2"], in: repo).status, 1)

        let allowed = try CLI.run(["set", "--allow-downgrade", "-f", file, "\(app):1.18.2"], in: repo)
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        let text = try String(contentsOf: repo.appendingPathComponent(file + "/kustomization.yaml"), encoding: .utf8)
        XCTAssertTrue(text.contains("    newTag: 1.18.2\n"), text)

        // an upgrade and a tag that is not a semantic version pass without the flag
        XCTAssertEqual(try CLI.run(["set", "-f", file, "\(app):1.18.3-rc.1"], in: repo).status, 0)
        XCTAssertEqual(try CLI.run(["set", "-f", file, "\(app):3f9c2ab"], in: repo).status, 0)
    }
}
