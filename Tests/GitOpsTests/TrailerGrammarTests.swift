import Foundation
import GitOps
import ImagebumpKit
import TestSupport
import XCTest

/// One trailer grammar, read and written: the trailers imagebump adds land where git reads them, a trailer merely
/// mentioned in the text does not stop one being added, and `Trailers(message:)` reads what `git interpret-trailers
/// --parse` reads.
final class TrailerGrammarTests: XCTestCase {
    /// `git interpret-trailers --parse`'s `Key: value` lines for `message`.
    func gitParse(_ message: String) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("trailers-\(UUID().uuidString)")
        try Data(message.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try runProgram("/usr/bin/git", ["interpret-trailers", "--parse", "--no-divider", file.path], environment: ["GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n").map(String.init)
    }

    func ours(_ message: String) -> [String] { Trailers(message: message).entries.map { "\($0.key): \($0.value)" } }

    func testATrailerMentionedInTheTextIsStillAdded() {
        let p = Provenance(commit: "abc1234")
        XCTAssertEqual(CommitMessage.withTrailers("deploy what Source-Commit: abc1234 built", provenance: p),
                       "deploy what Source-Commit: abc1234 built\n\nSource-Commit: abc1234\n")
        // one the trailer block holds is not repeated
        XCTAssertEqual(CommitMessage.withTrailers("deploy\n\nSource-Commit: abc1234", provenance: p), "deploy\n\nSource-Commit: abc1234\n")
    }

    func testTrailersJoinTheMessagesTrailerBlockAndGitReadsThemAll() throws {
        let message = CommitMessage.withTrailers("deploy\n\nbody\n\nSigned-off-by: A <a@example.test>", provenance: Provenance(commit: "abc1234", rollbackOf: ["def5678"]))
        XCTAssertEqual(message, "deploy\n\nbody\n\nSigned-off-by: A <a@example.test>\nSource-Commit: abc1234\nRollback-Of: def5678\n")
        XCTAssertEqual(try gitParse(message), ["Signed-off-by: A <a@example.test>", "Source-Commit: abc1234", "Rollback-Of: def5678"])
        XCTAssertEqual(ours(message), try gitParse(message))
    }

    func testTheReaderAgreesWithGit() throws {
        for message in [
            "subject\n\nbody\n\nKey: value\nOther-Key: two words\n",
            "subject\n\nFolded: a long\n  value on two lines\nNext: x\n",
            "subject\n\nSpaced-Key : value\n",
            "subject\n\nKey: value\n\n",
            "Key: a subject is no trailer\n",
            "subject\n\nkey: lower case\nKEY: upper\n",
        ] {
            XCTAssertEqual(ours(message), try gitParse(message), message.debugDescription)
        }
    }
}
