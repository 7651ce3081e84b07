import XCTest
@testable import GitOps

/// The clone fetches only the branch it edits, no tags (#24.4): many refs on the server cost nothing locally.
final class SingleBranchCloneTests: ServerTestCase {
    func repoWithManyRefs() throws -> (bare: String, url: String) {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let head = try Fixtures.git("--git-dir", bare, "rev-parse", "main")
        let updates = (0..<300).map { "create refs/heads/feature/\($0) \(head)\ncreate refs/tags/v\($0) \(head)\n" }.joined()
        let input = dir + "/refs.txt"
        try updates.write(toFile: input, atomically: true, encoding: .utf8)
        try Fixtures.run(["sh", "-c", "git --git-dir '\(bare)' update-ref --stdin < '\(input)'"])
        let daemon = try Fixtures.startGitDaemon(root: dir, logDir: dir)
        servers.append(daemon)
        return (bare, "git://127.0.0.1:\(daemon.port)/config.git")
    }

    func refs(_ workdir: String) throws -> [String] {
        try Fixtures.git("-C", workdir, "for-each-ref", "--format=%(refname)").split(separator: "\n").map(String.init)
    }

    func testOnlyTheDefaultBranchIsFetchedAndNoTag() throws {
        let (bare, url) = try repoWithManyRefs()
        var seen: [String] = []
        try bump(url, credentials: GitCredentials(environment: env(token: nil)), tag: "one-branch",
                 workdirSeen: { seen = (try? self.refs($0)) ?? ["<unreadable>"] })
        XCTAssertEqual(seen, ["refs/heads/main", "refs/remotes/origin/main"])
        try assertLanded(bare, index: 0, tag: "one-branch")
    }

    func testANamedBranchIsTheOneFetchedAndAMissingOrGlobBranchIsRefused() throws {
        let (_, url) = try repoWithManyRefs()
        let creds = GitCredentials(environment: env(token: nil))
        let seen = try ConfigRepo.with(location: url, branch: "feature/7", credentials: creds) { repo in
            (repo.branch, try refs(repo.workdir), FileManager.default.fileExists(atPath: repo.workdir + "/" + Fixtures.valuesFile))
        }
        XCTAssertEqual(seen.0, "feature/7")
        XCTAssertEqual(seen.1, ["refs/heads/feature/7", "refs/remotes/origin/feature/7"])
        XCTAssertTrue(seen.2, "checked out")
        XCTAssertThrowsError(try ConfigRepo.with(location: url, branch: "nope", credentials: creds) { _ in }) { e in
            XCTAssertEqual("\(e)", "branch 'nope' not found in \(url)")
        }
        XCTAssertThrowsError(try ConfigRepo.with(location: url, branch: "feature/*", credentials: creds) { _ in }) { e in
            XCTAssertEqual("\(e)", "'feature/*' is not a valid branch name (\(url))")
        }
    }

    func testAnEmptyRepositoryIsNamedAsSuch() throws {
        try Fixtures.run(["git", "init", "-q", "--bare", "-b", "main", dir + "/empty.git"])
        let daemon = try Fixtures.startGitDaemon(root: dir, logDir: dir)
        servers.append(daemon)
        let url = "git://127.0.0.1:\(daemon.port)/empty.git"
        XCTAssertThrowsError(try ConfigRepo.with(location: url, credentials: GitCredentials(environment: env(token: nil))) { _ in }) { e in
            XCTAssertEqual("\(e)", "\(url) has no branches (empty repository?)")
        }
    }
}
