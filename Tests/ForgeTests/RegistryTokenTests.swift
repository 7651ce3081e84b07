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
}
