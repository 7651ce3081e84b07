import Foundation
import XCTest
@testable import Forge
import Support

/// The API clients of `--via api` against answers shaped as the forges document them, served in process: GitLab's
/// keyset tree pages, its stale `last_commit_id` answer, GitHub's truncated trees and its STALE_DATA error.
final class RepositoryAPITests: XCTestCase {
    /// Answers each request with `handler`'s response and keeps the requests.
    final class Scripted: HTTPTransport, @unchecked Sendable {
        let handler: (HTTPRequest) -> HTTPResponse
        private let lock = NSLock()
        private var sent: [HTTPRequest] = []
        init(_ handler: @escaping (HTTPRequest) -> HTTPResponse) { self.handler = handler }
        var requests: [HTTPRequest] { lock.lock(); defer { lock.unlock() }; return sent }
        func send(_ request: HTTPRequest) throws -> HTTPResponse {
            lock.lock(); sent.append(request); lock.unlock()
            return handler(request)
        }
    }

    static func json(_ status: Int, _ value: Any, headers: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: try! JSONSerialization.data(withJSONObject: value))
    }

    static func body(_ r: HTTPRequest) -> [String: Any] {
        (r.body.flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any]) ?? [:]
    }

    let sha = String(repeating: "a", count: 40)
    let noRetry = RetryPolicy(maxAttempts: 1, sleep: { _ in })

    func gitlab(_ t: Scripted) -> any RepositoryAPI {
        try! RepositoryLocation(forge: .gitlab, apiURL: "http://127.0.0.1:9/api/v4", project: "team/config", token: "tok")
            .client(transport: t, retry: noRetry)
    }

    func github(_ t: Scripted) -> any RepositoryAPI {
        try! RepositoryLocation(forge: .github, apiURL: "http://127.0.0.1:9", project: "octo/config", token: "tok")
            .client(transport: t, retry: noRetry)
    }

    func testGitLabTreeFollowsKeysetPagesAndKeepsModes() throws {
        let t = Scripted { r in
            guard r.url.contains("/repository/tree") else { return Self.json(404, ["message": "404"]) }
            if r.url.contains("page_token=p2") {
                return Self.json(200, [["id": "b2", "name": "l.yaml", "type": "blob", "path": "apps/l.yaml", "mode": "120000"]])
            }
            return Self.json(200, [["id": "b1", "name": "a.yaml", "type": "blob", "path": "apps/a.yaml", "mode": "100644"],
                                   ["id": "c1", "name": "sub", "type": "commit", "path": "apps/sub", "mode": "160000"]],
                             headers: ["Link": "<http://127.0.0.1:9/api/v4/projects/team%2Fconfig/repository/tree?page_token=p2&pagination=keyset>; rel=\"next\""])
        }
        let entries = try XCTUnwrap(gitlab(t).entries(under: "apps", at: sha, recursive: true))
        XCTAssertEqual(entries, [RepoEntry(path: "apps/a.yaml", kind: .file, id: "b1"), RepoEntry(path: "apps/sub", kind: .submodule, id: "c1"),
                                 RepoEntry(path: "apps/l.yaml", kind: .link, id: "b2")])
        XCTAssertEqual(t.requests.count, 2)
        XCTAssertTrue(t.requests[0].url.contains("pagination=keyset") && t.requests[0].url.contains("recursive=true")
                      && t.requests[0].url.contains("path=apps") && t.requests[0].url.contains("ref=\(sha)"), t.requests[0].url)
    }

    func testGitLabTreeRefusesANextPageOnAnotherOrigin() {
        let t = Scripted { _ in Self.json(200, [] as [Any], headers: ["Link": "<http://203.0.113.9/api/v4/x>; rel=\"next\""]) }
        XCTAssertThrowsError(try gitlab(t).entries(under: "", at: sha, recursive: true)) {
            XCTAssertTrue("\($0)".contains("another origin"), "\($0)")
        }
        XCTAssertEqual(t.requests.count, 1)
    }

    func testGitLabCommitSendsEachFilesLockAndTellsAStaleOneApart() throws {
        var answer = Self.json(400, ["message": "The file has changed since you started editing it: apps/a.yaml"])
        let t = Scripted { _ in answer }
        let request = APICommitRequest(branch: "main", expectedHead: sha, message: "bump",
                                       files: [.init(path: "apps/a.yaml", content: Data("x: 1\n".utf8), lastCommitID: "c0ffee")])
        XCTAssertEqual(try gitlab(t).commit(request), .stale("The file has changed since you started editing it: apps/a.yaml"))
        let sent = Self.body(t.requests[0])
        XCTAssertEqual(sent["branch"] as? String, "main")
        XCTAssertNil(sent["start_branch"]); XCTAssertNil(sent["author_name"]); XCTAssertNil(sent["author_email"])
        let action = try XCTUnwrap((sent["actions"] as? [[String: Any]])?.first)
        XCTAssertEqual(action["action"] as? String, "update")
        XCTAssertEqual(action["last_commit_id"] as? String, "c0ffee")
        XCTAssertEqual(action["encoding"] as? String, "base64")
        XCTAssertEqual(Data(base64Encoded: action["content"] as? String ?? ""), Data("x: 1\n".utf8))
        // another 400 is an error, not a retry
        answer = Self.json(400, ["message": "A file with this name doesn't exist"])
        XCTAssertThrowsError(try gitlab(t).commit(request)) { XCTAssertTrue("\($0)".contains("doesn't exist"), "\($0)") }
        // a bot branch is rebuilt from the target's head
        answer = Self.json(201, ["id": sha])
        XCTAssertEqual(try gitlab(t).commit(APICommitRequest(branch: "imagebump/x", rebuiltFrom: "main", expectedHead: sha, message: "m",
                                                              files: request.files)), .committed(sha: sha))
        let bot = Self.body(t.requests.last!)
        XCTAssertEqual(bot["start_branch"] as? String, "main")
        XCTAssertEqual(bot["force"] as? Bool, true)
    }

    func testGitHubTruncatedTreeIsReadLevelByLevel() throws {
        let root = "1" + String(repeating: "0", count: 39), apps = "2" + String(repeating: "0", count: 39)
        let web = "3" + String(repeating: "0", count: 39)
        let t = Scripted { r in
            if r.url.hasSuffix("/git/trees/\(self.sha)") {
                return Self.json(200, ["sha": root, "tree": [["path": "apps", "mode": "040000", "type": "tree", "sha": apps]], "truncated": false])
            }
            if r.url.hasSuffix("/git/trees/\(apps)?recursive=1") {
                return Self.json(200, ["sha": apps, "tree": [["path": "web", "mode": "040000", "type": "tree", "sha": web]], "truncated": true])
            }
            if r.url.hasSuffix("/git/trees/\(apps)") {
                return Self.json(200, ["sha": apps, "tree": [["path": "web", "mode": "040000", "type": "tree", "sha": web]], "truncated": false])
            }
            if r.url.hasSuffix("/git/trees/\(web)?recursive=1") {
                return Self.json(200, ["sha": web, "tree": [["path": "v.yaml", "mode": "100755", "type": "blob", "sha": "b9"]], "truncated": false])
            }
            return Self.json(404, ["message": "Not Found"])
        }
        let entries = try XCTUnwrap(github(t).entries(under: "apps", at: sha, recursive: true))
        XCTAssertEqual(entries, [RepoEntry(path: "apps/web", kind: .directory, id: web), RepoEntry(path: "apps/web/v.yaml", kind: .executable, id: "b9")])
        XCTAssertNil(try github(t).entries(under: "nowhere", at: sha, recursive: true))
    }

    func testGitHubStaleHeadIsAnOutcomeAndTheCommitCarriesNoAuthor() throws {
        let t = Scripted { r in
            Self.json(200, ["data": ["createCommitOnBranch": NSNull()],
                            "errors": [["type": "STALE_DATA", "path": ["createCommitOnBranch"],
                                        "message": "Expected branch to point to \"\(self.sha)\" but it did not.  Pull and try again."]]])
        }
        let outcome = try github(t).commit(APICommitRequest(branch: "main", expectedHead: sha, message: "bump web\n\nbody\n\nTrailer: x",
                                                            files: [.init(path: "a.yaml", content: Data("a".utf8), lastCommitID: nil)]))
        guard case .stale = outcome else { return XCTFail("\(outcome)") }
        let input = try XCTUnwrap((Self.body(t.requests[0])["variables"] as? [String: Any])?["input"] as? [String: Any])
        XCTAssertEqual(input["expectedHeadOid"] as? String, sha)
        XCTAssertEqual((input["message"] as? [String: Any])?["headline"] as? String, "bump web")
        XCTAssertEqual((input["message"] as? [String: Any])?["body"] as? String, "body\n\nTrailer: x")
        let changes = try XCTUnwrap(input["fileChanges"] as? [String: Any])
        XCTAssertNil(changes["deletions"], "a null deletions list fails on GitHub")
        XCTAssertNil(input["author"]); XCTAssertNil(input["committer"])
    }

    func testModesAndStaleWordings() {
        XCTAssertEqual(RepoEntry.kind(mode: "100644", type: "blob"), .file)
        XCTAssertEqual(RepoEntry.kind(mode: "120000", type: "blob"), .link)
        XCTAssertEqual(RepoEntry.kind(mode: "160000", type: "commit"), .submodule)
        XCTAssertEqual(RepoEntry.kind(mode: "040000", type: "tree"), .directory)
        XCTAssertNil(RepoEntry.kind(mode: "100600", type: "blob"))
        XCTAssertTrue(GitLabRepository.isStale("You are attempting to update a file `a.yaml` that has changed since you started editing it."))
        XCTAssertTrue(GitLabRepository.isStale("Could not update refs/heads/main. Please refresh and try again."))
        XCTAssertFalse(GitLabRepository.isStale("You are not allowed to push into this branch"))
        XCTAssertTrue(GitHubRepository.isStale(["message": "Expected branch to point to \"x\" but it did not. Pull and try again."]))
        XCTAssertFalse(GitHubRepository.isStale(["type": "NOT_FOUND", "message": "No commit exists with specified expectedHeadOid"]))
        XCTAssertEqual(GitHubRepository.refPath("imagebump/web prod"), "imagebump/web%20prod")
    }
}
