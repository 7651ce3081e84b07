import Foundation
import XCTest
import TestSupport

/// A proxy that wants credentials (407, Basic), as corporate runners have: the user and password of the proxy's
/// URL (percent-decoded) go to the proxy only, in Proxy-Authorization, for git (clone and push of an http://
/// remote, through a CONNECT tunnel) and for the forge API; the origin's token travels only inside the tunnel. A
/// wrong password ends the run with one clear error and nothing pushed. Neither password nor token shows in any
/// output or report. The real binaries, git http-backend, the fake forge and Fixtures/recording_proxy.py, all
/// on 127.0.0.1.
final class ProxyAuthTests: XCTestCase {
    let canary = "canary-token-proxy-6d2a"
    let app = "registry.example.com/team/sample-app"
    let proxyUser = "ci bot"
    let proxyPassword = "pr0xy-p@ss:w0rd/9"
    /// The password as a URL holds it.
    let encodedPassword = "pr0xy-p%40ss%3Aw0rd%2F9"

    func overlay(_ tag: String) -> String {
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: \(app)\n    newTag: \"\(tag)\"\n"
    }

    /// The config repo behind git http-backend (the token as its password), the proxy wanting `proxyUser` and
    /// `proxyPassword`, and the files the proxy records.
    final class Setup {
        let repo: GitDaemonRepo
        let origin: LoopbackScript
        let proxy: LoopbackScript
        let dir: URL
        var url: String { "http://127.0.0.1:\(origin.port)/team/config.git" }
        var log: URL { dir.appendingPathComponent("proxy.log") }
        var heads: URL { dir.appendingPathComponent("heads") }
        var tunnel: URL { dir.appendingPathComponent("tunnel") }

        init(files: [String: String], token: String, proxyAuth: String) throws {
            repo = try GitDaemonRepo(files: files, name: "team/config.git")
            dir = try Fixtures.scratch("proxy")
            origin = try LoopbackScript(LoopbackScript.gitFixture("git_http_server.py"), ["--root", repo.root.path, "--port", "0"],
                                        environment: ["FIXTURE_USER": "", "FIXTURE_PASSWORD": token])
            proxy = try LoopbackScript(LoopbackScript.gitFixture("recording_proxy.py"),
                                       ["--log", dir.appendingPathComponent("proxy.log").path, "--max-seconds", "120",
                                        "--record-heads", dir.appendingPathComponent("heads").path,
                                        "--record-tunnel", dir.appendingPathComponent("tunnel").path],
                                       environment: ["FIXTURE_PROXY_AUTH": proxyAuth])
        }

        func stop() { proxy.stop(); origin.stop(); repo.stop() }

        func read(_ file: URL) -> String { (try? String(contentsOf: file, encoding: .isoLatin1)) ?? "" }
        var seen: [String] { read(log).split(separator: "\n").map(String.init) }
    }

    func setUpProxy() throws -> Setup {
        try Setup(files: ["k/kustomization.yaml": overlay("1.0.0")], token: canary, proxyAuth: "\(proxyUser):\(proxyPassword)")
    }

    /// Runs the binary with only `http_proxy` of the proxy variables (none of the machine's).
    func run(_ args: [String], in cwd: URL, proxy: String, _ env: [String: String] = [:]) throws -> CLIResult {
        try CLI.runProgram(CLI.binary.path, args, in: cwd, env: ["IMAGEBUMP_TOKEN": canary, "http_proxy": proxy].merging(env) { $1 },
                           unset: ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY", "HTTP_PROXY"])
    }

    /// Neither the proxy's password (plain, percent-encoded or in Basic) nor the token is in `texts`.
    func assertNoSecret(_ texts: [String], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let basic = Data("\(proxyUser):\(proxyPassword)".utf8).base64EncodedString()
        for (i, text) in texts.enumerated() {
            for secret in [proxyPassword, encodedPassword, basic, canary] {
                XCTAssertFalse(text.contains(secret), "\(what) #\(i) shows \(secret): \(text)", file: file, line: line)
            }
        }
    }

    func testGitAndTheForgeGoThroughAProxyThatWantsCredentials() throws {
        let s = try setUpProxy()
        defer { s.stop() }
        let forge = try FakeForge(token: canary)
        defer { forge.stop() }
        try forge.reset(["gitlab_projects": ["team/config"]])
        let cwd = try Fixtures.scratch()
        let proxy = "http://ci%20bot:\(encodedPassword)@127.0.0.1:\(s.proxy.port)"

        let r = try run(["set", "--merge-request", "--repo", s.url, "--forge", "gitlab", "--api-url", forge.baseURL + "/api/v4",
                         "-f", "k", "--output", "json", "--dotenv", "out.env", "\(app):2.0.0"], in: cwd, proxy: proxy)
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = (try? String(contentsOf: cwd.appendingPathComponent("out.env"), encoding: .utf8)) ?? ""
        XCTAssertTrue(report.contains("IMAGEBUMP_STATUS=") || !report.isEmpty, "no dotenv report")
        assertNoSecret([r.stdout, r.stderr, report], "output")
        XCTAssertEqual(try forge.mergeRequests(gitlab: "team/config").count, 1, "the merge request was opened")
        let branch = try s.repo.git(["for-each-ref", "--format=%(refname:short)", "refs/heads/imagebump"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(branch.isEmpty, "the bot branch was pushed")
        XCTAssertEqual(try s.repo.file("k/kustomization.yaml", at: branch), overlay("2.0.0"))

        // the proxy was asked for tunnels to the two origins only, each time with the right credentials
        let git = "CONNECT 127.0.0.1:\(s.origin.port) HTTP/1.1 auth=no proxy-auth=ok"
        let api = "CONNECT 127.0.0.1:\(forge.port) HTTP/1.1 auth=no proxy-auth=ok"
        XCTAssertEqual(Set(s.seen), [git, api], "\(s.seen)")
        // what the proxy read itself: the percent-decoded credentials, never the token
        let heads = s.read(s.heads)
        let basic = Data("\(proxyUser):\(proxyPassword)".utf8).base64EncodedString()
        XCTAssertTrue(heads.contains("Proxy-Authorization: Basic \(basic)\r\n"), heads)
        XCTAssertFalse(heads.lowercased().contains("\r\nauthorization:"), "the origin's credentials reached the proxy: \(heads)")
        XCTAssertFalse(heads.lowercased().contains("private-token"), heads)
        XCTAssertFalse(heads.contains(canary), heads)
        // what went through the tunnels to the origins: their credentials, never the proxy's
        let tunnel = s.read(s.tunnel)
        XCTAssertTrue(tunnel.contains("\r\nAuthorization: Basic "), "git's credentials went through the tunnel")
        XCTAssertFalse(tunnel.lowercased().contains("proxy-authorization"), "the proxy's credentials reached an origin")
        for secret in [proxyPassword, encodedPassword, basic] { XCTAssertFalse(tunnel.contains(secret), "an origin got \(secret)") }
        XCTAssertEqual(try forge.requests().filter { $0.headers["proxy-authorization"] != nil }.count, 0)
    }

    func testAWrongProxyPasswordEndsTheRunClearlyWithNothingPushed() throws {
        let s = try setUpProxy()
        defer { s.stop() }
        let cwd = try Fixtures.scratch()
        let wrong = "wr0ng-pr0xy-secret"
        let proxy = "http://ci%20bot:\(wrong)@127.0.0.1:\(s.proxy.port)"
        let before = try s.repo.git(["for-each-ref", "--format=%(refname) %(objectname)"])

        let r = try run(["set", "--push", "--repo", s.url, "-f", "k", "--output", "json", "--dotenv", "out.env", "\(app):2.0.0"],
                        in: cwd, proxy: proxy)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("proxy authentication failed for http://127.0.0.1:\(s.proxy.port) (407)"), r.stderr)
        XCTAssertEqual(try s.repo.git(["for-each-ref", "--format=%(refname) %(objectname)"]), before, "something was pushed")
        let report = (try? String(contentsOf: cwd.appendingPathComponent("out.env"), encoding: .utf8)) ?? ""
        XCTAssertTrue(report.contains("failed"), "the report says the run failed: \(report)")
        XCTAssertTrue(r.stdout.contains("proxy authentication failed"), "the JSON report holds the error: \(r.stdout)")
        for text in [r.stdout, r.stderr, report] {
            XCTAssertFalse(text.contains(wrong), "the password is shown: \(text)")
            XCTAssertFalse(text.contains(Data("\(proxyUser):\(wrong)".utf8).base64EncodedString()), text)
            XCTAssertFalse(text.contains(canary), text)
        }
        // asked once: refused credentials are not sent again and again
        XCTAssertEqual(s.seen, ["CONNECT 127.0.0.1:\(s.origin.port) HTTP/1.1 auth=no proxy-auth=wrong"])
        XCTAssertEqual(s.read(s.tunnel), "", "nothing reached the origin")

        // no credentials at all: the same error, saying where they go
        let none = try run(["set", "--push", "--repo", s.url, "-f", "k", "\(app):2.0.0"], in: cwd, proxy: "http://127.0.0.1:\(s.proxy.port)")
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("proxy authentication failed for http://127.0.0.1:\(s.proxy.port) (407): the proxy asks for credentials"), none.stderr)
        XCTAssertEqual(try s.repo.git(["for-each-ref", "--format=%(refname) %(objectname)"]), before)
    }
}
