import Foundation
import XCTest
@testable import ImagebumpKit
import ImageRules

final class PromotionTests: XCTestCase {
    let config = EnvironmentsConfig(file: "imagebump.yaml", environments: [
        Environment(name: "dev", files: ["d"]), Environment(name: "staging", files: ["s"]),
        Environment(name: "production", files: ["p"], mode: .mergeRequest),
    ], promotion: ["dev", "staging", "production"])

    func held(_ image: String, _ tag: String?, _ digest: String? = nil, file: String = "s/k.yaml", line: Int = 3) -> HeldImage {
        HeldImage(FoundImage(kind: .container, name: image, tag: tag, digest: digest, file: file, line: line))
    }

    let digest = "sha256:" + String(repeating: "ab", count: 32)

    func testPromotesWhatFromHoldsAndReportsWhatToLacks() throws {
        let p = try Promotion.plan(config, from: "staging", to: "production",
                                   fromImages: [held("registry.example.com/app", "1.4.0", digest), held("worker", "2.0.0"), held("docker.io/library/redis", "7.2.0")],
                                   toImages: [held("registry.example.com/app", "1.3.0", file: "p/k.yaml"), held("redis", "7.0.0", file: "p/k.yaml")])
        XCTAssertEqual(p.specs.map(\.text), ["registry.example.com/app:1.4.0@\(digest)", "docker.io/library/redis:7.2.0"])
        XCTAssertEqual(p.notInTarget.map(\.image.name), ["worker"])
        XCTAssertEqual(p.summary, "promote staging → production")

        let added = try Promotion.plan(config, from: "staging", to: "production", fromImages: [held("worker", "2.0.0")], toImages: [], add: true)
        XCTAssertEqual(added.specs.map(\.text), ["worker:2.0.0"])
    }

    func testOnlyTheNamedImages() throws {
        let from = [held("registry.example.com/app", "1.4.0"), held("worker", "2.0.0")]
        let to = [held("registry.example.com/app", "1.3.0"), held("worker", "1.0.0")]
        let p = try Promotion.plan(config, from: "dev", to: "staging", fromImages: from, toImages: to, only: ["docker.io/library/worker"])
        XCTAssertEqual(p.specs.map(\.text), ["worker:2.0.0"])
        XCTAssertThrowsError(try Promotion.plan(config, from: "dev", to: "staging", fromImages: from, toImages: to, only: ["nginx"])) { e in
            XCTAssertEqual("\(e)", "dev does not hold nginx (it holds: registry.example.com/app, worker)")
        }
    }

    func testOutOfOrderIsRefusedUnlessSkipOrder() throws {
        let from = [held("app", "1.0.0")], to = [held("app", "0.9.0")]
        XCTAssertThrowsError(try Promotion.plan(config, from: "dev", to: "production", fromImages: from, toImages: to)) { e in
            XCTAssertTrue("\(e)".contains("skips staging"), "\(e)")
        }
        XCTAssertEqual(try Promotion.plan(config, from: "dev", to: "production", fromImages: from, toImages: to, skipOrder: true).specs.count, 1)
    }

    func testAmbiguousEmptyAndUnpromotable() {
        XCTAssertThrowsError(try Promotion.plan(config, from: "dev", to: "staging",
                                                fromImages: [held("app", "1.0.0", file: "d/a.yaml", line: 4), held("app", "1.1.0", file: "d/b.yaml", line: 9)],
                                                toImages: [held("app", "0.9.0")])) { e in
            XCTAssertEqual("\(e)", "dev holds app at two references, app:1.0.0 (d/a.yaml:4) and app:1.1.0 (d/b.yaml:9); make them one, or promote the others with --image")
        }
        XCTAssertThrowsError(try Promotion.plan(config, from: "dev", to: "staging", fromImages: [], toImages: [])) { e in
            XCTAssertEqual("\(e)", "the files of dev hold no image references")
        }
        XCTAssertThrowsError(try Promotion.plan(config, from: "dev", to: "staging", fromImages: [held("app", "{GENERATED}")], toImages: [held("app", "1")])) { e in
            XCTAssertTrue("\(e)".hasPrefix("s/k.yaml:3: dev holds app:{GENERATED}, which cannot be promoted: "), "\(e)")
        }
        XCTAssertThrowsError(try Promotion.plan(config, from: "dev", to: "staging", fromImages: [held("app", "1.0.0")], toImages: [held("other", "1")])) { e in
            XCTAssertEqual("\(e)", "none of the images to promote is in the files of staging (app); use --add to add them")
        }
    }
}
