import XCTest
@testable import GitOps
import TestSupport

/// Shallow by default (issue 19.1): a clone fetches the tip alone over git daemon, smart HTTP and sshd, pushes from
/// it, and after a rejected push fetches the new tip alone and re-applies; a file:// clone copies no objects.
final class ShallowCloneTests: ServerTestCase {
    /// A bare repo whose main has `commits` commits (the seed and README edits), and main's head.
    func deepRepo(commits: Int = 6) throws -> (bare: String, head: String) {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let work = dir + "/deepen"
        try Fixtures.run(["git", "clone", "-q", bare, work])
        for i in 1..<commits {
            try "# config repo, revision \(i)\n".write(toFile: work + "/README.md", atomically: true, encoding: .utf8)
            try Fixtures.run(["git", "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qam", "readme \(i)"], cwd: work)
        }
        try Fixtures.run(["git", "push", "-q", "origin", "main"], cwd: work)
        try? FileManager.default.removeItem(atPath: work)
        return (bare, try Fixtures.git("--git-dir", bare, "rev-parse", "main"))
    }

    func requireShallowFetch() throws {
        guard ConfigRepo.canFetchShallow else {
            throw unavailable("libgit2 is older than 1.7 (no shallow fetch): scripts/install-deps.sh installs bookworm-backports' libgit2 1.8")
        }
    }

    /// The clone holds its tip alone: .git/shallow names it, and git sees one commit.
    func assertShallowTip(_ repo: ConfigRepo, head: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertTrue(repo.isShallow, file: file, line: line)
        let shallow = try String(contentsOfFile: repo.workdir + "/.git/shallow", encoding: .utf8)
        XCTAssertEqual(shallow, head + "\n", file: file, line: line)
        XCTAssertEqual(try Fixtures.git("rev-list", "--count", "HEAD", cwd: repo.workdir), "1", file: file, line: line)
    }

    /// Clone shallow, land another change meanwhile, publish: the rejected push is re-applied on the new tip, fetched
    /// one commit deep, and both changes land on a server whose repository stays whole (fsck).
    func shallowCloneRetriesAndLands(_ url: String, bare: String, head: String, credentials: GitCredentials) throws {
        let repo = try ConfigRepo.prepare(location: url, credentials: credentials, checkoutPaths: [Fixtures.valuesFile])
        defer { repo.close() }
        try assertShallowTip(repo, head: head)
        try bump(url, credentials: credentials, index: 1, tag: "other-1")
        var edits = 0
        let r = try repo.publish(backoff: .none, message: "shallow bump") { wd in
            edits += 1
            return try Fixtures.setTag(index: 2, tag: "shallow-2")(wd)
        }
        XCTAssertTrue(r.pushed); XCTAssertEqual(r.attempts, 2); XCTAssertEqual(edits, 2)
        try assertLanded(bare, index: 1, tag: "other-1")
        try assertLanded(bare, index: 2, tag: "shallow-2")
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "log", "--format=%s", "-2", "main"), "shallow bump\nchore(deploy): bump svc1:other-1")
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-list", "--count", "main"), "8")
        _ = try Fixtures.run(["git", "--git-dir", bare, "fsck", "--no-progress"])
        // the re-applied edit's clone is still shallow: the new tip came alone, not the history below it
        XCTAssertTrue(repo.isShallow)
        XCTAssertEqual(try Fixtures.git("rev-list", "--count", "HEAD", cwd: repo.workdir), "2")
    }

    func testGitDaemonCloneIsShallowAndARejectedPushIsReapplied() throws {
        try requireShallowFetch()
        let (bare, head) = try deepRepo()
        let daemon = try Fixtures.startGitDaemon(root: dir, logDir: dir)
        servers.append(daemon)
        try shallowCloneRetriesAndLands("git://127.0.0.1:\(daemon.port)/config.git", bare: bare, head: head,
                                        credentials: GitCredentials(environment: env(token: nil)))
    }

    func testHTTPCloneIsShallowAndARejectedPushIsReapplied() throws {
        try requireShallowFetch()
        let (bare, head) = try deepRepo()
        let http = try Fixtures.startHTTP(root: dir, password: canary, logDir: dir)
        servers.append(http)
        try shallowCloneRetriesAndLands("http://127.0.0.1:\(http.port)/config.git", bare: bare, head: head,
                                        credentials: GitCredentials(environment: env(token: canary)))
    }

    func testSSHCloneIsShallowAndARejectedPushIsReapplied() throws {
        try requireShallowFetch()
        let (bare, head) = try deepRepo()
        let ssh = try Fixtures.startSSHD(dir: dir)
        servers.append(ssh.server)
        try shallowCloneRetriesAndLands("ssh://root@localhost:\(ssh.port)\(bare)", bare: bare, head: head,
                                        credentials: GitCredentials(sshKeyPath: ssh.clientKey, knownHostsPath: ssh.knownHosts,
                                                                    environment: env(token: nil)))
    }

    /// A bot branch (force push with a lease) from a shallow clone, read and replaced over git daemon.
    func testBotBranchFromAShallowClone() throws {
        try requireShallowFetch()
        let (bare, _) = try deepRepo()
        let daemon = try Fixtures.startGitDaemon(root: dir, logDir: dir)
        servers.append(daemon)
        let url = "git://127.0.0.1:\(daemon.port)/config.git"
        let creds = GitCredentials(environment: env(token: nil))
        try bump(url, credentials: creds, index: 3, tag: "bot-1", pushBranch: "imagebump/bot")
        let r = try bump(url, credentials: creds, index: 3, tag: "bot-2", pushBranch: "imagebump/bot")
        XCTAssertTrue(r.pushed)
        try assertLanded(bare, index: 3, tag: "bot-2", branch: "imagebump/bot")
        XCTAssertEqual(try Fixtures.git("--git-dir", bare, "rev-parse", "imagebump/bot~1"), try Fixtures.git("--git-dir", bare, "rev-parse", "main"))
    }

    /// unshallow() fetches the rest of the history: what `history --repo` reads.
    func testUnshallowFetchesTheWholeHistory() throws {
        try requireShallowFetch()
        let (_, head) = try deepRepo()
        let daemon = try Fixtures.startGitDaemon(root: dir, logDir: dir)
        servers.append(daemon)
        try ConfigRepo.with(location: "git://127.0.0.1:\(daemon.port)/config.git", credentials: GitCredentials(environment: env(token: nil))) { repo in
            try assertShallowTip(repo, head: head)
            try repo.unshallow()
            XCTAssertFalse(repo.isShallow)
            XCTAssertFalse(FileManager.default.fileExists(atPath: repo.workdir + "/.git/shallow"))
            XCTAssertEqual(try Fixtures.git("rev-list", "--count", "HEAD", cwd: repo.workdir), "6")
            try repo.unshallow() // a whole clone: nothing to do
        }
    }

    /// depth: .full clones everything (the application repository's ancestry questions need it).
    func testAFullDepthCloneIsWhole() throws {
        _ = try deepRepo()
        let daemon = try Fixtures.startGitDaemon(root: dir, logDir: dir)
        servers.append(daemon)
        try ConfigRepo.with(location: "git://127.0.0.1:\(daemon.port)/config.git", credentials: GitCredentials(environment: env(token: nil)),
                            depth: .full) { repo in
            XCTAssertFalse(repo.isShallow)
            XCTAssertEqual(try Fixtures.git("rev-list", "--count", "HEAD", cwd: repo.workdir), "6")
        }
    }

    /// file://: the clone borrows the source's objects (objects/info/alternates) and copies none, yet reads the
    /// whole history, pushes, and re-applies after a rejected push.
    func testFileURLCloneCopiesNoObjects() throws {
        let (bare, _) = try deepRepo()
        let url = "file://\(bare)"
        let creds = GitCredentials(environment: env(token: nil))
        let repo = try ConfigRepo.prepare(location: url, credentials: creds)
        defer { repo.close() }
        let objects = repo.workdir + "/.git/objects"
        XCTAssertEqual(try String(contentsOfFile: objects + "/info/alternates", encoding: .utf8), bare + "/objects\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: objects + "/pack"), [], "no pack copied")
        XCTAssertEqual(try Fixtures.git("count-objects", cwd: repo.workdir), "0 objects, 0 kilobytes", "no object copied")
        XCTAssertFalse(repo.isShallow)
        XCTAssertEqual(try Fixtures.git("rev-list", "--count", "HEAD", cwd: repo.workdir), "6")
        try bump(url, credentials: creds, index: 1, tag: "other-1")
        let r = try repo.publish(backoff: .none, message: "file bump", edit: Fixtures.setTag(index: 2, tag: "file-2"))
        XCTAssertTrue(r.pushed); XCTAssertEqual(r.attempts, 2)
        try assertLanded(bare, index: 1, tag: "other-1")
        try assertLanded(bare, index: 2, tag: "file-2")
        _ = try Fixtures.run(["git", "--git-dir", bare, "fsck", "--no-progress"])
    }
}
