import XCTest
import Foundation
import TestSupport
@testable import ImageRules
import YAMLEdit

/// Over every values file of the corpus: bump the main image (the first Helm mapping) to a new tag and digest;
/// only the bytes of its tag and digest values change (and the keys inserted for them), and the reference the
/// rules read back is the valid reference the spec asked for.
final class HelmCorpusBumpTests: XCTestCase {
    static let tag = "9.9.9-corpus", digest = "sha256:" + String(repeating: "c", count: 64)
    static let partKeys = Set(HelmValuesRule.tagKeys + HelmValuesRule.digestKeys)

    func testMainImageOfEveryValuesFileChangesOnlyItsTagAndDigestBytes() throws {
        guard let corpus = corpusDirectory() else { throw XCTSkip("shared corpus not found") }
        let dir = corpus.appendingPathComponent("manifests/helm-values")
        var bumped = 0, refused = 0, without = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(file)))
            guard let stream = try? YAMLParser.parse(bytes), let (h, index) = mainImage(file, bytes, stream) else { without += 1; continue }
            let spec = try ImageSpec(parsing: h.name.written + ":" + Self.tag + "@" + Self.digest)
            let plan: FilePlan
            do { plan = try ImagePlanner(specs: [spec]).plan(file: file, bytes: bytes) } catch {
                refused += 1 // an anchored value with aliases: refused with its place
                XCTAssertNotNil(error.line, "\(file): \(error)")
                continue
            }
            bumped += 1
            let after = try ImagePlanner.images(file: file, bytes: plan.updated)
            let before = try ImagePlanner.images(file: file, bytes: bytes)
            XCTAssertEqual(after.count, before.count, file)
            guard index < after.count else { continue }
            let now = after[index]
            XCTAssertEqual(now.kind, .helm, file)
            XCTAssertEqual(now.tag, Self.tag, "\(file): line \(now.line)")
            XCTAssertEqual(now.digest, Self.digest, "\(file): line \(now.line)")
            XCTAssertNoThrow(try ImageReference(parsing: now.name + ":" + (now.tag ?? "") + "@" + (now.digest ?? "")), file)
            XCTAssertEqual(try ImageName(parsing: now.name), h.name, file)
            try assertOnlyPartsChanged(file, old: stream, mapping: h.mapping, new: plan.updated)
        }
        print("helm corpus bump: \(bumped) files bumped, \(refused) refused, \(without) without a Helm mapping")
        XCTAssertGreaterThan(bumped, 55)
        XCTAssertLessThanOrEqual(refused, 2)
    }

    /// The first Helm mapping's fields and the index of its site among the file's images.
    func mainImage(_ file: String, _ bytes: [UInt8], _ stream: YAMLStream) -> (HelmFields, Int)? {
        var index = 0
        for root in stream.documents.compactMap({ $0 }) {
            guard let doc = DocumentScan(file: file, bytes: bytes, root: root) else { continue }
            for site in ImageRules.sites(in: doc) {
                if case .helm(let h) = site.shape { return (h, index) }
                index += 1
            }
        }
        return nil
    }

    /// With every tag/digest value of the mapping cut out of both files (from the end of its key), and the pairs
    /// inserted into it cut out of the new one, the two files are the same bytes.
    func assertOnlyPartsChanged(_ file: String, old: YAMLStream, mapping: YAMLNode, new: [UInt8]) throws {
        let reparsed = try YAMLParser.parse(new)
        var newMapping: YAMLNode?
        for d in reparsed.documents.compactMap({ $0 }) { d.walk { if $0.id == mapping.id { newMapping = $0 } } }
        guard let m2 = newMapping, m2.kind == .mapping else { return XCTFail("\(file): mapping not found again") }
        var cutOld: [Range<Int>] = [], cutNew: [Range<Int>] = []
        let oldKeys = Set(mapping.pairs.map(\.key.value))
        for (k, v) in mapping.pairs where Self.partKeys.contains(k.value) { cutOld.append(k.end..<v.end) }
        for (k, v) in m2.pairs {
            if !oldKeys.contains(k.value) {
                XCTAssertTrue(Self.partKeys.contains(k.value), "\(file): inserted '\(k.value)'")
                var ls = k.start
                while ls > 0 && new[ls - 1] != 0x0A { ls -= 1 }
                let from = m2.isFlow ? ls : max(0, ls - (ls >= 2 && new[ls - 2] == 0x0D ? 2 : 1))
                cutNew.append((m2.isFlow ? k.start - 2 : from)..<v.end)
            } else if Self.partKeys.contains(k.value) {
                cutNew.append(k.end..<v.end)
            }
        }
        XCTAssertEqual(cut(old.source.bytes, cutOld), cut(new, cutNew), "\(file): bytes other than the tag and digest changed")
    }

    func cut(_ bytes: [UInt8], _ ranges: [Range<Int>]) -> [UInt8] {
        var out: [UInt8] = [], at = 0
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) { out += bytes[at..<r.lowerBound]; at = r.upperBound }
        return out + bytes[at...]
    }
}
