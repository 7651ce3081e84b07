import XCTest
@testable import GitOps

/// A key from a variable is written to a private directory in the run's TMPDIR (the environment the run was given),
/// not the process's own.
final class SigningTemporaryDirectoryTests: XCTestCase {
    func testTheKeyDirectoryIsMadeInTheRunsTMPDIR() throws {
        let missing = "/nonexistent-imagebump-tmp-\(getpid())"
        let signing = CommitSigning(format: .ssh, key: .material("-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n", variable: "K"),
                                    environment: ["TMPDIR": missing + "/", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        XCTAssertThrowsError(try signing.signature(of: Array("tree 0\n".utf8), committer: GitAuthor(name: "t", email: "t@localhost"))) { e in
            XCTAssertTrue("\(e)".contains("cannot create a private temporary directory in \(missing):"), "\(e)")
        }
    }
}
