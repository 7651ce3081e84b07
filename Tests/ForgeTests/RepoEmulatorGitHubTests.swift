import Foundation
import XCTest
import TestSupport

/// The fake forge's GitHub repository endpoints and GraphQL commit over a real bare repo.
final class RepoEmulatorGitHubTests: XCTestCase {
    let repoName = "octo/config"
    var repo: BareRepo!
    var forge: FakeForge!
    var gh: EmulatorClient!

    static let commitMutation = """
        mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }
        """
    static let headQuery = """
        query($owner: String!, $name: String!, $qualifiedName: String!) {
          repository(owner: $owner, name: $name) { defaultBranchRef { name } ref(qualifiedName: $qualifiedName) { target { oid } } }
        }
        """

    override func setUpWithError() throws {
        var files = ["apps/web/values.yaml": "image: web:1.0\n", "apps/api/values.yaml": "image: api:1.0\n"]
        for i in 0..<20 { files["many/f\(String(format: "%02d", i)).yaml"] = "n: \(i)\n" }
        repo = try BareRepo(files: files, executables: ["bin/run.sh": "#!/bin/sh\n"],
                            symlinks: ["link.yaml": "apps/web/values.yaml", "dangling.yaml": "../outside.yaml"],
                            submodules: ["vendor/lib": "https://example.invalid/lib.git"])
        forge = try FakeForge(token: "emu-token", repos: [repoName: repo.path])
        gh = EmulatorClient(base: forge.baseURL, token: "emu-token", github: true)
    }

    override func tearDown() { forge?.stop() }

    func commit(_ files: [String: String], expected: String, deletions: [String] = [], extra: [String: Any] = [:]) throws -> [String: Any] {
        try GitHubOps(gh: gh, name: repoName).commit(files, expected: expected, deletions: deletions, extra: extra)
    }

    func headByGraphQL(_ branch: String = "main") throws -> String? { try GitHubOps(gh: gh, name: repoName).head(branch) }

    func testContentsAnswerFilesDirectoriesLinksAndSubmodulesAsGitHubDoes() throws {
        let f = try gh.call("GET", "/repos/octo/config/contents/apps/web/values.yaml?ref=main").object
        XCTAssertEqual(f["type"] as? String, "file")
        XCTAssertEqual(decode64(f["content"]), "image: web:1.0\n")
        let link = try gh.call("GET", "/repos/octo/config/contents/link.yaml").object
        XCTAssertEqual(link["path"] as? String, "apps/web/values.yaml", "a link to a file is answered with the file")
        let dangling = try gh.call("GET", "/repos/octo/config/contents/dangling.yaml").object
        XCTAssertEqual(dangling["type"] as? String, "symlink")
        XCTAssertEqual(dangling["target"] as? String, "../outside.yaml")
        let sub = try gh.call("GET", "/repos/octo/config/contents/vendor/lib").object
        XCTAssertEqual(sub["type"] as? String, "submodule")
        XCTAssertEqual(sub["submodule_git_url"] as? String, "https://example.invalid/lib.git")
        let dir = try gh.call("GET", "/repos/octo/config/contents/vendor").list
        XCTAssertEqual(dir.first?["type"] as? String, "file", "a listing calls a submodule a file (API v3 compatibility)")
        XCTAssertEqual(try gh.call("GET", "/repos/octo/config/contents/nope").status, 404)
        try forge.repoSettings(contentLimit: 4)
        let big = try gh.call("GET", "/repos/octo/config/contents/apps/web/values.yaml").object
        XCTAssertEqual(big["encoding"] as? String, "none")
        XCTAssertEqual(big["content"] as? String, "")
    }

    func testTreesRecurseOnAnyValueAndSayTruncatedPastTheCap() throws {
        let head = try XCTUnwrap(repo.head())
        let flat = try gh.call("GET", "/repos/octo/config/git/trees/\(head)").object
        XCTAssertEqual((flat["tree"] as? [[String: Any]])?.count, 7, "apps bin dangling.yaml .gitmodules link.yaml many vendor")
        let all = try gh.call("GET", "/repos/octo/config/git/trees/main?recursive=0").object
        let entries = try XCTUnwrap(all["tree"] as? [[String: Any]])
        let kinds = Dictionary(uniqueKeysWithValues: entries.map { ($0["path"] as? String ?? "", "\($0["type"] ?? "") \($0["mode"] ?? "")") })
        XCTAssertEqual(kinds["vendor/lib"], "commit 160000")
        XCTAssertEqual(kinds["link.yaml"], "blob 120000")
        XCTAssertEqual(kinds["bin/run.sh"], "blob 100755")
        XCTAssertEqual(all["truncated"] as? Bool, false)
        try forge.repoSettings(treeLimit: 10)
        let capped = try gh.call("GET", "/repos/octo/config/git/trees/main?recursive=1").object
        XCTAssertEqual(capped["truncated"] as? Bool, true)
        XCTAssertEqual((capped["tree"] as? [[String: Any]])?.count, 10)
        XCTAssertEqual(try gh.call("GET", "/repos/octo/config/git/trees/nope").status, 404)
        XCTAssertTrue(try forge.requests().flatMap(\.servedBlobs).isEmpty)
    }

    func testBlobsAndRefs() throws {
        let blob = try XCTUnwrap(try repo.blobs()["apps/api/values.yaml"])
        XCTAssertEqual(decode64(try gh.call("GET", "/repos/octo/config/git/blobs/\(blob)").object["content"]), "image: api:1.0\n")
        XCTAssertEqual(try forge.requests().flatMap(\.servedBlobs), [blob])
        let main = try XCTUnwrap(repo.head())
        XCTAssertEqual(try gh.call("POST", "/repos/octo/config/git/refs", ["ref": "refs/heads/bot", "sha": main]).status, 201)
        let dup = try gh.call("POST", "/repos/octo/config/git/refs", ["ref": "refs/heads/bot", "sha": main])
        XCTAssertEqual(dup.status, 422)
        XCTAssertEqual(dup.object["message"] as? String, "Reference already exists")
        let newer = try forge.pushAsOther(repoName, files: ["x.yaml": "x\n"])
        XCTAssertEqual(try gh.call("PATCH", "/repos/octo/config/git/refs/heads/bot", ["sha": newer]).status, 200)
        let back = try gh.call("PATCH", "/repos/octo/config/git/refs/heads/bot", ["sha": main])
        XCTAssertEqual(back.object["message"] as? String, "Update is not a fast forward")
        XCTAssertEqual(try gh.call("PATCH", "/repos/octo/config/git/refs/heads/bot", ["sha": main, "force": true]).status, 200)
        XCTAssertEqual(try repo.head("bot"), main)
        XCTAssertEqual((try gh.call("GET", "/repos/octo/config/git/ref/heads/bot").object["object"] as? [String: Any])?["sha"] as? String, main)
        XCTAssertEqual(try gh.call("DELETE", "/repos/octo/config/git/refs/heads/bot").status, 204)
        XCTAssertEqual(try gh.call("GET", "/repos/octo/config/git/ref/heads/bot").status, 404)
    }

    func testCreateCommitOnBranchCommitsAsTheTokenUserWithGitHubAsCommitter() throws {
        let head = try XCTUnwrap(repo.head())
        let r = try commit(["apps/web/values.yaml": "image: web:2.0\n", "bin/run.sh": "#!/bin/sh\necho\n"],
                           expected: head, deletions: ["apps/api/values.yaml"])
        let oid = try XCTUnwrap(((r["data"] as? [String: Any])?["createCommitOnBranch"] as? [String: Any]).flatMap {
            ($0["commit"] as? [String: Any])?["oid"] as? String }, "\(r)")
        XCTAssertEqual(try repo.head(), oid)
        XCTAssertEqual(try repo.read("apps/web/values.yaml"), "image: web:2.0\n")
        XCTAssertNil(try repo.read("apps/api/values.yaml"))
        XCTAssertEqual(try repo.mode("bin/run.sh"), "100644", "a file addition is a regular file: the mode is not kept")
        XCTAssertEqual(try repo.git("log", "-1", "--format=%cn <%ce>|%B", "main"), "GitHub <noreply@github.com>|bump\n\nwhy")
        let made = try XCTUnwrap(try forge.emulatedCommits().last)
        XCTAssertEqual(made.via, "createCommitOnBranch")
        XCTAssertFalse(made.authorSet)
        XCTAssertEqual(made.parent, head)
        let under = try commit(["apps/web/values.yaml/x.yaml": "x\n"], expected: oid)
        XCTAssertEqual((under["errors"] as? [[String: Any]])?.first?["type"] as? String, "UNPROCESSABLE", "a file under a file")
        XCTAssertEqual(try repo.head(), oid)
        // an author is not an input of createCommitOnBranch: GitHub refuses the variable, nothing lands
        let withAuthor = try commit(["a.yaml": "a\n"], expected: oid, extra: ["author": ["name": "x", "email": "x@example.invalid"]])
        XCTAssertNil(withAuthor["data"])
        XCTAssertTrue("\(withAuthor["errors"] ?? "")".contains("author"))
        XCTAssertEqual(try repo.head(), oid)
    }

    func testAStaleExpectedHeadIsAn200WithSTALEDATAAndTheHeadIsReadThroughGraphQL() throws {
        let head = try XCTUnwrap(repo.head())
        try forge.repoSettings(refLagSeconds: 60)
        let theirs = try forge.pushAsOther(repoName, files: ["apps/api/values.yaml": "image: api:1.1\n"])
        let rest = try gh.call("GET", "/repos/octo/config/git/ref/heads/main").object
        XCTAssertEqual((rest["object"] as? [String: Any])?["sha"] as? String, head, "the cached REST ref still names the old head")
        let stale = try commit(["apps/web/values.yaml": "image: web:2.0\n"], expected: head)
        XCTAssertTrue(stale["data"] is [String: Any])
        XCTAssertTrue(((stale["data"] as? [String: Any])?["createCommitOnBranch"]) is NSNull)
        let error = try XCTUnwrap((stale["errors"] as? [[String: Any]])?.first)
        XCTAssertEqual(error["type"] as? String, "STALE_DATA")
        XCTAssertEqual(error["message"] as? String, "Expected branch to point to \"\(head)\" but it did not.  Pull and try again.")
        XCTAssertEqual(try repo.head(), theirs)
        XCTAssertEqual(try headByGraphQL(), theirs)
        XCTAssertNotNil((try commit(["apps/web/values.yaml": "image: web:2.0\n"], expected: theirs)["data"] as? [String: Any])?["createCommitOnBranch"] as? [String: Any])
        try assertLinear(repo, count: 3)
    }

    func testAPullRequestNeedsItsHeadBranchInTheRepository() throws {
        let pr: [String: Any] = ["title": "Bump", "head": "imagebump/web", "base": "main"]
        let refused = try gh.call("POST", "/repos/octo/config/pulls", pr)
        XCTAssertEqual(refused.status, 422)
        XCTAssertEqual((refused.object["errors"] as? [[String: Any]])?.first?["field"] as? String, "head")
        let main = try XCTUnwrap(repo.head())
        XCTAssertEqual(try gh.call("POST", "/repos/octo/config/git/refs", ["ref": "refs/heads/imagebump/web", "sha": main]).status, 201)
        let made = try gh.call("POST", "/repos/octo/config/pulls", pr)
        XCTAssertEqual(made.status, 201)
        XCTAssertEqual((made.object["head"] as? [String: Any])?["sha"] as? String, main)
    }

    func testTwentyParallelClientsRetryingOnStaleDataAllLandInOneLine() throws {
        let test = GitHubOps(gh: gh, name: repoName)
        let statuses = Statuses()
        DispatchQueue.concurrentPerform(iterations: 20) { i in
            let path = "many/f\(String(format: "%02d", i)).yaml"
            for _ in 0..<60 {
                guard let head = try? test.head(), let r = try? test.commit([path: "n: \(i + 100)\n"], expected: head) else { continue }
                if (r["data"] as? [String: Any])?["createCommitOnBranch"] is [String: Any] { statuses.add(1); return }
                if "\(r["errors"] ?? "")".contains("STALE_DATA") { continue }
                statuses.add(-1)
                return
            }
            statuses.add(0)
        }
        XCTAssertEqual(statuses.all, Array(repeating: 1, count: 20))
        for i in 0..<20 { XCTAssertEqual(try repo.read("many/f\(String(format: "%02d", i)).yaml"), "n: \(i + 100)\n") }
        try assertLinear(repo, count: 21)
    }
}

/// The GraphQL calls of a `--via api` GitHub client, callable from many threads.
struct GitHubOps: Sendable {
    let gh: EmulatorClient
    let name: String

    func commit(_ files: [String: String], expected: String, deletions: [String] = [], extra: [String: Any] = [:]) throws -> [String: Any] {
        let input: [String: Any] = ["branch": ["repositoryNameWithOwner": name, "branchName": "main"],
                                    "expectedHeadOid": expected, "message": ["headline": "bump", "body": "why"],
                                    "fileChanges": ["additions": files.map { ["path": $0.key, "contents": encode64($0.value)] },
                                                    "deletions": deletions.map { ["path": $0] }]]
        return try gh.graphql(RepoEmulatorGitHubTests.commitMutation, ["input": input.merging(extra) { $1 }])
    }

    func head(_ branch: String = "main") throws -> String? {
        let parts = name.split(separator: "/").map(String.init)
        let r = try gh.graphql(RepoEmulatorGitHubTests.headQuery, ["owner": parts[0], "name": parts[1],
                                                                   "qualifiedName": "refs/heads/\(branch)"])
        let repository = (r["data"] as? [String: Any])?["repository"] as? [String: Any]
        return ((repository?["ref"] as? [String: Any])?["target"] as? [String: Any])?["oid"] as? String
    }
}
