import Foundation
import Forge

/// Temporary files shared by the tests: the fake forge script and a private CA + `localhost` certificate.
public enum TestFiles {
    public static let directory: URL = {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("imagebump-forge-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestFiles.directory) } // shared by every test: gone with the run
        return dir
    }()

    public static let script: URL = {
        let url = directory.appendingPathComponent("fake_forge.py")
        try! fakeForgeScript.write(to: url, atomically: true, encoding: .utf8)
        // its modules, imported from beside it: the GitHub half, and the repository emulator (when given repos)
        for (name, text) in [("fake_forge_github.py", fakeForgeGitHubScript),
                             ("fake_forge_git.py", fakeForgeGitScript), ("fake_forge_gitlab_repo.py", fakeForgeGitLabRepoScript),
                             ("fake_forge_github_repo.py", fakeForgeGitHubRepoScript)] {
            try! text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return url
    }()

    public struct TLS: Sendable { public let caFile: String; public let cert: String; public let key: String }

    /// A private CA and a server certificate for DNS:localhost, made with the openssl CLI.
    public static let tls: Result<TLS, Error> = Result {
        let d = directory.appendingPathComponent("tls")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        let p = { (name: String) in d.appendingPathComponent(name).path }
        try "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
            .write(toFile: p("ext.cnf"), atomically: true, encoding: .utf8)
        try run("/usr/bin/env", ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
                                 "-keyout", p("ca.key"), "-out", p("ca.pem"), "-subj", "/CN=imagebump test CA",
                                 "-addext", "basicConstraints=critical,CA:TRUE",
                                 "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try run("/usr/bin/env", ["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-sha256",
                                 "-keyout", p("server.key"), "-out", p("server.csr"), "-subj", "/CN=localhost"])
        try run("/usr/bin/env", ["openssl", "x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
                                 "-CAcreateserial", "-out", p("server.pem"), "-days", "2", "-sha256", "-extfile", p("ext.cnf")])
        return TLS(caFile: p("ca.pem"), cert: p("server.pem"), key: p("server.key"))
    }

    public static func run(_ tool: String, _ args: [String]) throws {
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: tool)
        proc.arguments = args
        proc.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        proc.standardError = err
        try proc.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        proc.waitUntilExit()
        guard proc.terminationStatus == 0 else {
            throw NSError(domain: "TestFiles", code: Int(proc.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(args.joined(separator: " ")): \(String(decoding: data, as: UTF8.self))"])
        }
    }
}

/// One recorded API request.
public struct Recorded {
    public let method: String
    public let path: String
    public let rawPath: String
    public let query: [String: [String]]
    public let headers: [String: String]
    public let body: Any?
    public let violations: [String]
    /// The blob ids whose content this request was answered with (repository emulator: files, contents, blobs).
    public let servedBlobs: [String]

    public var json: [String: Any] { body as? [String: Any] ?? [:] }
}

/// The python fake forge, started on a free loopback port and stopped by the test.
public final class FakeForge {
    private let server: LoopbackScript
    public var process: Process { server.process }
    private let stdin = Pipe()
    public let port: Int
    public let baseURL: String
    let control: CurlTransport

    /// `repos`: GitLab project path or GitHub owner/repo → bare repository (see `BareRepo`), whose repository
    /// endpoints it then serves (FakeForgeRepo.swift).
    public init(token: String, jobToken: String = "job-token-for-tests", gitlabPrefix: String = "/api/v4",
         githubPrefix: String = "", graphqlPath: String = "/graphql", tls: TestFiles.TLS? = nil,
         bind: String = "127.0.0.1", repos: [String: String] = [:]) throws {
        var args = ["--token", token, "--job-token", jobToken,
                    "--gitlab-prefix", gitlabPrefix, "--github-prefix", githubPrefix, "--graphql-path", graphqlPath,
                    "--bind", bind]
        for (name, path) in repos.sorted(by: { $0.key < $1.key }) { args += ["--repo", "\(name)=\(path)"] }
        if let tls { args += ["--tls-cert", tls.cert, "--tls-key", tls.key] }
        server = try LoopbackScript(TestFiles.script.path, args, stdin: stdin, stderr: true)
        port = server.port
        baseURL = tls == nil ? "http://\(bind):\(port)" : "https://localhost:\(port)"
        control = CurlTransport(options: TransportOptions(caFile: tls?.caFile, timeout: 10))
    }

    public func stop() {
        try? stdin.fileHandleForWriting.close()
        server.stop()
    }

    @discardableResult
    public func post(_ path: String, _ json: Any) throws -> Any {
        let body = try JSONSerialization.data(withJSONObject: json)
        let r = try control.send(HTTPRequest(method: "POST", url: baseURL + path, headers: [("Content-Type", "application/json")], body: body))
        return try JSONSerialization.jsonObject(with: r.body, options: [.fragmentsAllowed])
    }

    public func get(_ path: String) throws -> Any {
        let r = try control.send(HTTPRequest(method: "GET", url: baseURL + path))
        return try JSONSerialization.jsonObject(with: r.body, options: [.fragmentsAllowed])
    }

    public func reset(_ config: [String: Any] = [:]) throws { try post("/__control/reset", config) }

    /// Scripts a fault: the next `times` requests matching method and path regex get it.
    public func fault(method: String? = nil, path: String, status: Int = 500, headers: [String: String] = [:],
               body: Any = ["message": "fault"], times: Int = 1, action: String = "status", seconds: Double = 0,
               size: Int = 0) throws {
        var f: [String: Any] = ["path": path, "status": status, "headers": headers, "body": body, "times": times,
                                "action": action, "seconds": seconds, "size": size]
        if let method { f["method"] = method }
        try post("/__control/faults", f)
    }

    public func requests() throws -> [Recorded] {
        let list = try get("/__control/requests") as? [[String: Any]] ?? []
        return list.map { r in
            Recorded(method: r["method"] as? String ?? "", path: r["path"] as? String ?? "",
                     rawPath: r["rawPath"] as? String ?? "",
                     query: r["query"] as? [String: [String]] ?? [:], headers: r["headers"] as? [String: String] ?? [:],
                     body: r["body"] is NSNull ? nil : r["body"], violations: r["violations"] as? [String] ?? [],
                     servedBlobs: r["servedBlobs"] as? [String] ?? [])
        }
    }

    public func state() throws -> [String: Any] { try get("/__control/state") as? [String: Any] ?? [:] }

    /// Opens an MR (GitLab: `project`) or PR (GitHub: `repo`) as someone else would; returns it as the API lists it.
    @discardableResult
    public func seed(_ fields: [String: Any]) throws -> [String: Any] {
        try post("/__control/seed", fields) as? [String: Any] ?? [:]
    }

    /// The MRs of a GitLab project or the PRs of a GitHub repository, with their notes/comments.
    public func mergeRequests(gitlab project: String? = nil, github repo: String? = nil) throws -> [[String: Any]] {
        let s = try state()
        if let project { return (s["gitlab"] as? [String: Any])?[project] as? [[String: Any]] ?? [] }
        return (s["github"] as? [String: Any])?[repo ?? ""] as? [[String: Any]] ?? []
    }
}

