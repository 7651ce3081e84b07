import XCTest
@testable import ImagebumpKit

final class TimelineTests: XCTestCase {
    func testDotsArePlacedByTimeColouredByKindAndTextIsEscaped() {
        let t0 = MetricsTests.t0
        func d(_ env: String, _ hours: Int64, _ kind: Deployment.Kind, _ commit: Int) -> Deployment {
            Deployment(timestamp: t0 + hours * 3600, environment: env, app: nil, image: "app",
                       old: "app:1", new: "app:<2>", files: ["f"], configCommit: HistoryFixture.id(commit), subject: "s", kind: kind)
        }
        let all = [d("prod", 12, .bump, 1), d("prod", 12, .bump, 1), d("prod", 36, .rollback, 2), d("a<&>b", 48, .promotion, 3), d("prod", 49, .bump, 4)]
        let svg = Timeline.svg(all, environments: ["prod", "a<&>b"], since: t0, until: t0 + 48 * 3600)
        // the plot spans x 140 to 780 over 48 hours: 12h at 300, 36h at 620, 48h at 780; rows at y 58 and 94
        XCTAssertTrue(svg.contains("<circle cx=\"300\" cy=\"58\" r=\"6\" fill=\"#2563eb\"><title>2026-03-01T12:00:00Z bump: app:1 → app:&lt;2&gt; (111111111111)</title></circle>"), svg)
        XCTAssertTrue(svg.contains("<circle cx=\"620\" cy=\"58\" r=\"6\" fill=\"#dc2626\">"), svg)
        XCTAssertTrue(svg.contains("<circle cx=\"780\" cy=\"94\" r=\"6\" fill=\"#16a34a\">"), svg)
        XCTAssertTrue(svg.contains("<text x=\"10\" y=\"98\">a&lt;&amp;&gt;b</text>"), svg)
        // one dot per commit, none outside the window: 3 deployments and the legend's 3
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 6)
        XCTAssertEqual(Timeline.escape("x\u{1}y\"'"), "x\u{FFFD}y&quot;&apos;")
    }
}
