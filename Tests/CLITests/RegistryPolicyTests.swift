import Foundation
import TestSupport
import XCTest

/// imagebump.yaml's image policies through the real binary: production takes digest-pinned images of the test
/// registry only (requireDigest, allowedRegistries). A refusal names the environment, the file and line and the
/// image, before anything is written; --pin-digest resolves the tag at the real registry; promote carries the
/// digest the source environment holds.
final class RegistryPolicyTests: XCTestCase {
    func testRequireDigestAndAllowedRegistriesAreCheckedBeforeAnythingIsWritten() throws {
        let s = try RegistryFixture(test: self)
        let repo = try Fixtures.scratch("registry-policy")
        try Git.run(["init", "-q", repo.path])
        func kustomization(_ tag: String) -> String { "images:\n- name: \(s.api)\n  newTag: \(tag)\n" }
        try Fixtures.write("""
            environments:
              staging: {files: [staging]}
              production:
                files: [production]
                requireDigest: true
                allowedRegistries: [\(s.registry.hostPort)]
            promotion: [staging, production]

            """, to: repo.appendingPathComponent("imagebump.yaml"))
        try Fixtures.write(kustomization("1.0.0"), to: repo.appendingPathComponent("staging/kustomization.yaml"))
        try Fixtures.write(kustomization("0.9.0"), to: repo.appendingPathComponent("production/kustomization.yaml"))
        let production = repo.appendingPathComponent("production/kustomization.yaml")
        func held() throws -> String { try String(contentsOf: production, encoding: .utf8) }
        let before = try Fixtures.snapshot(repo)

        let tagOnly = try CLI.run(["set", "--env", "production", "\(s.api):1.2.0"], in: repo, env: s.env)
        XCTAssertEqual(tagOnly.status, 1, tagOnly.stderr)
        XCTAssertTrue(tagOnly.stderr.contains("production/kustomization.yaml:3: environment production takes digest-pinned images only (requireDigest: true in imagebump.yaml), and \(s.api):1.2.0 has no digest: give \(s.api):TAG@DIGEST, or --pin-digest to resolve the tag"), tagOnly.stderr)
        let elsewhere = "other.example/team/api:1.2.0@sha256:" + String(repeating: "a", count: 64)
        let moved = try CLI.run(["set", "--env", "production", "\(s.api)=\(elsewhere)"], in: repo, env: s.env)
        XCTAssertEqual(moved.status, 1, moved.stderr)
        XCTAssertTrue(moved.stderr.contains("production/kustomization.yaml:3: environment production takes images from \(s.registry.hostPort) only (allowedRegistries in imagebump.yaml), and \(elsewhere) is from other.example"), moved.stderr)
        XCTAssertEqual(try Fixtures.snapshot(repo), before, "nothing written")

        // promote: staging holds a tag only, which production does not take; --pin-digest resolves it
        XCTAssertEqual(try CLI.run(["set", "--env", "staging", "\(s.api):1.2.0"], in: repo, env: s.env).status, 0)
        let unpinned = try CLI.run(["promote", "staging", "production"], in: repo, env: s.env)
        XCTAssertEqual(unpinned.status, 1, unpinned.stderr)
        XCTAssertTrue(unpinned.stderr.contains("environment production takes digest-pinned images only"), unpinned.stderr)
        XCTAssertEqual(try held(), kustomization("0.9.0"))
        let pinned = try CLI.run(["promote", "staging", "production", "--pin-digest"] + s.auth, in: repo, env: s.env)
        XCTAssertEqual(pinned.status, 0, pinned.stderr)
        XCTAssertEqual(try held(), kustomization("1.2.0") + "  digest: \(s.apiDigest)\n")

        // a digest staging holds is carried to production, no registry asked
        try Fixtures.write(kustomization("0.9.0"), to: production)
        XCTAssertEqual(try CLI.run(["set", "--env", "staging", "--pin-digest"] + s.auth + ["\(s.api):1.2.0"], in: repo, env: s.env).status, 0)
        let carried = try CLI.run(["promote", "staging", "production"], in: repo, env: s.env)
        XCTAssertEqual(carried.status, 0, carried.stderr)
        XCTAssertEqual(try held(), kustomization("1.2.0") + "  digest: \(s.apiDigest)\n")
    }
}
