import Foundation
import XCTest

/// kubectl kustomize, the independent oracle the kustomization tests check imagebump's edits and answers against.
public enum Kustomize {
    /// The installed kubectl; `unavailable` when there is none (a skip locally, a failure in CI, where
    /// scripts/install-deps.sh installs it).
    public static func kubectl() throws -> String {
        guard let path = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw unavailable("kubectl is not installed: the kustomize oracle cannot run")
        }
        return path
    }

    /// What `kubectl kustomize dir` prints (dir relative to `cwd` when given). A render that fails fails the test,
    /// naming kubectl's error and `context` (what was being rendered).
    public static func render(_ dir: String, in cwd: String? = nil, context: String = "",
                              file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try runProgram(try kubectl(), ["kustomize", dir], in: cwd)
        XCTAssertEqual(r.status, 0, "kubectl kustomize \(dir) failed: \(r.stderr)\n\(context)", file: file, line: line)
        return r.stdout
    }
}
