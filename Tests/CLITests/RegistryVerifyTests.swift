import Foundation
import TestSupport
import XCTest

/// `set --verify` and `--pin-digest` through the real binary against Debian's docker-registry on 127.0.0.1 (TLS with
/// the tests' CA, htpasswd): a tag pinned to its digest in each file's form (a multi-arch image to its index's own
/// digest), a missing tag refused with nothing written or pushed, credentials only for the registry named.
final class RegistryVerifyTests: XCTestCase {
    var cleanups: [() -> Void] = []
    override func tearDown() { cleanups.reversed().forEach { $0() }; cleanups = [] }

    func read(_ dir: URL, _ path: String) throws -> String { try String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8) }

    func testPinDigestWritesEachFilesFormAndTheIndexDigestOfAMultiArchImage() throws {
        let s = try RegistryFixture(test: self)
        let dir = try s.checkout()
        let r = try CLI.run(["set", "--pin-digest"] + s.auth + ["\(s.api):1.2.0", "\(s.web):2.0.0"], in: dir, env: s.env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try read(dir, "app/kustomization.yaml"),
                       "resources:\n- deployment.yaml\nimages:\n- name: \(s.api)\n  newTag: 1.2.0\n  digest: \(s.apiDigest)\n")
        XCTAssertTrue(try read(dir, "app/deployment.yaml").hasSuffix("        image: \(s.web):2.0.0@\(s.webIndex)\n"))
        XCTAssertFalse(s.webChildren.contains(s.webIndex))
        XCTAssertEqual(try read(dir, "chart/values.yaml"), "image:\n  repository: \(s.api)\n  tag: 1.2.0\n  digest: \(s.apiDigest)\n")
    }

    func testVerifyWritesTheTagAsGivenWhenItExists() throws {
        let s = try RegistryFixture(test: self)
        let dir = try s.checkout()
        let r = try CLI.run(["set", "--verify"] + s.auth + ["-f", "app", "\(s.web):2.0.0"], in: dir, env: s.env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try read(dir, "app/deployment.yaml").hasSuffix("        image: \(s.web):2.0.0\n"))
    }

    /// A tag that was never pushed: exit 1 naming the reference and the registry's answer, every file as it was.
    func testAMissingTagIsRefusedAndNothingIsWritten() throws {
        let s = try RegistryFixture(test: self)
        let dir = try s.checkout()
        let before = try Fixtures.snapshot(dir)
        for flag in ["--verify", "--pin-digest"] {
            let r = try CLI.run(["set", flag] + s.auth + ["\(s.api):1.2.0", "\(s.web):9.9.9"], in: dir, env: s.env)
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("\(flag): \(s.web):9.9.9 does not exist in its registry: registry \(s.registry.hostPort) answered 404 Not Found for team/web:9.9.9: MANIFEST_UNKNOWN: manifest unknown; nothing was written"), r.stderr)
            XCTAssertFalse(r.stderr.contains("team/api:1.2.0"), "the image that exists is not named: \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("alice-registry-pw"), "a run that prints: \(r.stderr)") // (RegistrySecretTests: a registry that quotes it)
            XCTAssertEqual(try Fixtures.snapshot(dir), before, flag)
        }
    }

    /// Through a cloned config repo (--repo URL --push, the git daemon): nothing is pushed when an image is missing;
    /// pinned when it exists.
    func testARepoRunPushesNothingForAMissingTagAndPinsAnExistingOne() throws {
        let s = try RegistryFixture(test: self)
        let repo = try GitDaemonRepo(files: s.files)
        cleanups.append { repo.stop() }
        let head = try repo.git(["rev-parse", "main"])
        let work = try Fixtures.scratch("registry-work")
        let missing = try CLI.run(["set", "--repo", repo.url, "--push", "--pin-digest"] + s.auth + ["-f", "app", "\(s.api):7.7.7"], in: work, env: s.env)
        XCTAssertEqual(missing.status, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("--pin-digest: \(s.api):7.7.7 does not exist in its registry"), missing.stderr)
        XCTAssertEqual(try repo.git(["rev-parse", "main"]), head, "nothing pushed")
        let pinned = try CLI.run(["set", "--repo", repo.url, "--push", "--pin-digest"] + s.auth + ["-f", "app", "\(s.api):1.2.0"], in: work, env: s.env)
        XCTAssertEqual(pinned.status, 0, pinned.stderr)
        XCTAssertTrue(try repo.file("app/kustomization.yaml").hasSuffix("  newTag: 1.2.0\n  digest: \(s.apiDigest)\n"))
    }

    /// A credential named for another registry is not sent to this one: the run says none was found for it.
    func testACredentialForAnotherRegistryIsNotSent() throws {
        let s = try RegistryFixture(test: self)
        let dir = try s.checkout()
        let r = try CLI.run(["set", "--verify", "--ca-file", s.caFile, "--registry-auth-env", "127.0.0.2:\(s.registry.port)=TEST_REGISTRY_AUTH",
                             "-f", "app", "\(s.web):2.0.0"], in: dir, env: s.env)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("--verify: cannot check \(s.web):2.0.0 in its registry: registry \(s.registry.hostPort) needs a user name and password"), r.stderr)
        XCTAssertTrue(try read(dir, "app/deployment.yaml").hasSuffix("        image: \(s.web):1.0.0\n"))
    }

    /// `--registry-auth-env` is checked before anything is asked (the one parser the registry client uses too): a
    /// value that is not REGISTRY=NAME, or two variables for one registry, is a usage error.
    func testRegistryAuthEnvValuesAreCheckedFirst() throws {
        let dir = try Fixtures.scratch("registry-auth-env")
        for (values, message) in [(["127.0.0.1:9=BAD-NAME"], "expected REGISTRY=NAME"),
                                  (["127.0.0.1:9=A", "127.0.0.1:9=B"], "names two variables for 127.0.0.1:9, A and B")] {
            let r = try CLI.run(["set", "--verify"] + values.flatMap { ["--registry-auth-env", $0] } + ["-f", "app", "127.0.0.1:9/team/web:2.0.0"], in: dir)
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
        }
    }
}
