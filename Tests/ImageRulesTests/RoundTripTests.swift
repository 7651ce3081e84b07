import XCTest
import Foundation
import TestSupport
@testable import ImageRules

/// Over the corpus: bumping any listed image keeps every reference in place and the bumped ones read back,
/// through the same rules, with the new tag.
final class RoundTripTests: XCTestCase {
    func testEveryListedImageCanBeBumpedAndReadsBackWithTheNewTag() throws {
        guard let corpus = corpusDirectory() else { throw XCTSkip("shared corpus not found") }
        let dir = corpus.appendingPathComponent("manifests")
        let tag = "9.9.9-roundtrip"
        var bumped = 0, refused = 0
        for sub in try FileManager.default.subpathsOfDirectory(atPath: dir.path).sorted() {
            let file = (sub as NSString).lastPathComponent
            guard let bytes = try? [UInt8](Data(contentsOf: dir.appendingPathComponent(sub))),
                  let before = try? ImagePlanner.images(file: file, bytes: bytes) else { continue }
            // at most three distinct names per file keep the test fast
            var seen = Set<String>()
            for name in before.map(\.name) where seen.insert(name).inserted && seen.count <= 3 {
                let spec = try ImageSpec(parsing: name + ":" + tag)
                let plan: FilePlan
                do { plan = try ImagePlanner(specs: [spec]).plan(file: file, bytes: bytes) } catch {
                    refused += 1 // anchors with aliases, repeated keys: refused with a place, never half-written
                    XCTAssertNotNil(error.line, "\(sub): \(error)")
                    continue
                }
                bumped += 1
                XCTAssertEqual(plan.matchedSpecs, [0], "\(sub): \(name)")
                let after = try ImagePlanner.images(file: file, bytes: plan.updated)
                XCTAssertEqual(after.count, before.count, "\(sub): bumping \(name) changed the number of references")
                XCTAssertEqual(after.map(\.kind), before.map(\.kind), "\(sub): bumping \(name) changed what the rules see")
                if plan.changes.contains(where: { $0.new.contains(":" + tag) }) {
                    XCTAssertTrue(after.contains { $0.tag == tag }, "\(sub): \(name) changed, but no reference reads back with the new tag")
                }
                XCTAssertEqual(plan.changes.isEmpty, !plan.changed, "\(sub): \(name) reported changes that the bytes do not have, or the reverse")
            }
        }
        print("round trip: \(bumped) bumps, \(refused) refused")
        XCTAssertGreaterThan(bumped, 300)
        XCTAssertLessThan(refused, bumped / 20)
    }
}
