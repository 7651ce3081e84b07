import Foundation
import XCTest
@testable import Forge
import TestSupport
import Support

/// The registry client against Debian's docker-registry (distribution 2.8) on loopback with TLS: htpasswd,
/// token auth (a token server on 127.0.0.2) and none; and against a fake registry for what the real one does not
/// do (429, Link paging, a wrong digest).
final class RegistryClientTests: XCTestCase {
    var cleanups: [() -> Void] = []
    override func tearDown() { cleanups.reversed().forEach { $0() }; cleanups = [] }

    func scratch() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("imagebump-registry-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        cleanups.append { try? FileManager.default.removeItem(at: d) }
        return d
    }

    /// A Docker config.json in a fresh DOCKER_CONFIG directory: `auths` as host → USER:PASSWORD.
    func dockerConfig(auths: [String: String] = [:], credHelpers: [String: String] = [:], credsStore: String? = nil) throws -> [String: String] {
        let dir = try scratch()
        var json: [String: Any] = ["auths": auths.mapValues { ["auth": Data($0.utf8).base64EncodedString()] }]
        if !credHelpers.isEmpty { json["credHelpers"] = credHelpers }
        if let credsStore { json["credsStore"] = credsStore }
        try JSONSerialization.data(withJSONObject: json).write(to: dir.appendingPathComponent("config.json"))
        return ["DOCKER_CONFIG": dir.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
    }

    func client(_ environment: [String: String], explicit: [String: String] = [:], recorder: Recorder? = nil) throws -> RegistryClient {
        let tls = try RegistryTLS.shared.get()
        var log: (@Sendable (String) -> Void)? = nil
        if let recorder { log = { recorder.log($0) } }
        return RegistryClient(transport: CurlTransport(options: TransportOptions(caFile: tls.caFile, timeoutSeconds: 20, environment: [:])),
                              retry: RetryPolicy(sleep: { _ in }),
                              credentials: RegistryCredentialSources(explicit: explicit, environment: environment), log: log)
    }

    func registry(_ auth: LocalRegistry.Auth, pushCredentials: String? = nil) throws -> LocalRegistry {
        let r = try LocalRegistry(auth: auth, pushCredentials: pushCredentials)
        cleanups.append { r.stop() }
        return r
    }

    func at(_ r: LocalRegistry, _ repository: String) -> RegistryLocation { RegistryLocation(domain: r.hostPort, path: repository) }

    func testBasicAuthHeadGivesThePushedDigestAndAMissingTagIsNotFound() throws {
        let r = try registry(.htpasswd(["alice": "s3cret-alice"]))
        let pushed = try r.push("team/api", tag: "1.2.0")
        let c = try client(try dockerConfig(auths: [r.hostPort: "alice:s3cret-alice"]))
        XCTAssertEqual(try c.manifest(at(r, "team/api"), reference: "1.2.0").digest, pushed.digest)
        XCTAssertEqual(try c.manifest(at(r, "team/api"), reference: "1.2.0", get: true).digest, pushed.digest)
        XCTAssertEqual(try c.manifest(at(r, "team/api"), reference: pushed.digest).digest, pushed.digest)
        XCTAssertThrowsError(try c.manifest(at(r, "team/api"), reference: "9.9.9")) { e in
            let f = e as! ForgeError
            XCTAssertEqual(f.kind, .notFound)
            XCTAssertTrue(f.message.contains("answered 404 Not Found for team/api:9.9.9: MANIFEST_UNKNOWN: manifest unknown"), f.message)
        }
    }

    func testBasicAuthWithoutCredentialsOrWithWrongOnesIsRefusedNamingTheSource() throws {
        let r = try registry(.htpasswd(["alice": "s3cret-alice"]))
        try r.push("team/api", tag: "1.2.0")
        XCTAssertThrowsError(try client(try dockerConfig()).manifest(at(r, "team/api"), reference: "1.2.0")) { e in
            XCTAssertEqual((e as! ForgeError).kind, .authentication)
            XCTAssertTrue("\(e)".contains("none was found"), "\(e)")
        }
        XCTAssertThrowsError(try client(try dockerConfig(auths: [r.hostPort: "alice:wrong-password"])).manifest(at(r, "team/api"), reference: "1.2.0")) { e in
            XCTAssertTrue("\(e)".contains("refused the credential from"), "\(e)")
            XCTAssertFalse("\(e)".contains("wrong-password"), "\(e)")
        }
    }

    func testAnIndexIsPinnedByItsOwnDigestNotAChilds() throws {
        let r = try registry(.anonymous)
        let pushed = try r.push("team/api", tag: "2.0.0", index: true)
        XCTAssertEqual(pushed.children.count, 2)
        let c = try client(try dockerConfig())
        let head = try c.manifest(at(r, "team/api"), reference: "2.0.0")
        XCTAssertEqual(head.digest, pushed.digest)
        XCTAssertEqual(head.mediaType, "application/vnd.oci.image.index.v1+json")
        XCTAssertFalse(pushed.children.contains(head.digest))
        XCTAssertEqual(try c.manifest(at(r, "team/api"), reference: "2.0.0", get: true).digest, pushed.digest)
    }

    func testUnpagedServerTagsAreSortedAndComplete() throws {
        let r = try registry(.anonymous)
        for t in ["1.9.0", "1.10.0", "1.2.0", "latest"] { try r.push("team/api", tag: t) }
        XCTAssertEqual(try client(try dockerConfig()).tags(at(r, "team/api")), ["1.10.0", "1.2.0", "1.9.0", "latest"])
    }

    /// Token auth: the registry on 127.0.0.1 names a realm on 127.0.0.2. The realm gets the registry's credential
    /// (it is the realm the registry named), never the one config.json holds for 127.0.0.2 itself.
    func testBearerTokenFromARealmOnAnotherHostGetsOnlyTheRegistrysCredential() throws {
        for field in ["token", "access_token"] {
            let tokens = try TokenServer(users: ["alice": "alice-pw", "mallory": "mallory-pw"], field: field)
            cleanups.append { tokens.stop() }
            let r = try registry(.token(realm: tokens.realm), pushCredentials: "alice:alice-pw")
            let pushed = try r.push("team/api", tag: "1.2.0")
            let before = tokens.authorizations.count
            let env = try dockerConfig(auths: [r.hostPort: "alice:alice-pw", tokens.hostPort: "mallory:mallory-pw"])
            let c = try client(env)
            XCTAssertEqual(try c.manifest(at(r, "team/api"), reference: "1.2.0").digest, pushed.digest, field)
            XCTAssertEqual(try c.tags(at(r, "team/api")), ["1.2.0"], field)
            let sent = Array(tokens.authorizations.dropFirst(before))
            XCTAssertFalse(sent.isEmpty)
            XCTAssertEqual(Set(sent), ["Basic " + Data("alice:alice-pw".utf8).base64EncodedString()], field)
        }
    }

    func testBearerAnonymousPullWorksWithoutCredentials() throws {
        let tokens = try TokenServer(users: ["alice": "alice-pw"])
        cleanups.append { tokens.stop() }
        let r = try registry(.token(realm: tokens.realm), pushCredentials: "alice:alice-pw")
        let pushed = try r.push("team/api", tag: "1.2.0")
        XCTAssertEqual(try client(try dockerConfig()).manifest(at(r, "team/api"), reference: "1.2.0").digest, pushed.digest)
        XCTAssertEqual(tokens.authorizations.last, "")
    }

    func testCredentialHelperOnPathIsAsked() throws {
        let r = try registry(.htpasswd(["helper-user": "helper-pw"]))
        let pushed = try r.push("team/api", tag: "1.2.0")
        let bin = try scratch()
        let asked = bin.appendingPathComponent("asked")
        let helper = bin.appendingPathComponent("docker-credential-test")
        try """
        #!/bin/sh
        [ "$1" = get ] || exit 1
        read -r server
        echo "$server" >> '\(asked.path)'
        printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-pw"}' "$server"
        """.write(to: helper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helper.path)
        var env = try dockerConfig(credHelpers: [r.hostPort: "test"])
        env["PATH"] = bin.path + ":" + (env["PATH"] ?? "")
        try r.push("team/web", tag: "1.0.0")
        let c = try client(env)
        XCTAssertEqual(try c.manifest(at(r, "team/api"), reference: "1.2.0").digest, pushed.digest)
        _ = try c.tags(at(r, "team/api"))
        _ = try c.manifest(at(r, "team/web"), reference: "1.0.0")
        _ = try c.tags(at(r, "team/web"))
        XCTAssertEqual(try String(contentsOf: asked, encoding: .utf8), r.hostPort + "\n", "asked once for the registry, not per repository")
        // credsStore: the same helper for every registry; an explicit variable wins over both
        var store = try dockerConfig(credsStore: "test")
        store["PATH"] = env["PATH"]
        XCTAssertEqual(try client(store).manifest(at(r, "team/api"), reference: "1.2.0").digest, pushed.digest)
        store["REG_AUTH"] = "helper-user:not-this"
        XCTAssertThrowsError(try client(store, explicit: [r.hostPort: "REG_AUTH"]).manifest(at(r, "team/api"), reference: "1.2.0")) { e in
            XCTAssertTrue("\(e)".contains("refused the credential from REG_AUTH"), "\(e)")
        }
    }

    /// A helper that does not finish (a keychain prompt no one sees, a daemon it left running) is stopped after
    /// the run's --timeout, with an error naming it, instead of holding the job until the CI kills it.
    func testACredentialHelperThatDoesNotFinishIsStopped() throws {
        let bin = try scratch()
        for (name, body) in [("hang", "sleep 30"), ("linger", "printf '{\"Username\":\"u\",\"Secret\":\"s\"}'; exec >&-; sleep 30")] {
            let helper = bin.appendingPathComponent("docker-credential-" + name)
            try "#!/bin/sh\nread -r server\n\(body)\n".write(to: helper, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helper.path)
            var env = try dockerConfig(credHelpers: ["registry.test": name])
            env["PATH"] = bin.path + ":" + (env["PATH"] ?? "")
            let started = Date()
            XCTAssertThrowsError(try RegistryCredentialSources(environment: env, helperTimeout: 0.5).credential(for: "registry.test"), name) { e in
                XCTAssertTrue("\(e)".contains("docker-credential-\(name) get did not finish within 0.5s for registry.test (--timeout): stopped"), "\(e)")
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, name)
        }
    }

    func testRateLimitedThenAnswered() throws {
        let fake = try FakeRegistry(tags: ["1.0.0"], throttle: 1)
        cleanups.append { fake.stop() }
        let d = try client([:]).manifest(RegistryLocation(domain: fake.hostPort, path: "team/api"), reference: "1.0.0")
        XCTAssertTrue(d.digest.hasPrefix("sha256:"))
        XCTAssertEqual(fake.requests, ["HEAD /v2/team/api/manifests/1.0.0", "HEAD /v2/team/api/manifests/1.0.0"])
    }

    /// Nothing listens on the registry's loopback port: one try, at once (the forge client's rule too), so that a
    /// job aimed at a wrong port fails in milliseconds, not after 15 s of back-off.
    func testARefusedLoopbackConnectionIsNotRetried() throws {
        let port = try LocalRegistry.freePort()
        let rec = Recorder()
        let c = RegistryClient(transport: CurlTransport(options: TransportOptions(timeoutSeconds: 20, environment: [:])), retry: rec.policy(),
                               credentials: RegistryCredentialSources(environment: [:]))
        XCTAssertThrowsError(try c.manifest(RegistryLocation(domain: "127.0.0.1:\(port)", path: "team/api"), reference: "1.0.0")) { e in
            XCTAssertEqual((e as? ForgeError)?.kind, .transport)
            XCTAssertTrue("\(e)".contains("registry 127.0.0.1:\(port) unreachable while trying to look up team/api:1.0.0"), "\(e)")
            XCTAssertTrue("\(e)".contains("nothing listens on 127.0.0.1:\(port) on this machine"), "\(e)")
        }
        XCTAssertEqual(rec.sleeps, [])
        XCTAssertEqual(TransportError.refusal(connectingTo: RemoteURL("https://registry.example.com/v2/")), .connection, "another host's refusal is retried")
        XCTAssertEqual(TransportError.refusal(connectingTo: RemoteURL("https://localhost:5000/v2/")), .nothingListening)
        XCTAssertEqual(TransportError.refusal(connectingTo: RemoteURL("http://[::1]:3128")), .nothingListening)
    }

    func testLinkPaginationIsFollowedAndSorted() throws {
        let fake = try FakeRegistry(tags: ["b", "a", "d", "c", "e"], page: 2)
        cleanups.append { fake.stop() }
        XCTAssertEqual(try client([:]).tags(RegistryLocation(domain: fake.hostPort, path: "team/api")), ["a", "b", "c", "d", "e"])
        XCTAssertEqual(fake.requests.count, 3)
    }

    /// More pages than the client reads: an error, not the tags of the pages read (update would choose among some).
    func testATagListLongerThanMaxPagesIsRefusedNotCut() throws {
        let fake = try FakeRegistry(tags: ["b", "a", "d", "c", "e"], page: 2)
        cleanups.append { fake.stop() }
        let c = try client([:])
        c.maxPages = 2
        XCTAssertThrowsError(try c.tags(RegistryLocation(domain: fake.hostPort, path: "team/api"))) { e in
            XCTAssertTrue("\(e)".contains("named more than 2 pages of tags for team/api"), "\(e)")
        }
        c.maxPages = 3
        XCTAssertEqual(try c.tags(RegistryLocation(domain: fake.hostPort, path: "team/api")), ["a", "b", "c", "d", "e"])
    }

    /// A tag list is the registry's: names that are not tags (update would write them as they are) are left out.
    func testNamesThatAreNotTagsAreLeftOutOfTheTagList() throws {
        let fake = try FakeRegistry(tags: ["1.0.0", "-rc", ".hidden", "a b", "2.0.0\nimage: evil", String(repeating: "9", count: 129), "v_1.2-x"])
        cleanups.append { fake.stop() }
        XCTAssertEqual(try client([:]).tags(RegistryLocation(domain: fake.hostPort, path: "team/api")), ["1.0.0", "v_1.2-x"])
    }

    func testLinkToAnotherOriginIsNotFollowed() throws {
        let fake = try FakeRegistry(tags: ["a", "b", "c"], page: 2, linkElsewhere: true)
        cleanups.append { fake.stop() }
        XCTAssertThrowsError(try client([:]).tags(RegistryLocation(domain: fake.hostPort, path: "team/api"))) { e in
            XCTAssertEqual((e as! ForgeError).kind, .redirect)
        }
    }

    /// A HEAD answer's Docker-Content-Digest is written into files and reports as it is: one that is not a digest
    /// (short, upper-case hex, another algorithm, YAML) is refused, naming it.
    func testADigestHeaderThatIsNotADigestIsRefused() throws {
        for bad in ["sha256:0123", "sha256:" + String(repeating: "A", count: 64), "md5:d41d8cd98f00b204e9800998ecf8427e", "sha256:{a: b}"] {
            let fake = try FakeRegistry(tags: ["1.0.0"], digestHeader: bad)
            cleanups.append { fake.stop() }
            XCTAssertThrowsError(try client([:]).manifest(RegistryLocation(domain: fake.hostPort, path: "team/api"), reference: "1.0.0"), bad.debugDescription) { e in
                XCTAssertEqual((e as? ForgeError)?.kind, .invalidResponse)
                XCTAssertTrue("\(e)".contains("as the digest of team/api:1.0.0 (Docker-Content-Digest), which is not a digest"), "\(e)")
            }
        }
    }

    func testGetChecksDockerContentDigestAgainstTheBody() throws {
        let fake = try FakeRegistry(tags: ["1.0.0"], badDigest: true)
        cleanups.append { fake.stop() }
        XCTAssertThrowsError(try client([:]).manifest(RegistryLocation(domain: fake.hostPort, path: "team/api"), reference: "1.0.0", get: true)) { e in
            XCTAssertTrue("\(e)".contains("whose bytes hash to"), "\(e)")
        }
    }
}

/// The pure parts: Docker Hub naming, challenges, Link headers, SHA-256, credential keys, CI registries.
final class RegistryNamingTests: XCTestCase {
    func testDockerHubNaming() {
        let nginx = RegistryLocation(domain: nil, path: "nginx")
        XCTAssertEqual([nginx.apiHost, nginx.repository, nginx.registry], ["registry-1.docker.io", "library/nginx", "docker.io"])
        let org = RegistryLocation(domain: "docker.io", path: "bitnami/redis")
        XCTAssertEqual([org.apiHost, org.repository], ["registry-1.docker.io", "bitnami/redis"])
        XCTAssertEqual(RegistryLocation(domain: "index.docker.io", path: "alpine").repository, "library/alpine")
        let ghcr = RegistryLocation(domain: "ghcr.io", path: "org/app")
        XCTAssertEqual([ghcr.apiHost, ghcr.repository, ghcr.registry], ["ghcr.io", "org/app", "ghcr.io"])
        XCTAssertEqual(RegistryLocation(domain: "localhost:5000", path: "app").url("tags/list"), "https://localhost:5000/v2/app/tags/list")
    }

    func testChallenges() {
        let b = RegistryChallenge(header: #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#)
        XCTAssertEqual(b?.scheme, .bearer)
        XCTAssertEqual(b?.realm, "https://auth.docker.io/token")
        XCTAssertEqual(b?.service, "registry.docker.io")
        XCTAssertEqual(b?.scope, "repository:library/nginx:pull")
        XCTAssertEqual(RegistryChallenge(header: #"Basic realm="basic-realm""#)?.scheme, .basic)
        XCTAssertNil(RegistryChallenge(header: "Negotiate abc"))
    }

    func testLinkHeader() {
        let base = "https://r.example:5000/v2/app/tags/list?n=2"
        XCTAssertEqual(Pages.nextLink(#"</v2/app/tags/list?n=2&last=b>; rel="next""#, after: base), "https://r.example:5000/v2/app/tags/list?n=2&last=b")
        XCTAssertNil(Pages.nextLink(#"</v2/app/tags/list?n=2&last=b>; rel="prev""#, after: base))
        // the forge APIs' parser, now the registry's too: a relation list, a relative query, a comma in the URL
        XCTAssertEqual(Pages.nextLink(#"</v2/app/tags/list?n=2&last=a,b>; rel="prev next""#, after: base), "https://r.example:5000/v2/app/tags/list?n=2&last=a,b")
        XCTAssertEqual(Pages.nextLink(#"<?n=2&last=c>; REL=next"#, after: base), "https://r.example:5000/v2/app/tags/list?n=2&last=c")
    }

    func testSHA256() {
        XCTAssertEqual(SHA256.digest([UInt8]()), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.digest(Array("abc".utf8)), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = [UInt8](repeating: 0x61, count: 1_000_000)
        XCTAssertEqual(SHA256.digest(long), "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testCredentialKeysAndCIRegistries() throws {
        XCTAssertTrue(RegistryCredentialSources.matches("https://index.docker.io/v1/", registry: "docker.io"))
        XCTAssertTrue(RegistryCredentialSources.matches("https://registry.example.com", registry: "registry.example.com"))
        XCTAssertTrue(RegistryCredentialSources.matches("127.0.0.1:5000", registry: "127.0.0.1:5000"))
        XCTAssertFalse(RegistryCredentialSources.matches("127.0.0.1:5001", registry: "127.0.0.1:5000"))
        let gitlab = RegistryCredentialSources(environment: ["CI_REGISTRY": "registry.gitlab.example", "CI_REGISTRY_USER": "gitlab-ci-token", "CI_REGISTRY_PASSWORD": "pw", "CI_JOB_TOKEN": "jt"])
        XCTAssertEqual(try gitlab.credential(for: "registry.gitlab.example")?.secret, "pw")
        XCTAssertNil(try gitlab.credential(for: "ghcr.io"))
        let job = RegistryCredentialSources(environment: ["CI_REGISTRY": "registry.gitlab.example", "CI_JOB_TOKEN": "jt"])
        XCTAssertEqual(try job.credential(for: "registry.gitlab.example").map { [$0.username, $0.secret] }, ["gitlab-ci-token", "jt"])
        let github = RegistryCredentialSources(environment: ["GITHUB_TOKEN": "ght", "GITHUB_ACTOR": "octocat"])
        XCTAssertEqual(try github.credential(for: "ghcr.io").map { [$0.username, $0.secret] }, ["octocat", "ght"])
        XCTAssertNil(try github.credential(for: "registry.example.com"))
        // USER:PASSWORD, for --registry-auth-env and config.json's auth alike: split at the first colon
        XCTAssertEqual(RegistryCredential(userPassword: "alice:pa:ss", source: "s"), RegistryCredential(username: "alice", secret: "pa:ss", source: "s"))
        XCTAssertNil(RegistryCredential(userPassword: ":secret", source: "s"))
        XCTAssertNil(RegistryCredential(userPassword: "no-colon", source: "s"))
        // Docker Hub named as users also write it: the credential for docker.io (RegistryLocation.registry)
        let hub = RegistryCredentialSources(explicit: try RegistryAuthVariables.parse(["registry-1.docker.io=HUB"]), environment: ["HUB": "me:hub-pw"])
        XCTAssertEqual(try hub.credential(for: RegistryLocation(domain: nil, path: "nginx").registry)?.secret, "hub-pw")
        let colonless = RegistryCredentialSources(explicit: ["r.example": "AUTH"], environment: ["AUTH": ":pw"])
        XCTAssertThrowsError(try colonless.credential(for: "r.example")) { XCTAssertTrue("\($0)".contains("AUTH (--registry-auth-env for r.example) must hold USER:PASSWORD"), "\($0)") }
    }
}
