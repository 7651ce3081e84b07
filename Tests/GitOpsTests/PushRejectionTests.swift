import XCTest
@testable import GitOps

/// A rejected push says why: the server's `remote:` lines are in the error, redacted, one `remote:` line each,
/// quoted when they hold control characters (#16.16).
final class PushRejectionTests: ServerTestCase {
    func testTheServersReasonIsInTheErrorRedactedAndSafeForCILogs() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let hook = bare + "/hooks/pre-receive"
        try """
        #!/bin/sh
        echo "GitLab: You are not allowed to push code to protected branches on this project." >&2
        echo "::error::injected by the server"
        printf 'token \(canary) echoed back\\n' >&2
        printf '\\033[2Jscreen cleared\\n' >&2
        exit 1

        """.write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        let http = try Fixtures.startHTTP(root: dir, password: canary, logDir: dir)
        servers.append(http)
        let url = "http://127.0.0.1:\(http.port)/config.git"
        let before = try Fixtures.git("--git-dir", bare, "rev-parse", "main")
        XCTAssertThrowsError(try bump(url, credentials: GitCredentials(environment: env(token: canary)), tag: "refused")) { error in
            guard case let GitOpsError.pushRejected(remote, ref, status, said) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(remote, url)
            XCTAssertEqual(ref, "refs/heads/main")
            XCTAssertEqual(status, "pre-receive hook declined")
            XCTAssertEqual(said.first, "GitLab: You are not allowed to push code to protected branches on this project.")
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("push to \(url) rejected for refs/heads/main: pre-receive hook declined\n"
                                         + "remote: GitLab: You are not allowed to push code to protected branches on this project.\n"), text)
            XCTAssertTrue(text.contains("\nremote: ::error::injected by the server"), text)
            XCTAssertTrue(text.contains("\nremote: \"\\033[2Jscreen cleared\""), text)
            assertNoCanary(text)
            for line in text.split(separator: "\n") {
                XCTAssertFalse(line.hasPrefix("::") || line.hasPrefix("##["), "a server line starts a workflow command: \(line)")
                XCTAssertFalse(line.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" }, "control character: \(line)")
            }
        }
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "main"), before)
    }
}
