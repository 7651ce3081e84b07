import Foundation
import XCTest
import Forge
import TestSupport

/// A bare client of the fake forge's repository emulator for its own tests: one CurlTransport per call (so calls
/// may run in parallel), the headers each forge wants, JSON in and out.
struct EmulatorClient: Sendable {
    let base: String
    let token: String
    let github: Bool

    struct Answer {
        let status: Int
        let json: Any?
        let headers: [String: String]
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var list: [[String: Any]] { json as? [[String: Any]] ?? [] }
    }

    func call(_ method: String, _ path: String, _ body: Any? = nil) throws -> Answer {
        var headers: [(String, String)] = github
            ? [("Authorization", "Bearer \(token)"), ("Accept", "application/vnd.github+json"),
               ("X-GitHub-Api-Version", "2022-11-28"), ("User-Agent", "imagebump-emulator-test")]
            : [("PRIVATE-TOKEN", token)]
        var data: Data?
        if let body {
            data = try JSONSerialization.data(withJSONObject: body)
            headers.append(("Content-Type", "application/json"))
        }
        let url = path.hasPrefix("http") ? path : base + path
        let r = try CurlTransport(options: TransportOptions(timeout: 30)).send(HTTPRequest(method: method, url: url, headers: headers, body: data))
        let json = r.body.isEmpty ? nil : try? JSONSerialization.jsonObject(with: r.body, options: [.fragmentsAllowed])
        return Answer(status: r.status, json: json, headers: r.headers)
    }

    /// A GraphQL request (GitHub): the whole answer.
    func graphql(_ query: String, _ variables: [String: Any]) throws -> [String: Any] {
        try call("POST", "/graphql", ["query": query, "variables": variables]).object
    }
}

func decode64(_ text: Any?) -> String {
    let clean = (text as? String ?? "").replacingOccurrences(of: "\n", with: "")
    return String(decoding: Data(base64Encoded: clean) ?? Data(), as: UTF8.self)
}

func encode64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

/// The rel="next" URL of a Link header, if any.
func nextLink(_ headers: [String: String]) -> String? {
    guard let link = headers["link"] else { return nil }
    for part in link.split(separator: ",") where part.contains("rel=\"next\"") {
        if let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">") {
            return String(part[part.index(after: open)..<close])
        }
    }
    return nil
}

/// Asserts the history from `ref` is a single line (no merges) of `count` commits and the repository is sound.
func assertLinear(_ repo: BareRepo, _ ref: String = "main", count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
    let all = try repo.parents(ref)
    XCTAssertEqual(all.count, count, "commits reachable from \(ref)", file: file, line: line)
    XCTAssertTrue(all.allSatisfy { $0.split(separator: " ").count <= 2 }, "a merge in \(all)", file: file, line: line)
    XCTAssertEqual(try repo.log(ref).count, count, "first-parent chain", file: file, line: line)
    XCTAssertNoThrow(try repo.fsck(), file: file, line: line)
}
