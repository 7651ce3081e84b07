import XCTest
import Support

/// `--registry-auth-env REGISTRY=NAME`, the one parser the option's validation and the registry client share.
final class RegistryAuthVariablesTests: XCTestCase {
    func testValuesAndRefusals() throws {
        XCTAssertEqual(try RegistryAuthVariables.parse(["Registry.Example.com=REG_AUTH", "127.0.0.1:5000=LOCAL_1", "127.0.0.1:5000=LOCAL_1"]),
                       ["registry.example.com": "REG_AUTH", "127.0.0.1:5000": "LOCAL_1"])
        for bad in ["nohost", "=NAME", "host=", "host=BAD-NAME", "host=A B", "host=$X"] {
            XCTAssertThrowsError(try RegistryAuthVariables.parse([bad]), bad) { e in
                XCTAssertTrue((e as? Problem)?.message.contains("expected REGISTRY=NAME") == true, "\(e)")
            }
        }
        XCTAssertEqual(try RegistryAuthVariables.parse(["index.docker.io=HUB"]), ["docker.io": "HUB"])
        XCTAssertEqual(try RegistryAuthVariables.parse(["Registry-1.Docker.io=HUB", "docker.io=HUB"]), ["docker.io": "HUB"])
        XCTAssertThrowsError(try RegistryAuthVariables.parse(["ghcr.io=A", "GHCR.io=B"])) { e in
            XCTAssertEqual((e as? Problem)?.message, "--registry-auth-env names two variables for ghcr.io, A and B: give one per registry")
        }
    }
}
