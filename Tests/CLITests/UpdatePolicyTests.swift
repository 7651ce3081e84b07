import Foundation
import TestSupport
import XCTest

/// `imagebump update`'s policies end to end, through the binary: the real registry (docker-registry on 127.0.0.1, TLS,
/// htpasswd) holds the tags skopeo pushed, the config repo is served by git daemon. Each policy lands the tag it
/// picks and a second run makes no commit.
final class UpdatePolicyTests: XCTestCase {
    func repo(_ files: [String: String]) throws -> GitDaemonRepo {
        let repo = try GitDaemonRepo(files: files)
        addTeardownBlock { repo.stop() }
        return repo
    }

    /// Runs `args` twice: the first lands a commit, the second none.
    func landsOnce(_ args: [String], repo: GitDaemonRepo, s: RegistryFixture, work: URL,
                   file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        let before = try repo.git(["rev-parse", "main"])
        let first = try CLI.run(args, in: work, env: s.env)
        XCTAssertEqual(first.status, 0, first.stderr, file: file, line: line)
        let head = try repo.git(["rev-parse", "main"])
        XCTAssertNotEqual(head, before, "the first run commits: \(first.stdout)\(first.stderr)", file: file, line: line)
        let second = try CLI.run(args, in: work, env: s.env)
        XCTAssertEqual(second.status, 0, second.stderr, file: file, line: line)
        XCTAssertEqual(try repo.git(["rev-parse", "main"]), head, "a second run makes no commit: \(second.stdout)", file: file, line: line)
        return first
    }

    /// `--numerical asc` over the tags a Flux-style filter extracts a timestamp from, for the files of `-f` (no
    /// imagebump.yaml): the newest build of main lands, not the dev build with a larger number, nor the plain number.
    func testNumericalWithAnExtractedTimestampThroughFileOptions() throws {
        let s = try RegistryFixture(test: self)
        for tag in ["main-aaa111-100", "main-bbb222-300", "main-ccc333-200", "dev-ddd444-900", "950"] { try s.registry.push("team/api", tag: tag) }
        let repo = try repo(["app/kustomization.yaml": "images:\n- name: \(s.api)\n  newTag: main-aaa111-100\n"])
        let work = try Fixtures.scratch("update-numerical")
        let args = ["update", "-f", "app", "--numerical", "asc", "--tag-regex", "^main-[a-f0-9]+-(?P<ts>[0-9]+)", "--tag-extract", "$ts",
                    "--repo", repo.url, "--push"] + s.auth
        let first = try landsOnce(args, repo: repo, s: s, work: work)
        XCTAssertEqual(try repo.file("app/kustomization.yaml"), "images:\n- name: \(s.api)\n  newTag: main-bbb222-300\n", first.stderr)
    }

    /// imagebump.yaml's `update:`: an environment's policy (semver ^ and ~ ranges), and one image's own (alphabetical
    /// over a filter). Each environment gets its own tag in one run; --dry-run lists the changes and writes nothing.
    func testPoliciesFromImagebumpYAMLPerEnvironmentAndPerImage() throws {
        let s = try RegistryFixture(test: self) // team/api 1.2.0, team/web 2.0.0
        for tag in ["1.2.7", "1.9.0", "2.0.0"] { try s.registry.push("team/api", tag: tag) }
        for tag in ["release-a", "release-c", "release-b", "zzz"] { try s.registry.push("team/web", tag: tag) }
        let config = """
        environments:
          dev:
            files: [dev]
            update:
              semver: "^1.2"
              images:
                \(s.web): {alphabetical: asc, filterTags: {pattern: '^release-'}}
          prod:
            files: [prod]
            update: {semver: {range: "~1.2"}}

        """
        let kustomization = { (api: String, web: String) in "images:\n- name: \(s.api)\n  newTag: \(api)\n- name: \(s.web)\n  newTag: \(web)\n" }
        let repo = try repo(["imagebump.yaml": config, "dev/kustomization.yaml": kustomization("1.2.0", "release-a"),
                             "prod/kustomization.yaml": kustomization("1.2.0", "2.0.0")])
        let work = try Fixtures.scratch("update-yaml")
        let args = ["update", "--env", "dev,prod", "--repo", repo.url] + s.auth

        let head = try repo.git(["rev-parse", "main"])
        let dry = try CLI.run(args + ["--dry-run"], in: work, env: s.env)
        XCTAssertEqual(dry.status, 0, dry.stderr)
        for change in ["+  newTag: 1.9.0", "+  newTag: release-c", "+  newTag: 1.2.7"] { XCTAssertTrue(dry.stdout.contains(change), dry.stdout) }
        XCTAssertEqual(try repo.git(["rev-parse", "main"]), head, "--dry-run pushes nothing")

        _ = try landsOnce(args + ["--push"], repo: repo, s: s, work: work)
        XCTAssertEqual(try repo.file("dev/kustomization.yaml"), kustomization("1.9.0", "release-c"))
        XCTAssertEqual(try repo.file("prod/kustomization.yaml"), kustomization("1.2.7", "2.0.0"), "web 2.0.0 is not in ~1.2: left as it is")
    }

    /// `--digest` follows the tag the files hold: pinned to its digest on the first run, moved when the tag is pushed
    /// again with other content, untouched when it has not moved.
    func testDigestFollowsAMutableTag() throws {
        let s = try RegistryFixture(test: self)
        let first = try s.registry.push("team/api", tag: "main")
        let repo = try repo(["app/kustomization.yaml": "images:\n- name: \(s.api)\n  newTag: main\n"])
        let work = try Fixtures.scratch("update-digest")
        let args = ["update", "-f", "app", "--digest", "--repo", repo.url, "--push"] + s.auth
        _ = try landsOnce(args, repo: repo, s: s, work: work)
        XCTAssertEqual(try repo.file("app/kustomization.yaml"), "images:\n- name: \(s.api)\n  newTag: main\n  digest: \(first.digest)\n")

        let moved = try s.registry.push("team/api", tag: "main", index: true)
        XCTAssertNotEqual(moved.digest, first.digest)
        _ = try landsOnce(args, repo: repo, s: s, work: work)
        XCTAssertEqual(try repo.file("app/kustomization.yaml"), "images:\n- name: \(s.api)\n  newTag: main\n  digest: \(moved.digest)\n")

        // a name the files do not hold is said so, and nothing is asked or written
        let head = try repo.git(["rev-parse", "main"])
        let none = try CLI.run(args + ["\(s.registry.hostPort)/team/none"], in: work, env: s.env)
        XCTAssertEqual(none.status, 0, none.stderr)
        XCTAssertTrue(none.stderr.contains("\(s.registry.hostPort)/team/none is in none of the files: nothing to update"), none.stderr)
        XCTAssertEqual(try repo.git(["rev-parse", "main"]), head)
    }

    /// A registry that refuses the tag list (no credentials for it): exit 1 naming the image and the registry's answer,
    /// and nothing pushed, also for the image whose registry answered.
    func testARegistryThatRefusesTheTagListFailsTheRunWithNothingWritten() throws {
        let s = try RegistryFixture(test: self)
        let open = try FakeRegistry(tags: ["1.0.0", "1.1.0"])
        addTeardownBlock { open.stop() }
        let other = "\(open.hostPort)/team/other"
        let text = "images:\n- name: \(other)\n  newTag: 1.0.0\n- name: \(s.api)\n  newTag: 1.0.0\n"
        let repo = try repo(["app/kustomization.yaml": text])
        let head = try repo.git(["rev-parse", "main"])
        let work = try Fixtures.scratch("update-refused")
        // a wrong password: the htpasswd registry answers 401 to the tag list
        let r = try CLI.run(["update", "-f", "app", "--semver", ">=1", "--repo", repo.url, "--push", "--ca-file", s.caFile, "--output", "json",
                             "--registry-auth-env", "\(s.registry.hostPort)=BAD_AUTH"],
                            in: work, env: s.env.merging(["BAD_AUTH": "alice:wrong-pw-1234"]) { $1 })
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stderr.contains("cannot ask the registry of \(s.api) for its tags:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("401"), r.stderr)
        XCTAssertTrue(r.stderr.hasSuffix("nothing was written\n"), r.stderr)
        XCTAssertFalse(r.stderr.contains("\(other)"), "the registry that answered is not blamed: \(r.stderr)")
        XCTAssertFalse((r.stdout + r.stderr).contains("wrong-pw-1234"), "the password is never shown")
        XCTAssertTrue(r.stdout.contains("\"status\":\"failed\"") || r.stdout.contains("\"status\" : \"failed\""), r.stdout)
        XCTAssertEqual(try repo.git(["rev-parse", "main"]), head)
        XCTAssertEqual(try repo.file("app/kustomization.yaml"), text)
    }

    /// No policy anywhere (no option, no update: for the environment): a clear error before any registry is asked,
    /// nothing written. No registry runs: the run never gets that far.
    func testARunWithNoPolicyAnywhereIsRefusedBeforeAnyRegistryIsAsked() throws {
        let dir = try Fixtures.scratch("update-no-policy")
        let text = "images:\n- name: 127.0.0.1:9/team/api\n  newTag: 1.0.0\n"
        try Fixtures.write("environments:\n  dev: {files: [app]}\n", to: dir.appendingPathComponent("imagebump.yaml"))
        try Fixtures.write(text, to: dir.appendingPathComponent("app/kustomization.yaml"))
        for (args, why) in [(["-f", "app"], ""), (["--env", "dev"], ", or update: in imagebump.yaml for dev")] {
            let r = try CLI.run(["update"] + args, in: dir)
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("update needs a tag policy: --semver, --numerical, --alphabetical or --digest\(why)\n"), r.stderr)
            XCTAssertFalse(r.stderr.contains("127.0.0.1:9"), "no registry asked: \(r.stderr)")
            XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("app/kustomization.yaml"), encoding: .utf8), text)
        }
    }

    /// `update --verify --pin-digest` asks each registry through one client: the token service is asked for one token
    /// for the repository (listing its tags and checking the chosen one share it), for both environments.
    func testVerifyAsksTheTokenServiceOncePerRepository() throws {
        let tokens = try TokenServer(users: ["alice": "alice-pw"])
        addTeardownBlock { tokens.stop() }
        let registry = try LocalRegistry(auth: .token(realm: tokens.realm), pushCredentials: "alice:alice-pw")
        addTeardownBlock { registry.stop() }
        for tag in ["1.2.0", "1.3.0"] { try registry.push("team/api", tag: tag) }
        let pushed = try registry.push("team/api", tag: "1.4.0")
        let api = "\(registry.hostPort)/team/api"
        let repo = try repo(["imagebump.yaml": "environments:\n  dev: {files: [dev]}\n  prod: {files: [prod]}\n",
                             "dev/kustomization.yaml": "images:\n- name: \(api)\n  newTag: 1.2.0\n",
                             "prod/kustomization.yaml": "images:\n- name: \(api)\n  newTag: 1.3.0\n"])
        let before = tokens.authorizations.count
        let env = ["REGISTRY_AUTH": "alice:alice-pw", "DOCKER_CONFIG": try Fixtures.scratch("docker-config").path]
        let r = try CLI.run(["update", "--env", "dev,prod", "--semver", "^1", "--verify", "--pin-digest", "--repo", repo.url, "--push",
                             "--ca-file", try RegistryTLS.shared.get().caFile, "--registry-auth-env", "\(registry.hostPort)=REGISTRY_AUTH"],
                            in: try Fixtures.scratch("update-verify"), env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        for dir in ["dev", "prod"] {
            XCTAssertEqual(try repo.file("\(dir)/kustomization.yaml"), "images:\n- name: \(api)\n  newTag: 1.4.0\n  digest: \(pushed.digest)\n")
        }
        XCTAssertEqual(tokens.authorizations.count - before, 1, "one token for team/api: \(tokens.authorizations.dropFirst(before))")
    }
}
