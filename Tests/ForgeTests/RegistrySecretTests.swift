import Foundation
import XCTest
@testable import Forge
import TestSupport

/// The transport the registry tests record through: each request's URL and Authorization, in the recorder's log
/// beside what the client masks, so that a test sees which came first.
struct RecordingTransport: HTTPTransport {
    let inner: HTTPTransport
    let recorder: Recorder
    func send(_ request: HTTPRequest) throws -> HTTPResponse {
        let auth = request.headers.first { $0.0.lowercased() == "authorization" }?.1 ?? "none"
        recorder.log("send \(request.url) \(auth)")
        return try inner.send(request)
    }
}

/// Every secret the registry client comes to hold, from each source, is handed to `mask` (on GitHub Actions:
/// `::add-mask::`) before any request carries it.
extension RegistryClientTests {
    func maskingClient(_ environment: [String: String], explicit: [String: String] = [:], recorder: Recorder) throws -> RegistryClient {
        let tls = try RegistryTLS.shared.get()
        let curl = CurlTransport(options: TransportOptions(caFile: tls.caFile, timeoutSeconds: 20, environment: [:]))
        return RegistryClient(transport: RecordingTransport(inner: curl, recorder: recorder), retry: RetryPolicy(sleep: { _ in }),
                              credentials: RegistryCredentialSources(explicit: explicit, environment: environment),
                              mask: { recorder.log("mask \($0)") })
    }

    /// `secret` was masked, and before the first request that carried it (as itself or inside a Basic header).
    func assertMaskedFirst(_ secret: String, _ logs: [String], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let masked = logs.firstIndex(of: "mask \(secret)")
        let sent = logs.firstIndex { $0.hasPrefix("send ") && ($0.contains(secret) || Self.basicSecrets($0).contains(secret)) }
        XCTAssertNotNil(masked, "\(what): never masked: \(logs)", file: file, line: line)
        XCTAssertNotNil(sent, "\(what): never sent: \(logs)", file: file, line: line)
        if let masked, let sent { XCTAssertLessThan(masked, sent, "\(what): \(logs)", file: file, line: line) }
    }

    static func basicSecrets(_ line: String) -> [String] {
        guard let range = line.range(of: "Basic ") else { return [] }
        let decoded = Data(base64Encoded: String(line[range.upperBound...])).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return decoded.split(separator: ":", maxSplits: 1).dropFirst().map(String.init)
    }

    func testEverySourcesSecretIsMaskedBeforeItIsSent() throws {
        let r = try registry(.htpasswd(["alice": "alice-pw-from-each"]))
        try r.push("team/api", tag: "1.2.0")
        let bin = try scratch()
        let helper = bin.appendingPathComponent("docker-credential-test")
        try "#!/bin/sh\nread -r server\nprintf '{\"Username\":\"alice\",\"Secret\":\"helper-secret-pw\"}'\n".write(to: helper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helper.path)
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        func config(_ json: [String: Any]) throws -> [String: String] {
            let dir = try scratch()
            try JSONSerialization.data(withJSONObject: json).write(to: dir.appendingPathComponent("config.json"))
            return ["DOCKER_CONFIG": dir.path, "PATH": path]
        }
        let cases: [(String, [String: String], [String: String], String)] = [
            ("--registry-auth-env", ["REG_AUTH": "alice:explicit-secret-pw", "PATH": path], [r.hostPort: "REG_AUTH"], "explicit-secret-pw"),
            ("auths auth", try config(["auths": [r.hostPort: ["auth": Data("alice:auth-secret-pw".utf8).base64EncodedString()]]]), [:], "auth-secret-pw"),
            ("auths password", try config(["auths": [r.hostPort: ["username": "alice", "password": "password-secret-pw"]]]), [:], "password-secret-pw"),
            ("identity token", try config(["auths": [r.hostPort: ["identitytoken": "identity-secret-tk"]]]), [:], "identity-secret-tk"),
            ("credHelpers", try config(["credHelpers": [r.hostPort: "test"]]), [:], "helper-secret-pw"),
            ("credsStore", try config(["credsStore": "test"]), [:], "helper-secret-pw"),
            ("CI_REGISTRY_PASSWORD", ["CI_REGISTRY": r.hostPort, "CI_REGISTRY_USER": "alice", "CI_REGISTRY_PASSWORD": "ci-registry-secret"], [:], "ci-registry-secret"),
            ("CI_JOB_TOKEN", ["CI_REGISTRY": r.hostPort, "CI_JOB_TOKEN": "ci-job-token-secret"], [:], "ci-job-token-secret"),
        ]
        for (what, env, explicit, secret) in cases {
            let rec = Recorder()
            _ = try? maskingClient(env, explicit: explicit, recorder: rec).manifest(at(r, "team/api"), reference: "1.2.0") // refused: wrong password
            assertMaskedFirst(secret, rec.logs, what)
        }
    }

    /// A token from the realm is masked before the registry is sent it; the realm's credential before the realm is.
    func testATokenIsMaskedBeforeTheRegistryIsSentIt() throws {
        let tokens = try TokenServer(users: ["alice": "alice-token-pw"])
        cleanups.append { tokens.stop() }
        let r = try registry(.token(realm: tokens.realm), pushCredentials: "alice:alice-token-pw")
        try r.push("team/api", tag: "1.2.0")
        let rec = Recorder()
        _ = try maskingClient(try dockerConfig(auths: [r.hostPort: "alice:alice-token-pw"]), recorder: rec).manifest(at(r, "team/api"), reference: "1.2.0")
        assertMaskedFirst("alice-token-pw", rec.logs, "the realm's credential")
        let token = try XCTUnwrap(rec.logs.compactMap { $0.hasPrefix("mask ") && $0 != "mask alice-token-pw" ? String($0.dropFirst(5)) : nil }.first, "\(rec.logs)")
        XCTAssertTrue(token.hasPrefix("eyJ"), token)
        assertMaskedFirst(token, rec.logs, "the token")
    }
}
