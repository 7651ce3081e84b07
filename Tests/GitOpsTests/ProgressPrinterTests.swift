import XCTest
@testable import GitOps

/// One line per event: a phase reported at 100% more than once (libgit2 does, the last report carrying the final
/// byte count) is printed once with the last numbers; publish results are left to a caller that reports them.
final class ProgressPrinterTests: XCTestCase {
    final class Box: @unchecked Sendable { var text = "" }

    func testRepeatedCompletionPrintsOnceWithTheFinalByteCount() {
        for tty in [false, true] {
            let out = Box()
            let p = ProgressPrinter(isTTY: tty, showOutcome: false, write: { out.text += $0 })
            p.handle(.step("pushing to git://h/r.git (main)"))
            p.handle(.push(current: 7, total: 7, bytes: 4))
            p.handle(.push(current: 7, total: 7, bytes: 945))
            p.handle(.outcome("pushed abc to main"))
            p.finish()
            let shown = out.text.split(separator: "\n").map { $0.split(separator: "\r").last.map(String.init) ?? "" }
                .map { $0.replacingOccurrences(of: "\u{1B}[K", with: "") }
            XCTAssertEqual(shown, ["pushing to git://h/r.git (main)", "writing objects: 100% (7/7) (945 B)"], "tty=\(tty): \(out.text)")
        }
        let all = Box()
        let p = ProgressPrinter(isTTY: false, write: { all.text += $0 })
        p.handle(.outcome("pushed abc to main"))
        XCTAssertEqual(all.text, "pushed abc to main\n", "shown by default")
    }
}
