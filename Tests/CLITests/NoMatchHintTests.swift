import Foundation
import XCTest

/// An image that matches nothing under the -f paths but is held elsewhere in the repository: the error says where
/// it was found, not "did you mean" a similar image of the searched files (#18, "a misleading hint").
final class NoMatchHintTests: XCTestCase {
    func testTheHintSaysWhereTheImageIsOutsideTheNamedFiles() throws {
        let repo = try Fixtures.copyExamples()
        let before = try Fixtures.snapshot(repo)
        let worker = "registry.example.com/team/worker"
        let r = try CLI.run(["set", "-f", "apps/sample-app/overlays/dev", "\(worker):2.5.0"], in: repo)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("; \(worker) is in apps/worker/base/cronjob.yaml:14, "), r.stderr)
        XCTAssertTrue(r.stderr.contains(", outside apps/sample-app/overlays/dev"), r.stderr)
        XCTAssertFalse(r.stderr.contains("did you mean"), r.stderr)
        XCTAssertEqual(try Fixtures.snapshot(repo), before)
        // through --env the same: the environment's files are what was searched (an environment of sample-app only;
        // the example's dev also holds the worker's overlay)
        try Git.run(["init", "-q", repo.path])
        try Fixtures.write("environments:\n  dev:\n    files: [apps/sample-app/overlays/dev]\n", to: repo.appendingPathComponent("imagebump.yaml"))
        let env = try CLI.run(["set", "--env", "dev", "\(worker):2.5.0"], in: repo)
        XCTAssertEqual(env.status, 1, env.stderr)
        XCTAssertTrue(env.stderr.contains("\(worker) is in apps/worker/base/cronjob.yaml:14, "), env.stderr)
        XCTAssertTrue(env.stderr.contains(", outside apps/sample-app/overlays/dev"), env.stderr)
        // an image held nowhere still gets the suggestion of a close name
        let typo = try CLI.run(["set", "-f", "apps/sample-app/overlays/dev", "registry.example.com/team/sample-ap:1.0"], in: repo)
        XCTAssertEqual(typo.status, 1)
        XCTAssertTrue(typo.stderr.contains("did you mean registry.example.com/team/sample-app?"), typo.stderr)
    }
}
