import XCTest
@testable import GitOps

/// Collects progress output (rendered through ProgressPrinter, plain mode) for canary checks.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var _text = ""
    var text: String { lock.lock(); defer { lock.unlock() }; return _text }
    lazy var printer = ProgressPrinter(isTTY: false, write: { [weak self] s in self?.append(s) })
    private var events: [String] = []
    func append(_ s: String) { lock.lock(); _text += s; lock.unlock() }
    var sink: GitProgressSink {
        let p = printer
        return { [weak self] e in
            self?.append("\(e)\n")  // raw events too
            p.handle(e)
        }
    }
}

/// Base for tests against real servers: a temp dir holding the bare repo(s), servers stopped in tearDown.
class ServerTestCase: XCTestCase {
    var dir = ""
    var servers: [ServerProcess] = []
    /// Appears in every authenticated test; asserted absent from errors, progress and commit messages.
    let canary = "CANARY-\(UUID().uuidString.prefix(8))-tok"

    override func setUpWithError() throws {
        _ = try Fixtures.require("git")
        dir = Fixtures.makeTempDir()
    }

    override func tearDown() {
        servers.forEach { $0.stop() }
        servers = []
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Environment with the canary as IMAGEBUMP_TOKEN and nothing else token-like.
    func env(token: String?) -> [String: String] {
        var e = ProcessInfo.processInfo.environment
        for k in ["IMAGEBUMP_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN", "GITHUB_TOKEN", "IMAGEBUMP_SSH_KEY",
                  "CI_PROJECT_URL", "CI_PIPELINE_URL", "GITLAB_CI", "GITHUB_REPOSITORY"] { e.removeValue(forKey: k) }
        if let token { e["IMAGEBUMP_TOKEN"] = token }
        return e
    }

    /// Clone `url`, set service `index` to `tag`, push. Returns the result and the temp workdir used.
    @discardableResult
    func bump(_ url: String, credentials: GitCredentials, index: Int = 0, tag: String, progress: ProgressLog? = nil,
              pushBranch: String? = nil, retries: Int = 5, backoff: RetryBackoff = .default,
              timeouts: NetworkTimeouts = .default, workdirSeen: ((String) -> Void)? = nil) throws -> PublishResult {
        try Self.bump(url, credentials: credentials, index: index, tag: tag, progress: progress, pushBranch: pushBranch,
                      retries: retries, backoff: backoff, timeouts: timeouts, workdirSeen: workdirSeen)
    }

    static func bump(_ url: String, credentials: GitCredentials, index: Int = 0, tag: String, progress: ProgressLog? = nil,
                     pushBranch: String? = nil, retries: Int = 5, backoff: RetryBackoff = .default,
                     timeouts: NetworkTimeouts = .default, workdirSeen: ((String) -> Void)? = nil) throws -> PublishResult {
        let edit = Fixtures.setTag(index: index, tag: tag)
        return try ConfigRepo.with(location: url, credentials: credentials, progress: progress?.sink, timeouts: timeouts) { repo in
            workdirSeen?(repo.workdir)
            let msg = CommitMessage.build(images: ["svc\(index):\(tag)"], files: [Fixtures.valuesFile], changes: [],
                                          environment: credentials.environment)
            return try repo.publish(pushBranch: pushBranch, author: GitAuthor(name: "Test Bot", email: "bot@localhost"),
                                    retries: retries, backoff: backoff, message: msg, edit: edit)
        }
    }

    /// A bare repo behind an HTTP server that hangs once it has received a push (it creates `marker` then), and
    /// the repo's `main` before the test.
    func hangingHTTPRepo() throws -> (bare: String, marker: String, http: ServerProcess, before: String) {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let marker = dir + "/hung"
        let http = try Fixtures.startHTTP(root: dir, password: canary, hangMarker: marker, logDir: dir)
        servers.append(http)
        return (bare, marker, http, try Fixtures.git("--git-dir", bare, "rev-parse", "main"))
    }

    func assertNoCanary(_ texts: String..., file: StaticString = #filePath, line: UInt = #line) {
        for t in texts { XCTAssertFalse(t.contains(canary), "canary token leaked: \(t)", file: file, line: line) }
    }

    func assertLanded(_ bare: String, index: Int, tag: String, branch: String = "main", file: StaticString = #filePath, line: UInt = #line) throws {
        let content = try Fixtures.show(bare, "\(branch):\(Fixtures.valuesFile)")
        XCTAssertTrue(content.contains("svc\(String(format: "%02d", index)): \(tag)\n"), content, file: file, line: line)
        let log = try Fixtures.show(bare, "\(branch)")
        assertNoCanary(log, file: file, line: line)
    }
}

final class TransportTests: ServerTestCase {
    func testFileURLHappyPathAndNoChangeRun() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let creds = GitCredentials(environment: env(token: nil))
        let r = try bump("file://\(bare)", credentials: creds, index: 3, tag: "v3.1.4")
        XCTAssertTrue(r.pushed); XCTAssertEqual(r.attempts, 1); XCTAssertEqual(r.branch, "main")
        XCTAssertEqual(r.commit, try Fixtures.git("--git-dir", bare, "rev-parse", "main"))
        try assertLanded(bare, index: 3, tag: "v3.1.4")
        let author = try Fixtures.git("--git-dir", bare, "log", "-1", "--format=%an <%ae>|%s", "main")
        XCTAssertEqual(author, "Test Bot <bot@localhost>|chore(deploy): bump svc3:v3.1.4")

        // Values already in place: no commit, no push.
        let before = try Fixtures.git("--git-dir", bare, "rev-parse", "main")
        let again = try bump("file://\(bare)", credentials: creds, index: 3, tag: "v3.1.4")
        XCTAssertNil(again.commit); XCTAssertFalse(again.pushed); XCTAssertEqual(again.attempts, 1)
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "main"), before)

        // Branch selection: an existing non-default branch, and a missing one.
        try Fixtures.run(["git", "--git-dir", bare, "branch", "staging", "main"])
        let st = try ConfigRepo.with(location: "file://\(bare)", branch: "staging", credentials: creds) { repo in
            try repo.publish(message: "staging", edit: Fixtures.setTag(index: 4, tag: "stg"))
        }
        XCTAssertEqual(st.branch, "staging")
        try assertLanded(bare, index: 4, tag: "stg", branch: "staging")
        XCTAssertThrowsError(try ConfigRepo.prepare(location: "file://\(bare)", branch: "nope", credentials: creds)) { e in
            XCTAssertEqual("\(e)", "branch 'nope' not found in file://\(bare)")
        }
        // Paths outside the repository are refused.
        XCTAssertThrowsError(try ConfigRepo.with(location: "file://\(bare)", credentials: creds) { repo in
            try repo.publish(message: "x", edit: { _ in ["../escape.yaml"] })
        })
    }

    func testLocalPathInPlaceRequiresCleanTreeAndCommits() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let wt = dir + "/wt"
        try Fixtures.run(["git", "clone", "-q", bare, wt])
        // Dirty tree is refused.
        try "junk\n".write(toFile: wt + "/README.md", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConfigRepo.prepare(location: wt, credentials: GitCredentials(environment: env(token: nil)))) { e in
            XCTAssertTrue("\(e)".contains("not clean"), "\(e)")
        }
        try Fixtures.run(["git", "checkout", "-q", "--", "README.md"], cwd: wt)
        // Commit only, then commit and push.
        let repo = try ConfigRepo.prepare(location: wt, credentials: GitCredentials(environment: env(token: nil)))
        XCTAssertFalse(repo.isTemporaryClone)
        XCTAssertEqual(repo.branch, "main")
        let r1 = try repo.publish(push: false, message: "local", edit: Fixtures.setTag(index: 1, tag: "local1"))
        XCTAssertNotNil(r1.commit); XCTAssertFalse(r1.pushed)
        let r2 = try repo.publish(message: "pushed", edit: Fixtures.setTag(index: 2, tag: "local2"))
        XCTAssertTrue(r2.pushed)
        repo.close()
        XCTAssertTrue(FileManager.default.fileExists(atPath: wt + "/.git"), "in-place repo must not be removed")
        try assertLanded(bare, index: 1, tag: "local1")
        try assertLanded(bare, index: 2, tag: "local2")

        // An unpushed local commit is never discarded by the re-apply loop.
        try "local note\n".write(toFile: wt + "/NOTE.md", atomically: true, encoding: .utf8)
        try Fixtures.run(["git", "add", "NOTE.md"], cwd: wt)
        try Fixtures.run(["git", "commit", "-qm", "local unpushed"], cwd: wt)
        let localHead = try Fixtures.git("rev-parse", "HEAD", cwd: wt)
        try bump("file://\(bare)", credentials: GitCredentials(environment: env(token: nil)), index: 3, tag: "remote3")
        let repo2 = try ConfigRepo.prepare(location: wt, credentials: GitCredentials(environment: env(token: nil)))
        XCTAssertThrowsError(try repo2.publish(backoff: .none, message: "x", edit: Fixtures.setTag(index: 4, tag: "l4"))) { e in
            XCTAssertTrue("\(e)".contains("has commits that are not on the remote"), "\(e)")
        }
        repo2.close()
        XCTAssertEqual(try Fixtures.git("rev-parse", "HEAD", cwd: wt), localHead)
        XCTAssertEqual(try Fixtures.git("status", "--porcelain", cwd: wt), "")
    }

    func testGitDaemonHappyPath() throws {
        _ = try Fixtures.makeBareRepo(root: dir)
        let daemon = try Fixtures.startGitDaemon(root: dir, logDir: dir)
        servers.append(daemon)
        let log = ProgressLog()
        let r = try bump("git://127.0.0.1:\(daemon.port)/config.git", credentials: GitCredentials(environment: env(token: nil)),
                         index: 5, tag: "daemon-1", progress: log)
        XCTAssertTrue(r.pushed)
        try assertLanded(dir + "/config.git", index: 5, tag: "daemon-1")
        XCTAssertTrue(log.text.contains("pushed"), log.text)
    }

    func testHTTPHappyPathTokenFromEnvAndPushBranch() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let http = try Fixtures.startHTTP(root: dir, password: canary, logDir: dir)
        servers.append(http)
        let log = ProgressLog()
        let creds = GitCredentials(tokenUser: "bot", environment: env(token: canary))
        let url = "http://127.0.0.1:\(http.port)/config.git"
        let r = try bump(url, credentials: creds, index: 7, tag: "http-1", progress: log)
        XCTAssertTrue(r.pushed)
        try assertLanded(bare, index: 7, tag: "http-1")
        assertNoCanary(log.text)
        XCTAssertTrue(log.text.contains("cloning \(url)"), log.text)

        // Push branch: built from main's head, force-updated on re-runs.
        let p1 = try bump(url, credentials: creds, index: 8, tag: "bot-1", pushBranch: "imagebump/bot")
        XCTAssertEqual(p1.branch, "imagebump/bot")
        try assertLanded(bare, index: 8, tag: "bot-1", branch: "imagebump/bot")
        let p2 = try bump(url, credentials: creds, index: 8, tag: "bot-2", pushBranch: "imagebump/bot")
        XCTAssertTrue(p2.pushed)
        try assertLanded(bare, index: 8, tag: "bot-2", branch: "imagebump/bot")
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "imagebump/bot~1"),
                       try Fixtures.git("--git-dir", bare, "rev-parse", "main"))
        // main untouched by push-branch runs
        XCTAssertTrue(try Fixtures.show(bare, "main:\(Fixtures.valuesFile)").contains("svc08: v0\n"))
    }

    func testHTTPCredentialsEmbeddedInURLAreNeverPrinted() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let http = try Fixtures.startHTTP(root: dir, password: canary, logDir: dir)
        servers.append(http)
        let log = ProgressLog()
        let url = "http://bot:\(canary)@127.0.0.1:\(http.port)/config.git"
        var seen = ""
        let r = try bump(url, credentials: GitCredentials(environment: env(token: nil)), index: 9, tag: "url-1",
                         progress: log, workdirSeen: { seen = $0 })
        XCTAssertTrue(r.pushed)
        try assertLanded(bare, index: 9, tag: "url-1")
        assertNoCanary(log.text)
        // The temp clone's config never stored the credentials (and the clone is gone).
        XCTAssertFalse(FileManager.default.fileExists(atPath: seen))
        XCTAssertEqual(redact(url: url), "http://***@127.0.0.1:\(http.port)/config.git")
    }

    func testHTTPWrongTokenFailsOnceWithClearError() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let record = dir + "/requests"
        let http = try Fixtures.startHTTP(root: dir, password: "the-right-one", recordAuth: record, logDir: dir)
        servers.append(http)
        let log = ProgressLog()
        let url = "http://127.0.0.1:\(http.port)/config.git"
        XCTAssertThrowsError(try bump(url, credentials: GitCredentials(environment: env(token: canary)), tag: "x", progress: log)) { e in
            XCTAssertEqual("\(e)", "authentication failed for \(url) (token from IMAGEBUMP_TOKEN)")
            guard case .authenticationFailed? = e as? GitOpsError else { return XCTFail("not an authentication failure: \(e)") }
            assertNoCanary("\(e)", e.localizedDescription, log.text)
        }
        // No retry storm: the server saw the ref advertisement asked for without and then once with the token,
        // and nothing more (no second try of the same token, no push).
        let requests = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(requests.map { $0.split(separator: " ").first == "AUTH" ? "AUTH" : "NOAUTH" }, ["NOAUTH", "AUTH"], "\(requests)")
        XCTAssertTrue(requests.allSatisfy { $0.hasSuffix("GET /config.git/info/refs?service=git-upload-pack") }, "\(requests)")
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-list", "--count", "main"), "1")
    }

    func testHTTPNoTokenFailsWithClearError() throws {
        _ = try Fixtures.makeBareRepo(root: dir)
        let http = try Fixtures.startHTTP(root: dir, password: canary, logDir: dir)
        servers.append(http)
        let url = "http://127.0.0.1:\(http.port)/config.git"
        XCTAssertThrowsError(try bump(url, credentials: GitCredentials(environment: env(token: nil)), tag: "x")) { e in
            print("no token → \(e)")
            XCTAssertTrue("\(e)".hasPrefix("authentication failed for \(url) (no token"), "\(e)")
            XCTAssertTrue("\(e)".contains("IMAGEBUMP_TOKEN"), "\(e)")
            assertNoCanary("\(e)")
        }
        XCTAssertThrowsError(try bump(url, credentials: GitCredentials(tokenEnv: "DEPLOY_TOKEN", environment: env(token: canary)), tag: "x")) { e in
            XCTAssertEqual("\(e)", "authentication failed for \(url) (no token: DEPLOY_TOKEN is not set)")
        }
    }

    func testHTTPSWithTestCA() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let tls = try Fixtures.makeTLS(dir: dir)
        let https = try Fixtures.startHTTP(root: dir, password: canary, cert: tls.cert, key: tls.key, logDir: dir)
        servers.append(https)
        let url = "https://localhost:\(https.port)/config.git"
        var e = env(token: canary)
        e["SSL_CERT_FILE"] = tls.ca
        e["GIT_SSL_CAINFO"] = tls.ca
        let log = ProgressLog()
        let r = try bump(url, credentials: GitCredentials(caFile: tls.ca, environment: e), index: 11, tag: "tls-1", progress: log)
        XCTAssertTrue(r.pushed)
        try assertLanded(bare, index: 11, tag: "tls-1")
        assertNoCanary(log.text)
        // SSL_CERT_FILE alone is honoured too.
        let r2 = try bump(url, credentials: GitCredentials(environment: e), index: 11, tag: "tls-2")
        XCTAssertTrue(r2.pushed)

        // TLS is always verified: with a CA that did not sign the server cert, the clone fails.
        let other = dir + "/other"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        let otherTLS = try Fixtures.makeTLS(dir: other)
        e["SSL_CERT_FILE"] = otherTLS.ca
        e["GIT_SSL_CAINFO"] = otherTLS.ca
        XCTAssertThrowsError(try bump(url, credentials: GitCredentials(caFile: otherTLS.ca, environment: e), index: 11, tag: "tls-3")) { err in
            print("untrusted TLS certificate → \(err)")
            XCTAssertTrue("\(err)".lowercased().contains("certificate"), "\(err)")
            assertNoCanary("\(err)")
        }
        try assertLanded(bare, index: 11, tag: "tls-2")
    }

    func testSSHDeployKeyFromPathAndFromEnv() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let ssh = try Fixtures.startSSHD(dir: dir)
        servers.append(ssh.server)
        let url = "ssh://root@localhost:\(ssh.port)\(bare)"
        let r = try bump(url, credentials: GitCredentials(sshKeyPath: ssh.clientKey, knownHostsPath: ssh.knownHosts,
                                                          environment: env(token: nil)), index: 12, tag: "ssh-1")
        XCTAssertTrue(r.pushed)
        try assertLanded(bare, index: 12, tag: "ssh-1")

        // Key content in IMAGEBUMP_SSH_KEY: handed to libssh2 from memory, no key file is written.
        var e = env(token: nil)
        e["IMAGEBUMP_SSH_KEY"] = ssh.clientKeyContent
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? [])
        let r2 = try bump(url, credentials: GitCredentials(knownHostsPath: ssh.knownHosts, environment: e), index: 12, tag: "ssh-2")
        XCTAssertTrue(r2.pushed)
        try assertLanded(bare, index: 12, tag: "ssh-2")
        let after = Set((try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? [])
        // (Only the key's old name: other test processes share this TMPDIR and make imagebump-clone-* there.)
        XCTAssertTrue(after.subtracting(before).filter { $0.hasPrefix("imagebump-key-") }.isEmpty, "key written: \(after.subtracting(before))")

    }

    func testSSHUnknownHostKeyRefusedUnlessOptedOut() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let ssh = try Fixtures.startSSHD(dir: dir)
        servers.append(ssh.server)
        let url = "ssh://root@localhost:\(ssh.port)\(bare)"
        let empty = dir + "/empty_known_hosts"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        var seen = ""
        XCTAssertThrowsError(try bump(url, credentials: GitCredentials(sshKeyPath: ssh.clientKey, knownHostsPath: empty,
                                                                       environment: env(token: nil)), tag: "x",
                                      workdirSeen: { seen = $0 })) { e in
            print("unknown host key → \(e)")
            XCTAssertTrue("\(e)".contains("SSH host key for [localhost]:\(ssh.port) refused: host not found in \(empty)"), "\(e)")
        }
        XCTAssertEqual(seen, "", "clone must not have happened")
        // A different key for the host: refused as a mismatch.
        XCTAssertThrowsError(try bump(url, credentials: GitCredentials(sshKeyPath: ssh.clientKey, knownHostsPath: ssh.otherKnownHosts,
                                                                       environment: env(token: nil)), tag: "x")) { e in
            XCTAssertTrue("\(e)".contains("does not match"), "\(e)")
        }
        // Wrong deploy key: authentication failure, not retried.
        let wrongKey = dir + "/host_ed25519"  // the host key is not authorized for login
        XCTAssertThrowsError(try bump(url, credentials: GitCredentials(sshKeyPath: wrongKey, knownHostsPath: ssh.knownHosts,
                                                                       environment: env(token: nil)), tag: "x")) { e in
            XCTAssertEqual("\(e)", "authentication failed for \(url) (SSH key \(wrongKey))")
        }
        // Explicit opt-out.
        let r = try bump(url, credentials: GitCredentials(sshKeyPath: ssh.clientKey, knownHostsPath: empty,
                                                          insecureAcceptUnknownHostKeys: true, environment: env(token: nil)),
                         index: 13, tag: "insecure-ok")
        XCTAssertTrue(r.pushed)
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-list", "--count", "main"), "2")
    }

    func testServerKilledMidPush() throws {
        let (bare, marker, http, before) = try hangingHTTPRepo()
        // Kill the server as soon as it has received the push (the bounded wait is only a safety net: the test
        // checks below that the marker, not the deadline, ended it).
        let killedOnMarker = Flag()
        let killer = Thread {
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if FileManager.default.fileExists(atPath: marker) { killedOnMarker.set() }
            http.kill9()
        }
        killer.start()
        let log = ProgressLog()
        var seen = ""
        XCTAssertThrowsError(try bump("http://127.0.0.1:\(http.port)/config.git",
                                      credentials: GitCredentials(environment: env(token: canary)), tag: "never",
                                      progress: log, workdirSeen: { seen = $0 })) { e in
            print("server killed mid-push → \(e)")
            XCTAssertTrue("\(e)".hasPrefix("push to http://127.0.0.1:\(http.port)/config.git failed:"), "\(e)")
            assertNoCanary("\(e)", log.text)
        }
        // the push failed because the server went away once it had the push, not because a wait ran out
        XCTAssertTrue(killedOnMarker.isSet, "the server was killed on receiving the push, not at the safety deadline")
        XCTAssertFalse(http.isRunning)
        XCTAssertFalse(seen.isEmpty)
        XCTAssertFalse(FileManager.default.fileExists(atPath: seen), "temp clone must be removed")
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "main"), before, "nothing half-pushed")
        try Fixtures.run(["git", "--git-dir", bare, "fsck", "--no-progress"])
    }
}

/// A one-way flag set by one thread and read by another.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
