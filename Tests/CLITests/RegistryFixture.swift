import Foundation
import TestSupport
import XCTest

/// Debian's docker-registry on 127.0.0.1 (TLS with the tests' CA, htpasswd) holding team/api:1.2.0 (one manifest)
/// and team/web:2.0.0 (an OCI index of two platforms), and a config checkout that refers to both. No Docker config
/// (an empty DOCKER_CONFIG): the only credential is the one `auth` names with --registry-auth-env.
final class RegistryFixture {
    let registry: LocalRegistry
    let api: String, web: String
    let apiDigest: String, webIndex: String, webChildren: [String]
    let env: [String: String]
    let caFile: String
    var auth: [String] { ["--ca-file", caFile, "--registry-auth-env", "\(registry.hostPort)=TEST_REGISTRY_AUTH"] }

    init(test: XCTestCase) throws {
        let r = try LocalRegistry(auth: .htpasswd(["alice": "alice-registry-pw"]))
        test.addTeardownBlock { r.stop() }
        registry = r
        let pushedAPI = try r.push("team/api", tag: "1.2.0")
        let pushedWeb = try r.push("team/web", tag: "2.0.0", index: true)
        (api, web) = ("\(r.hostPort)/team/api", "\(r.hostPort)/team/web")
        (apiDigest, webIndex, webChildren) = (pushedAPI.digest, pushedWeb.digest, pushedWeb.children)
        env = ["TEST_REGISTRY_AUTH": "alice:alice-registry-pw", "DOCKER_CONFIG": try Fixtures.scratch("docker-config").path]
        caFile = try RegistryTLS.shared.get().caFile
    }

    /// A kustomization (api), a Deployment with an inline image (web) and Helm values (api).
    var files: [String: String] {
        [
            "app/kustomization.yaml": "resources:\n- deployment.yaml\nimages:\n- name: \(api)\n  newTag: 1.0.0\n",
            "app/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: \(web):1.0.0\n",
            "chart/values.yaml": "image:\n  repository: \(api)\n  tag: 1.0.0\n",
        ]
    }

    /// A scratch directory holding `files`.
    func checkout() throws -> URL {
        let dir = try Fixtures.scratch("registry-config")
        for (path, text) in files { try Fixtures.write(text, to: dir.appendingPathComponent(path)) }
        return dir
    }
}
