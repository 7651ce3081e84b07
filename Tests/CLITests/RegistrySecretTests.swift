import Foundation
import TestSupport
import XCTest

/// What the registries' secrets never reach, through the real binary on GitHub Actions.
final class RegistrySecretTests: XCTestCase {
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
