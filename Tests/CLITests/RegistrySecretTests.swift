import Foundation
import TestSupport
import XCTest

/// What the registries' secrets never reach, through the real binary on GitHub Actions: a registry (on 127.0.0.1)
/// that quotes the Authorization it was sent in its errors, behind a token service (127.0.0.2) that takes the
/// password from Docker's config.json. The password and the token are `::add-mask::`ed (before they are used: the
/// client's own tests check the order), and appear in no other line of the log, the debug log (IMAGEBUMP_DEBUG),
/// the JSON report, $GITHUB_OUTPUT or the dotenv.
final class RegistrySecretTests: XCTestCase {
    let password = "alice-quoted-registry-pw"

    struct Setup { let fake: FakeRegistry; let env: [String: String]; let dir: URL; let caFile: String }

    func setup(refuseTags: Bool = false) throws -> Setup {
        let tokens = try TokenServer(users: ["alice": password])
        addTeardownBlock { tokens.stop() }
        let fake = try FakeRegistry(tags: ["1.0.0"], challenge: #"Bearer realm="\#(tokens.realm)",service="svc",scope="repository:team/api:pull""#,
                                    echoAuth: true, refuseTags: refuseTags)
        addTeardownBlock { fake.stop() }
        let docker = try Fixtures.scratch("docker-config")
        try JSONSerialization.data(withJSONObject: ["auths": [fake.hostPort: ["auth": Data("alice:\(password)".utf8).base64EncodedString()]]])
            .write(to: docker.appendingPathComponent("config.json"))
        let dir = try Fixtures.scratch("registry-secret")
        try Fixtures.write("environments:\n  dev: {files: [app]}\n", to: dir.appendingPathComponent("imagebump.yaml"))
        try Fixtures.write("images:\n- name: \(fake.hostPort)/team/api\n  newTag: 0.9.0\n", to: dir.appendingPathComponent("app/kustomization.yaml"))
        let env = ["DOCKER_CONFIG": docker.path, "GITHUB_ACTIONS": "true", "IMAGEBUMP_DEBUG": "1",
                   "GITHUB_OUTPUT": dir.appendingPathComponent("github-output").path]
        FileManager.default.createFile(atPath: env["GITHUB_OUTPUT"]!, contents: nil)
        return Setup(fake: fake, env: env, dir: dir, caFile: try RegistryTLS.shared.get().caFile)
    }

    /// Runs the binary as a runner step: stdout into `report`, stderr through a pipe (the runner reads workflow
    /// commands there). The log's lines and the exit status.
    func step(_ args: [String], _ s: Setup, report: URL) throws -> (log: [String], status: Int32) {
        let piped = try CLI.runProgram("/bin/sh", ["-c", "\"$0\" \"$@\" 2>&1 >\"$REPORT\"; echo \"exit $?\"", CLI.binary.path] + args,
                                       in: s.dir, env: s.env.merging(["REPORT": report.path]) { a, _ in a })
        let lines = GitHubRunner.logLines(piped.stdout)
        return (Array(lines.dropLast()), Int32(lines.last?.dropFirst(5) ?? "") ?? -1)
    }

    /// The secrets masked (the password, the token and the Basic header's base64), which no other line holds.
    func masked(_ log: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let masks = log.filter { $0.hasPrefix("::add-mask::") }.map { String($0.dropFirst("::add-mask::".count)) }
        XCTAssertTrue(masks.contains(password), "the password is masked: \(log)", file: file, line: line)
        let token = try XCTUnwrap(masks.first { $0.hasPrefix("eyJ") }, "the token is masked: \(log)", file: file, line: line)
        let secrets = [password, token, Data("alice:\(password)".utf8).base64EncodedString()]
        for l in log where !l.hasPrefix("::add-mask::") {
            XCTAssertFalse(secrets.contains { l.contains($0) }, "a secret in \(l)", file: file, line: line)
        }
        return secrets
    }

    func testAFailedVerifyPrintsReportsAndOutputsNoSecret() throws {
        let s = try setup()
        let report = s.dir.appendingPathComponent("report.json"), dotenv = s.dir.appendingPathComponent("report.env")
        let before = try String(contentsOf: s.dir.appendingPathComponent("app/kustomization.yaml"), encoding: .utf8)
        let (log, status) = try step(["set", "--verify", "--ca-file", s.caFile, "-f", "app", "--output", "json", "--dotenv", dotenv.path,
                                      "\(s.fake.hostPort)/team/api:9.9.9"], s, report: report)
        XCTAssertEqual(status, 1, "\(log)")
        let secrets = try masked(log)
        XCTAssertTrue(log.contains { $0.contains("does not exist in its registry") && $0.contains("(Authorization: Bearer ***") }, "\(log)")
        XCTAssertTrue(log.contains { $0.hasPrefix("imagebump debug: registry \(s.fake.hostPort): HEAD ") }, "the debug log ran: \(log)")
        XCTAssertEqual(log.filter { $0.hasPrefix("imagebump: registry \(s.fake.hostPort) names a token service on another host, 127.0.0.2: it is sent the credential from ") }.count,
                       1, "the realm's host is named once: \(log)")
        for file in [report, dotenv, URL(fileURLWithPath: s.env["GITHUB_OUTPUT"]!)] {
            let text = try String(contentsOf: file, encoding: .utf8)
            XCTAssertTrue(text.contains("9.9.9"), "\(file.lastPathComponent) reports the failure: \(text)")
            XCTAssertFalse(secrets.contains { text.contains($0) }, "\(file.lastPathComponent): \(text)")
        }
        XCTAssertEqual(try String(contentsOf: s.dir.appendingPathComponent("app/kustomization.yaml"), encoding: .utf8), before)
    }

    /// `update` against a registry that refuses the tag list: exit 1 naming the registry's answer, nothing written,
    /// no secret printed.
    func testARegistryThatRefusesTheTagListFailsUpdateAndPrintsNoSecret() throws {
        let s = try setup(refuseTags: true)
        let before = try Fixtures.snapshot(s.dir)
        let (log, status) = try step(["update", "--env", "dev", "--semver", ">=1", "--ca-file", s.caFile], s,
                                     report: try Fixtures.scratch("update-report").appendingPathComponent("out"))
        XCTAssertEqual(status, 1, "\(log)")
        _ = try masked(log)
        XCTAssertTrue(log.contains { $0.contains("registry \(s.fake.hostPort) answered 403 Forbidden for team/api: DENIED: requested access to the resource is denied (Authorization: Bearer ***") }, "\(log)")
        XCTAssertEqual(try Fixtures.snapshot(s.dir).filter { !$0.key.hasSuffix("github-output") }, before.filter { !$0.key.hasSuffix("github-output") })
    }

    /// A password from Docker's config.json (not --registry-auth-env) is `::add-mask::`ed on stderr, where the
    /// runner reads it (a pipe), and no other line holds it.
    func testAPasswordFromDockerConfigIsMasked() throws {
        let s = try RegistryFixture(test: self)
        let dir = try s.checkout()
        let docker = try Fixtures.scratch("docker-config")
        try JSONSerialization.data(withJSONObject: ["auths": [s.registry.hostPort: ["auth": Data("alice:alice-registry-pw".utf8).base64EncodedString()]]])
            .write(to: docker.appendingPathComponent("config.json"))
        let env = ["DOCKER_CONFIG": docker.path, "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": dir.appendingPathComponent("o").path]
        let args = ["set", "--verify", "--ca-file", s.caFile, "-f", "app", "\(s.web):2.0.0"]
        let piped = try CLI.runProgram("/bin/sh", ["-c", "\"$0\" \"$@\" 2>&1 | cat", CLI.binary.path] + args, in: dir, env: env)
        let lines = GitHubRunner.logLines(piped.stdout)
        XCTAssertEqual(lines.filter { $0.contains("alice-registry-pw") }, ["::add-mask::alice-registry-pw"], piped.stdout)
        XCTAssertTrue(try String(contentsOf: dir.appendingPathComponent("app/deployment.yaml"), encoding: .utf8).hasSuffix("image: \(s.web):2.0.0\n"))
    }
}
