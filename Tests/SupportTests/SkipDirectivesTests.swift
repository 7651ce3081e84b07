import XCTest
@testable import Support

/// What `SkipDirectives` changes: a word joiner after every `[`, inside `skip-checks` and `NO_CI`, nothing else.
final class SkipDirectivesTests: XCTestCase {
    let wj = "\u{2060}"

    func testEveryBracketAndBothWordsAreBroken() {
        XCTAssertEqual(SkipDirectives.neutralized("a [skip ci] b [CI-Skip]"), "a [\(wj)skip ci] b [\(wj)CI-Skip]")
        XCTAssertEqual(SkipDirectives.neutralized("[[no ci]"), "[\(wj)[\(wj)no ci]")
        XCTAssertEqual(SkipDirectives.neutralized("Skip-Checks: true"), "Skip\(wj)-Checks: true")
        XCTAssertEqual(SkipDirectives.neutralized("***no_ci***"), "***no\(wj)_ci***")
        for plain in ["", "apps/x/kustomization.yaml", "1.2.3-rc_1", "skip-check", "skipchecks", "no-ci", "]", "ü-_"] {
            XCTAssertEqual(SkipDirectives.neutralized(plain), plain)
        }
    }

    /// Code spans and literal text, which commit messages and MR/PR text are made of, are neutralised.
    func testMarkdownValuesCarryNoDirective() {
        XCTAssertEqual(MarkdownText.code("[skip ci]"), "`[\(wj)skip ci]`")
        XCTAssertEqual(MarkdownText.tableCode("a|[ci skip]"), "`a\\|[\(wj)ci skip]`")
        XCTAssertEqual(MarkdownText.literal("[no ci]"), "\\[\(wj)no ci\\]")
    }
}
