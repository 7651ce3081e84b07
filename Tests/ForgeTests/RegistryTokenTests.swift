import Foundation
import XCTest
@testable import Forge
import TestSupport

/// The token flow as an attacker who controls a registry's answers would use it: the challenge names the scope,
/// the realm and the service, and none of them may widen what the user's credential is used for.
extension RegistryClientTests {
    func fakeChallenging(_ challenge: String) throws -> FakeRegistry {
        let fake = try FakeRegistry(tags: ["1.0.0"], challenge: challenge)
        cleanups.append { fake.stop() }
        return fake
    }

    /// imagebump only reads: a challenge asking for push gets a token request for pull on the repository only, and
    /// one naming another repository is refused before the token service is asked anything.
    func testATokenIsAskedForPullOnTheRepositoryWhateverTheChallengeNames() throws {
        let tokens = try TokenServer(users: ["alice": "alice-pw"])
        cleanups.append { tokens.stop() }
        let push = try fakeChallenging(#"Bearer realm="\#(tokens.realm)",service="svc",scope="repository:team/api:pull,push""#)
        let env = try dockerConfig(auths: [push.hostPort: "alice:alice-pw"])
        XCTAssertTrue(try client(env).manifest(RegistryLocation(domain: push.hostPort, path: "team/api"), reference: "1.0.0").digest.hasPrefix("sha256:"))
        XCTAssertEqual(tokens.paths, ["/token?service=svc&scope=repository%3Ateam%2Fapi%3Apull"])

        let other = try fakeChallenging(#"Bearer realm="\#(tokens.realm)",service="svc",scope="repository:team/api:pull repository:team/secret:pull""#)
        let env2 = try dockerConfig(auths: [other.hostPort: "alice:alice-pw"])
        XCTAssertThrowsError(try client(env2).manifest(RegistryLocation(domain: other.hostPort, path: "team/api"), reference: "1.0.0")) { e in
            XCTAssertEqual((e as? ForgeError)?.kind, .invalidResponse)
            XCTAssertTrue("\(e)".contains("asked for a token for repository:team/secret:pull while trying to look up team/api:1.0.0"), "\(e)")
        }
        XCTAssertEqual(tokens.paths.count, 1, "the token service was asked nothing more")
    }

    /// A realm on another host gets the registry's credential (as the registry asks, and as Docker does), and the log
    /// says so once, naming the registry, the realm's host and where the credential came from, never the secret.
    func testARealmOnAnotherHostIsNamedInTheLogOnce() throws {
        let tokens = try TokenServer(users: ["alice": "alice-pw"])
        cleanups.append { tokens.stop() }
        let r = try registry(.token(realm: tokens.realm), pushCredentials: "alice:alice-pw")
        try r.push("team/api", tag: "1.2.0")
        try r.push("team/web", tag: "1.0.0")
        let rec = Recorder()
        let c = try client(try dockerConfig(auths: [r.hostPort: "alice:alice-pw"]), recorder: rec)
        _ = try c.manifest(at(r, "team/api"), reference: "1.2.0")
        _ = try c.tags(at(r, "team/api"))
        _ = try c.manifest(at(r, "team/web"), reference: "1.0.0")
        XCTAssertEqual(rec.logs.filter { $0.contains("token service") }.count, 1, "once: \(rec.logs)")
        let line = try XCTUnwrap(rec.logs.first { $0.contains("token service") })
        XCTAssertTrue(line.hasPrefix("registry \(r.hostPort) names a token service on another host, 127.0.0.2: it is sent the credential from "), line)
        XCTAssertTrue(line.hasSuffix("auths[\(r.hostPort)] for \(r.hostPort)"), line)
        XCTAssertFalse(rec.logs.joined().contains("alice-pw"))

        let anonymous = Recorder() // nothing is sent: nothing to say
        _ = try client(try dockerConfig(), recorder: anonymous).manifest(at(r, "team/api"), reference: "1.2.0")
        XCTAssertEqual(anonymous.logs, [])
    }

    /// Realms an attacker's registry answer could name to get the credential in clear, to widen the scope, or to
    /// aim it at this machine: refused before anything is sent.
    func testARealmThatIsNotHttpsHoldsCredentialsOrNamesAScopeIsNotAsked() throws {
        let tokens = try TokenServer(users: ["alice": "alice-pw"])
        cleanups.append { tokens.stop() }
        let realms = [
            ("http://\(tokens.hostPort)/token", "not an https URL"),
            ("https://eve:pw@\(tokens.hostPort)/token", "which holds a user name or password"),
            ("https://\(tokens.hostPort)/token?scope=repository:team/api:push", "whose query names a scope"),
        ]
        for (realm, reason) in realms {
            let fake = try fakeChallenging(#"Bearer realm="\#(realm)",service="svc",scope="repository:team/api:pull""#)
            let env = try dockerConfig(auths: [fake.hostPort: "alice:alice-pw"])
            XCTAssertThrowsError(try client(env).manifest(RegistryLocation(domain: fake.hostPort, path: "team/api"), reference: "1.0.0")) { e in
                XCTAssertTrue("\(e)".contains("names a token realm "), "\(e)")
                XCTAssertTrue("\(e)".contains(reason + ": nothing is sent there"), "\(e)")
                XCTAssertFalse("\(e)".contains("eve:pw"), "\(e)")
            }
        }
        XCTAssertEqual(tokens.paths, [])
    }

    func testARealmOnThisMachineIsRefusedForARegistryThatIsNot() {
        XCTAssertNotNil(RegistryClient.realmRefusal("https://127.0.0.1:8080/token", registryHost: "registry.example.com"))
        XCTAssertNotNil(RegistryClient.realmRefusal("https://localhost/token", registryHost: "registry.example.com:5000"))
        XCTAssertNotNil(RegistryClient.realmRefusal("https://169.254.169.254/latest", registryHost: "registry.example.com"))
        XCTAssertNotNil(RegistryClient.realmRefusal("https://[::1]/token", registryHost: "ghcr.io"))
        XCTAssertNil(RegistryClient.realmRefusal("https://auth.docker.io/token", registryHost: "registry-1.docker.io"))
        XCTAssertNil(RegistryClient.realmRefusal("https://127.0.0.2:4443/token", registryHost: "127.0.0.1:5000"))
        XCTAssertNil(RegistryClient.realmRefusal("https://ghcr.io/token?x=1", registryHost: "ghcr.io"))
    }
}
