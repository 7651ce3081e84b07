import Foundation
import XCTest
import TestSupport

/// The fake forge's GitLab repository endpoints over a real bare repo: what a client of `--via api` meets.
final class RepoEmulatorGitLabTests: XCTestCase {
    let project = "group/sub/config"
    var repo: BareRepo!
    var forge: FakeForge!
    var gl: EmulatorClient!

    override func setUpWithError() throws {
        var files = ["apps/web/values.yaml": "image: web:1.0\n", "apps/api/values.yaml": "image: api:1.0\n"]
        for i in 0..<25 { files["many/f\(String(format: "%02d", i)).yaml"] = "n: \(i)\n" }
        repo = try BareRepo(files: files, executables: ["bin/run.sh": "#!/bin/sh\n"],
                            symlinks: ["link.yaml": "apps/web/values.yaml"], submodules: ["vendor/lib": "https://example.invalid/lib.git"])
        forge = try FakeForge(token: "emu-token", repos: [project: repo.path])
        gl = EmulatorClient(base: forge.baseURL + "/api/v4/projects/group%2Fsub%2Fconfig/repository", token: "emu-token", github: false)
    }

    override func tearDown() { forge?.stop() }

    func file(_ path: String, ref: String = "main") throws -> EmulatorClient.Answer {
        try gl.call("GET", "/files/\(path.replacingOccurrences(of: "/", with: "%2F"))?ref=\(ref)")
    }

    func update(_ path: String, _ content: String, lastCommit: String?, branch: String = "main",
                extra: [String: Any] = [:]) throws -> EmulatorClient.Answer {
        var action: [String: Any] = ["action": "update", "file_path": path, "content": encode64(content), "encoding": "base64"]
        if let lastCommit { action["last_commit_id"] = lastCommit }
        return try gl.call("POST", "/commits", ["branch": branch, "commit_message": "bump \(path)", "actions": [action]]
            .merging(extra) { $1 })
    }

    func testAFileComesWithItsBlobAndLastCommitAndOnlyItsBlobIsServed() throws {
        let head = try XCTUnwrap(repo.head())
        let f = try file("apps/web/values.yaml")
        XCTAssertEqual(f.status, 200)
        XCTAssertEqual(decode64(f.object["content"]), "image: web:1.0\n")
        XCTAssertEqual(f.object["blob_id"] as? String, try repo.blobs()["apps/web/values.yaml"])
        XCTAssertEqual(f.object["commit_id"] as? String, head)
        XCTAssertEqual(f.object["last_commit_id"] as? String, head)
        XCTAssertEqual(f.object["execute_filemode"] as? Bool, false)
        XCTAssertEqual(try file("bin/run.sh").object["execute_filemode"] as? Bool, true)
        // a link is served as its target's name (the files API has no mode): only the tree tells it apart
        XCTAssertEqual(decode64(try file("link.yaml").object["content"]), "apps/web/values.yaml")
        XCTAssertEqual(try file("vendor/lib").status, 404)
        XCTAssertEqual(try file("apps").status, 404)
        XCTAssertEqual(try file("apps/web/values.yaml", ref: "nope").status, 404)
        let served = try forge.requests().flatMap(\.servedBlobs)
        let blobs = try repo.blobs()
        XCTAssertEqual(served, [blobs["apps/web/values.yaml"], blobs["bin/run.sh"], blobs["link.yaml"]].compactMap { $0 })
    }

    func testAStaleLastCommitIDIsRefusedWithGitLabsMessageAndNothingLands() throws {
        let lcid = try XCTUnwrap(try file("apps/web/values.yaml").object["last_commit_id"] as? String)
        let theirs = try forge.pushAsOther(project, files: ["apps/web/values.yaml": "image: web:1.1\n"])
        let r = try update("apps/web/values.yaml", "image: web:2.0\n", lastCommit: lcid)
        XCTAssertEqual(r.status, 400)
        XCTAssertEqual(r.object["message"] as? String, "The file has changed since you started editing it: apps/web/values.yaml")
        XCTAssertEqual(try repo.head(), theirs)
        XCTAssertEqual(try repo.read("apps/web/values.yaml"), "image: web:1.1\n")
    }

    func testABranchThatMovedUnderAnUntouchedFileTakesTheCommitOnItsNewHead() throws {
        let lcid = try XCTUnwrap(try file("apps/web/values.yaml").object["last_commit_id"] as? String)
        let theirs = try forge.pushAsOther(project, files: ["apps/api/values.yaml": "image: api:1.1\n"])
        let r = try update("apps/web/values.yaml", "image: web:2.0\n", lastCommit: lcid)
        XCTAssertEqual(r.status, 201, "\(r.object)")
        XCTAssertEqual(r.object["parent_ids"] as? [String], [theirs])
        XCTAssertEqual(try repo.head(), r.object["id"] as? String)
        XCTAssertEqual(try repo.read("apps/web/values.yaml"), "image: web:2.0\n")
        XCTAssertEqual(try repo.read("apps/api/values.yaml"), "image: api:1.1\n")
        XCTAssertEqual(try repo.mode("bin/run.sh"), "100755")
        let read = try gl.call("GET", "/commits/\(try XCTUnwrap(r.object["id"] as? String))").object
        XCTAssertEqual(read["parent_ids"] as? [String], [theirs])
        XCTAssertEqual(try gl.call("GET", "/commits/main").object["id"] as? String, r.object["id"] as? String)
        XCTAssertEqual(try gl.call("GET", "/commits/\(String(repeating: "e", count: 40))").status, 404)
        XCTAssertEqual(try forge.emulatedCommits().map(\.via), ["push", "commits"])
        XCTAssertEqual(try forge.emulatedCommits().last?.authorSet, false)
        try assertLinear(repo, count: 3)
    }

    func testARaceJustBeforeTheCommitIsGenuine() throws {
        let lcid = try XCTUnwrap(try file("apps/web/values.yaml").object["last_commit_id"] as? String)
        try forge.commitBefore(path: "/repository/commits$", repo: project, files: ["apps/web/values.yaml": "image: web:9\n"])
        XCTAssertEqual(try update("apps/web/values.yaml", "image: web:2.0\n", lastCommit: lcid).status, 400)
        try forge.commitBefore(path: "/repository/commits$", repo: project, files: ["apps/api/values.yaml": "image: api:9\n"])
        let lcid2 = try XCTUnwrap(try file("apps/web/values.yaml").object["last_commit_id"] as? String)
        XCTAssertEqual(try update("apps/web/values.yaml", "image: web:2.0\n", lastCommit: lcid2).status, 201)
        XCTAssertEqual(try repo.read("apps/api/values.yaml"), "image: api:9\n")
        try assertLinear(repo, count: 4)
    }

    func testALostAnswerStillLandsTheCommit() throws {
        try forge.loseAnswer(path: "/repository/commits$")
        let before = try XCTUnwrap(repo.head())
        let r = try update("apps/web/values.yaml", "image: web:2.0\n", lastCommit: before)
        XCTAssertEqual(r.status, 502)
        XCTAssertEqual(try repo.read("apps/web/values.yaml"), "image: web:2.0\n", "served as usual, only the answer replaced")
        XCTAssertEqual(try update("apps/web/values.yaml", "image: web:2.0\n", lastCommit: before).status, 400, "a retry meets the lock")
    }

    func testPathsThatCannotBeAFileAreRefusedAsGitalyRefusesThem() throws {
        func create(_ path: String) throws -> String? {
            let r = try gl.call("POST", "/commits", ["branch": "main", "commit_message": "add", "actions": [
                ["action": "create", "file_path": path, "content": "x"]]])
            return r.status == 201 ? nil : "\(r.object["message"] ?? r.status)"
        }
        XCTAssertEqual(try create("apps"), "A directory with this name already exists")
        XCTAssertEqual(try create("apps/web/values.yaml/x.yaml"), "A file with this name already exists")
        XCTAssertEqual(try create("apps/../x.yaml"), "Path cannot include directory traversal")
        XCTAssertEqual(try create("apps//x.yaml"), "invalid path")
        XCTAssertEqual(try repo.log().count, 1, "nothing landed")
        XCTAssertNil(try create("apps/new/x.yaml"))
        XCTAssertEqual(try repo.read("apps/new/x.yaml"), "x")
    }

    func testStartBranchMakesABranchAndForceRebuildsIt() throws {
        let main = try XCTUnwrap(repo.head())
        let made = try update("apps/web/values.yaml", "image: web:2.0\n", lastCommit: main, branch: "imagebump/web",
                              extra: ["start_branch": "main"])
        XCTAssertEqual(made.status, 201)
        XCTAssertEqual(made.object["parent_ids"] as? [String], [main])
        let again = try update("apps/web/values.yaml", "image: web:3.0\n", lastCommit: main, branch: "imagebump/web",
                               extra: ["start_branch": "main"])
        XCTAssertEqual(again.status, 400)
        XCTAssertEqual(again.object["message"] as? String,
                       "A branch called 'imagebump/web' already exists. Switch to that branch in order to make changes")
        let moved = try forge.pushAsOther(project, files: ["apps/api/values.yaml": "image: api:1.1\n"])
        let forced = try update("apps/web/values.yaml", "image: web:3.0\n", lastCommit: main, branch: "imagebump/web",
                                extra: ["start_branch": "main", "force": true])
        XCTAssertEqual(forced.status, 201)
        XCTAssertEqual(forced.object["parent_ids"] as? [String], [moved], "rebuilt on main's head, the old bot commit dropped")
        XCTAssertEqual(try repo.read("apps/web/values.yaml", at: "imagebump/web"), "image: web:3.0\n")
        XCTAssertEqual(try gl.call("GET", "/branches/imagebump%2Fweb").object["name"] as? String, "imagebump/web")
        XCTAssertEqual(try gl.call("DELETE", "/branches/imagebump%2Fweb").status, 204)
        XCTAssertNil(try repo.head("imagebump/web"))
        XCTAssertEqual(try gl.call("GET", "/branches/imagebump%2Fweb").status, 404)
        XCTAssertEqual(try update("x.yaml", "", lastCommit: nil, branch: "nope", extra: ["start_branch": "gone"]).object["message"] as? String,
                       "You can only create or edit files when you are on a branch")
    }

    func testTreeKeysetPagesFollowTheLinkHeaderToTheEnd() throws {
        var url = "/tree?path=many&ref=main&recursive=true&per_page=10&pagination=keyset"
        var pages: [[String]] = []
        while true {
            let page = try gl.call("GET", url)
            XCTAssertEqual(page.status, 200)
            XCTAssertNil(page.headers["x-next-page"], "keyset pages carry no page numbers")
            pages.append(page.list.map { $0["path"] as? String ?? "" })
            guard let next = nextLink(page.headers) else { break }
            XCTAssertTrue(next.contains("page_token="), next)
            url = next
        }
        XCTAssertEqual(pages.map(\.count), [10, 10, 5])
        XCTAssertEqual(pages.flatMap { $0 }, (0..<25).map { "many/f\(String(format: "%02d", $0)).yaml" })
        let root = try gl.call("GET", "/tree?ref=main&recursive=true&per_page=100")
        let kinds = Dictionary(uniqueKeysWithValues: root.list.map { ($0["path"] as? String ?? "", "\($0["type"] ?? "") \($0["mode"] ?? "")") })
        XCTAssertEqual(kinds["vendor/lib"], "commit 160000")
        XCTAssertEqual(kinds["link.yaml"], "blob 120000")
        XCTAssertEqual(kinds["bin/run.sh"], "blob 100755")
        XCTAssertEqual(kinds["apps"], "tree 040000")
        let offset = try gl.call("GET", "/tree?path=many&per_page=20")
        XCTAssertEqual(offset.headers["x-next-page"], "2")
        XCTAssertEqual(try gl.call("GET", "/tree?path=nope").status, 404)
        XCTAssertTrue(try forge.requests().flatMap(\.servedBlobs).isEmpty, "a listing downloads no blob")
    }

    func testAMergeRequestFromABranchTheRepositoryLacksIsAViolation() throws {
        let mrs = "\(forge.baseURL)/api/v4/projects/group%2Fsub%2Fconfig/merge_requests"
        let mr: [String: Any] = ["source_branch": "imagebump/web", "target_branch": "main", "title": "Bump"]
        XCTAssertEqual(try gl.call("POST", mrs, mr).status, 201)
        XCTAssertEqual(try forge.requests().last?.violations,
                       ["merge request from branch 'imagebump/web', which the repository does not have"])
        let made = try update("apps/web/values.yaml", "image: web:2.0\n", lastCommit: nil, branch: "imagebump/other",
                              extra: ["start_branch": "main"])
        let other = try gl.call("POST", mrs, ["source_branch": "imagebump/other", "target_branch": "main", "title": "Bump"])
        XCTAssertEqual(try forge.requests().last?.violations, [])
        XCTAssertEqual(other.object["sha"] as? String, made.object["id"] as? String)
    }

    func testALongHistoryIsCheapToBuildAndTheLockStillNamesTheFilesCommit() throws {
        let long = try BareRepo(files: ["a.yaml": "a: 1\n"], history: 3000)
        XCTAssertEqual(try long.log().count, 3001)
        let root = try XCTUnwrap(long.log().last)
        let big = try FakeForge(token: "emu-token", repos: ["big/config": long.path])
        defer { big.stop() }
        let client = EmulatorClient(base: big.baseURL + "/api/v4/projects/big%2Fconfig/repository", token: "emu-token", github: false)
        let f = try client.call("GET", "/files/a.yaml?ref=main").object
        XCTAssertEqual(f["last_commit_id"] as? String, root)
        XCTAssertEqual(f["commit_id"] as? String, try long.head())
    }

    func testTwentyParallelCommitsOfDifferentFilesAllLandInOneLine() throws {
        let head = try XCTUnwrap(repo.head())
        let client = gl!
        let statuses = Statuses()
        DispatchQueue.concurrentPerform(iterations: 20) { i in
            let path = "many/f\(String(format: "%02d", i)).yaml"
            let body: [String: Any] = ["branch": "main", "commit_message": "bump \(i)", "actions": [
                ["action": "update", "file_path": path, "content": "n: \(i + 100)\n", "last_commit_id": head]]]
            statuses.add((try? client.call("POST", "/commits", body).status) ?? -1)
        }
        XCTAssertEqual(statuses.all.sorted(), Array(repeating: 201, count: 20))
        for i in 0..<20 { XCTAssertEqual(try repo.read("many/f\(String(format: "%02d", i)).yaml"), "n: \(i + 100)\n") }
        try assertLinear(repo, count: 21)
    }
}

final class Statuses: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Int] = []
    func add(_ s: Int) { lock.lock(); list.append(s); lock.unlock() }
    var all: [Int] { lock.lock(); defer { lock.unlock() }; return list }
}
