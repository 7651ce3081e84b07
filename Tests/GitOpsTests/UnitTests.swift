import XCTest
import ImageRules
@testable import GitOps

final class RedactionTests: XCTestCase {
    func testRedactURL() {
        XCTAssertEqual(redact(url: "https://oauth2:s3cr3t@gitlab.example.com/g/p.git"), "https://***@gitlab.example.com/g/p.git")
        XCTAssertEqual(redact(url: "https://tokenonly@github.com/o/r"), "https://***@github.com/o/r")
        XCTAssertEqual(redact(url: "https://github.com/o/r"), "https://github.com/o/r")
        XCTAssertEqual(redact(url: "ssh://git@host:2222/r.git"), "ssh://git@host:2222/r.git")
        XCTAssertEqual(redact(url: "ssh://git:pw@host/r.git"), "ssh://git:***@host/r.git")
        XCTAssertEqual(redact(url: "git@github.com:o/r.git"), "git@github.com:o/r.git")
        XCTAssertEqual(redact(url: "http://u:p@127.0.0.1:8080/x?y=@z"), "http://***@127.0.0.1:8080/x?y=@z")
    }

    func testRedactText() {
        let t = redact(text: "fatal: could not read from 'https://u:tok123@h/r.git' (tok123)", secrets: ["tok123"])
        XCTAssertFalse(t.contains("tok123"))
        XCTAssertTrue(t.contains("https://***@h/r.git"))
    }

    func testRemoteURLParsing() throws {
        let h = RemoteURL("https://bot:p%40ss@localhost:8443/config.git")
        XCTAssertEqual(h.kind, .https)
        XCTAssertEqual(h.withoutCredentials, "https://localhost:8443/config.git")
        XCTAssertEqual(h.user, "bot"); XCTAssertEqual(h.password, "p@ss"); XCTAssertEqual(h.port, 8443)
        XCTAssertEqual(h.origin, "https://localhost:8443"); XCTAssertEqual(h.projectPath, "config")
        let s = RemoteURL("git@github.com:org/repo.git")
        XCTAssertEqual(s.kind, .ssh); XCTAssertEqual(s.host, "github.com"); XCTAssertEqual(s.user, "git"); XCTAssertEqual(s.port, 22)
        XCTAssertEqual(s.projectPath, "org/repo"); XCTAssertEqual(s.withoutCredentials, "git@github.com:org/repo.git")
        let s2 = RemoteURL("ssh://root:pw@localhost:2222/srv/r.git")
        XCTAssertEqual(s2.port, 2222); XCTAssertEqual(s2.withoutCredentials, "ssh://root@localhost:2222/srv/r.git")
        XCTAssertEqual(RemoteURL("http://[::1]/g/p").host, "::1"); XCTAssertEqual(RemoteURL("http://[::1]/g/p").port, 80)
        XCTAssertEqual(RemoteURL("HTTPS://Host.Example/x?y#z").origin, "https://host.example:443")
        XCTAssertEqual(RemoteURL("HTTPS://Host.Example/g/p.git/?y#z").projectPath, "g/p")
        XCTAssertEqual(RemoteURL("git://127.0.0.1:9418/r.git").kind, .git)
        XCTAssertEqual(RemoteURL("file:///tmp/r.git").kind, .file)
        XCTAssertEqual(RemoteURL("ftp://x/y").kind, .other)
        XCTAssertFalse(RemoteURL.isURL("/tmp/config"))
        XCTAssertFalse(RemoteURL.isURL("./config"))
        XCTAssertFalse(RemoteURL.isURL("config"))
        XCTAssertFalse(RemoteURL.isURL("c:/config"))   // a drive letter, not a host
        XCTAssertTrue(RemoteURL.isURL("git@host:path"))
        XCTAssertTrue(RemoteURL.isURL("host:path"))
        XCTAssertThrowsError(try RemoteURL.gitRemote("ftp://x/y"))
    }

    func testRedactionUsesTheSameURLRules() {
        // userinfo ends at the last "@" of the authority (the part before the first "/", "?" or "#")
        XCTAssertEqual(redact(url: "https://u:p@ss@h/x"), "https://***@h/x")
        XCTAssertEqual(redact(url: "url=https://u:tok@h/x"), "url=https://***@h/x")
        XCTAssertEqual(redact(url: "git+ssh://git:pw@h/x"), "git+ssh://git:***@h/x")
        XCTAssertEqual(redact(url: "ftp://u:pw@h/x"), "ftp://u:***@h/x")
    }
}

final class CredentialTests: XCTestCase {
    /// The run's token is resolved once for the config repo's host and used from then on (git's authentication
    /// asks again per host); another host (an application repository) is resolved for itself.
    func testTheTokenResolvedForTheConfigRepoIsTheOneItsHostGets() {
        var c = GitCredentials(environment: ["GITLAB_TOKEN": "first"]).resolvingToken(forLocation: "https://gitlab.example.com/team/config.git")
        c.environment["GITLAB_TOKEN"] = "second"
        XCTAssertEqual(c.token?.secret, "first")
        XCTAssertEqual(c.resolveToken(host: "gitlab.example.com")?.secret, "first")
        XCTAssertEqual(c.resolveToken(host: "source.example.com")?.secret, "second")
        XCTAssertNil(GitCredentials(environment: ["GITLAB_TOKEN": "t"]).token, "resolved only when asked")
    }

    /// CI_JOB_TOKEN is valid on the job's own GitLab only: for another host the next token is used, or none; an
    /// unknown server (the variable set by hand, no CI_SERVER_HOST / CI_API_V4_URL) leaves it usable.
    func testTheJobTokenGoesOnlyToTheJobsGitLab() {
        let job = ["GITLAB_CI": "true", "CI_SERVER_HOST": "gitlab.corp.example", "CI_API_V4_URL": "https://gitlab.corp.example/api/v4",
                   "CI_JOB_TOKEN": "job"]
        XCTAssertEqual(GitCredentials(environment: job).resolveToken(forLocation: "https://GitLab.corp.example/team/config.git")?.variable, "CI_JOB_TOKEN")
        XCTAssertNil(GitCredentials(environment: job).resolveToken(forLocation: "https://github.com/octo/config.git"))
        XCTAssertNil(GitCredentials(tokenEnv: "CI_JOB_TOKEN", environment: job).resolveToken(host: "gitlab.com"))
        XCTAssertEqual(GitCredentials(tokenEnv: "CI_JOB_TOKEN", environment: job).tokenSearchDescription(host: "gitlab.com"),
                       "no token: CI_JOB_TOKEN is only sent to the job's own GitLab, not to gitlab.com")
        XCTAssertTrue(GitCredentials(environment: job).tokenSearchDescription(forLocation: "https://gitlab.com/t/c")
            .hasSuffix("is set (CI_JOB_TOKEN is only sent to the job's own GitLab, not to gitlab.com)"))
        var withGitHub = job
        withGitHub["GITHUB_TOKEN"] = "gh"
        XCTAssertEqual(GitCredentials(environment: withGitHub).resolveToken(host: "github.com")?.variable, "GITHUB_TOKEN")
        // the API host alone names the server; no server named: usable as before
        XCTAssertNil(GitCredentials(environment: ["CI_API_V4_URL": "https://gl.example/api/v4", "CI_JOB_TOKEN": "job"]).resolveToken(host: "other.example"))
        XCTAssertEqual(GitCredentials(environment: ["GITLAB_CI": "true", "CI_JOB_TOKEN": "job"]).resolveToken(host: "other.example")?.secret, "job")
        XCTAssertEqual(GitCredentials(environment: job).resolveToken(forLocation: "/srv/config")?.secret, "job", "no host: nothing is sent")
    }

    func testTokenResolutionOrder() {
        var env = ["GITHUB_TOKEN": "gh", "CI_JOB_TOKEN": "job", "GITLAB_TOKEN": "gl"]
        var c = GitCredentials(environment: env)
        XCTAssertEqual(c.resolveToken(host: "gitlab.com")?.user, "oauth2")
        XCTAssertEqual(c.resolveToken(host: "gitlab.com")?.source, "token from GITLAB_TOKEN")
        env["IMAGEBUMP_TOKEN"] = "ib"
        c = GitCredentials(environment: env)
        XCTAssertEqual(c.resolveToken(host: "github.com")?.secret, "ib")
        XCTAssertEqual(c.resolveToken(host: "github.com")?.user, "x-access-token")
        c = GitCredentials(environment: ["CI_JOB_TOKEN": "job"])
        XCTAssertEqual(c.resolveToken(host: "h")?.user, "gitlab-ci-token")
        c = GitCredentials(environment: ["GITHUB_TOKEN": "gh"])
        XCTAssertEqual(c.resolveToken(host: "h")?.user, "x-access-token")
        c = GitCredentials(tokenEnv: "MY_TOKEN", environment: ["MY_TOKEN": "m", "IMAGEBUMP_TOKEN": "ib"])
        XCTAssertEqual(c.resolveToken(host: "h")?.secret, "m")
        XCTAssertEqual(c.resolveToken(host: "h")?.source, "token from MY_TOKEN")
        c = GitCredentials(tokenEnv: "MISSING", environment: ["IMAGEBUMP_TOKEN": "ib"])
        XCTAssertNil(c.resolveToken(host: "h"))
        XCTAssertNil(GitCredentials(environment: [:]).resolveToken(host: "h"))
    }

    func testKnownHostsMatching() {
        XCTAssertTrue(KnownHosts.matches(patterns: "example.com,[localhost]:2222", host: "[localhost]:2222"))
        XCTAssertTrue(KnownHosts.matches(patterns: "*.example.com", host: "git.example.com"))
        XCTAssertFalse(KnownHosts.matches(patterns: "*.example.com,!bad.example.com", host: "bad.example.com"))
        // Hashed entry produced by `ssh-keygen -H` for "localhost": |1|salt|HMAC-SHA1(salt, host)
        let salt = [UInt8](repeating: 7, count: 20)
        let mac = hmacSHA1(key: salt, message: Array("localhost".utf8))
        let pattern = "|1|\(Data(salt).base64EncodedString())|\(Data(mac).base64EncodedString())"
        XCTAssertTrue(KnownHosts.matches(patterns: pattern, host: "localhost"))
        XCTAssertFalse(KnownHosts.matches(patterns: pattern, host: "otherhost"))
        // SHA-1 known answer
        XCTAssertEqual(sha1(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined(), "a9993e364706816aba3e25717850c26c9cd0d89d")
    }
}

final class CommitMessageTests: XCTestCase {
    func testTemplateExpansion() {
        let m = CommitMessage.expand("chore(deploy): bump {images}\n\n{changes}\nfiles: {files}",
                                     images: ["app:1.2.3", "web:2.0"], files: ["a.yaml", "b.yaml"],
                                     changes: [PlannedChange(file: "a.yaml", line: 3, kind: .kustomize, image: "app", old: "app:1.2.2", new: "app:1.2.3")])
        XCTAssertEqual(m, "chore(deploy): bump app:1.2.3, web:2.0\n\n- `a.yaml`: `app:1.2.2` → `app:1.2.3`\nfiles: `a.yaml`, `b.yaml`")
    }

    func testGitLabProvenanceAndAuthor() throws {
        let env = ["GITLAB_CI": "true", "CI_PROJECT_URL": "https://gitlab.example.com/g/app",
                   "CI_COMMIT_SHA": "abc123", "CI_PIPELINE_URL": "https://gitlab.example.com/g/app/-/pipelines/42",
                   "GITLAB_USER_NAME": "Jane Dev", "GITLAB_USER_EMAIL": "jane@example.com"]
        let msg = CommitMessage.build(images: ["app:1.2.3"], files: ["f"], changes: [], environment: env)
        XCTAssertEqual(msg, """
        chore(deploy): bump app:1.2.3

        Source-Repository: https://gitlab.example.com/g/app
        Source-Commit: abc123
        Source-Pipeline: https://gitlab.example.com/g/app/-/pipelines/42

        """)
        XCTAssertEqual(GitAuthor.fromEnvironment(env), GitAuthor(name: "Jane Dev", email: "jane@example.com"))
    }

    func testGitHubProvenanceExplicitOverrideAndAuthor() throws {
        let env = ["GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/app", "GITHUB_SHA": "def456",
                   "GITHUB_RUN_ID": "99", "GITHUB_ACTOR": "octo"]
        let p = CIEnvironment(env).provenance(overriddenBy: Provenance(commit: "explicit"))
        XCTAssertEqual(p, Provenance(repository: "https://github.com/o/app", commit: "explicit", commitURL: "https://github.com/o/app/commit/explicit",
                                     pipeline: "https://github.com/o/app/actions/runs/99", pipelineID: "99"))
        XCTAssertEqual(GitAuthor.fromEnvironment(env).description, "octo <octo@users.noreply.github.com>")
        XCTAssertEqual(GitAuthor.fromEnvironment([:]).description, "imagebump <imagebump@localhost>")
        XCTAssertEqual(try GitAuthor.resolve("Bot Name <bot@x.org>", environment: env), GitAuthor(name: "Bot Name", email: "bot@x.org"))
        XCTAssertThrowsError(try GitAuthor(parsing: "no email"))
        XCTAssertEqual(CommitMessage.withTrailers("msg", provenance: Provenance()), "msg\n")
        // Credentials in a provenance URL are redacted.
        XCTAssertEqual(Provenance(repository: "https://u:pw@h/r").trailers, ["Source-Repository: https://***@h/r"])
    }

    func testProgressPrinterPlainAndTTY() {
        final class Box: @unchecked Sendable { var text = "" }
        let plain = Box(), tty = Box()
        let p1 = ProgressPrinter(isTTY: false, write: { plain.text += $0 })
        let p2 = ProgressPrinter(isTTY: true, write: { tty.text += $0 })
        for p in [p1, p2] {
            p.handle(.step("cloning https://***@h/r.git"))
            for i in 0...1000 { p.handle(.transfer(receivedObjects: i, indexedObjects: i, totalObjects: 1000, receivedBytes: i * 100)) }
            p.handle(.done("cloned"))
        }
        // Plain: the step, the phase's completion line, the done line.
        XCTAssertEqual(plain.text.split(separator: "\n").count, 3, plain.text)
        XCTAssertTrue(plain.text.contains("receiving objects: 100% (1000/1000)"), plain.text)
        XCTAssertFalse(plain.text.contains("\r"))
        XCTAssertTrue(tty.text.contains("\r"))
        XCTAssertTrue(tty.text.contains("receiving objects: 100% (1000/1000)"))
    }

    func testBackoffIsBoundedAndGrows() {
        let b = RetryBackoff(base: 0.1, cycleMultiplier: 0, maximum: 1)
        for _ in 0..<50 {
            XCTAssertLessThan(b.delay(forRetry: 1), 0.2 + 1e-9)
            XCTAssertGreaterThanOrEqual(b.delay(forRetry: 3), 0.04 - 1e-9)
            XCTAssertLessThan(b.delay(forRetry: 10), 2 + 1e-9)
        }
        XCTAssertEqual(RetryBackoff.none.delay(forRetry: 3, cycle: 1), 0)
        // Scaled to the measured cycle: 4 × 0.5 s unit, retry 2 → 4 s · [0.1, 2).
        let c = RetryBackoff.default.delay(forRetry: 2, cycle: 0.5)
        XCTAssertGreaterThanOrEqual(c, 0.4 - 1e-9); XCTAssertLessThan(c, 8)
    }
}
