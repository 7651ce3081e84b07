import XCTest
import Support
import TestSupport
@testable import YAMLEdit


/// A parser-independent view of a stream: every node in pre-order with what a loader sees.
struct FlatNode: Equatable {
    let kind: YAMLNode.Kind, tag: String?, anchor: String?, value: String, children: Int
}

func flatten(_ s: YAMLStream) -> [FlatNode] {
    var out: [FlatNode] = []
    for d in s.documents {
        guard let d else { out.append(FlatNode(kind: .scalar, tag: "<empty-doc>", anchor: nil, value: "", children: 0)); continue }
        d.walk { out.append(FlatNode(kind: $0.kind, tag: $0.tag, anchor: $0.anchor, value: $0.value, children: $0.children.count)) }
    }
    return out
}

final class CorpusPropertyTests: XCTestCase {
    struct Tally { var files = 0, skipped = 0, edits = 0, refused = 0 }

    /// For one file: a no-op edit is byte-identical; each value scalar edited in turn re-parses to the same
    /// tree with only that value changed and only its bytes touched, or is refused with an error.
    func check(bytes: [UInt8], name: String, maxEdits: Int, tally: inout Tally) {
        guard let stream = try? YAMLParser.parse(bytes) else { tally.skipped += 1; return }
        tally.files += 1
        XCTAssertEqual(try YAMLEditor(stream: stream).apply(), bytes, "no-op changed \(name)")
        let before = flatten(stream)
        var targets: [YAMLNode] = []
        for d in stream.documents.compactMap({ $0 }) {
            d.walk { n in
                if n.kind == .scalar, n.parent != nil, n.keyInParent != nil || n.parent?.kind == .sequence { targets.append(n) }
            }
        }
        let step = max(1, targets.count / maxEdits)
        for (k, node) in targets.enumerated() where k % step == 0 {
            tally.edits += 1
            let newValue = "edited-\(node.id)"
            var ed = YAMLEditor(stream: stream)
            do {
                try ed.setScalar(node, to: newValue)
            } catch {
                tally.refused += 1 // refused before the edit (an alias, a non-scalar)
                continue
            }
            do {
                let out = try ed.apply()
                let reparsed = try YAMLParser.parse(out)
                var expected = before
                let idx = preorderIndex(of: node, in: stream)
                let old = expected[idx]
                expected[idx] = FlatNode(kind: old.kind, tag: old.tag, anchor: old.anchor, value: newValue, children: 0)
                XCTAssertEqual(flatten(reparsed), expected, "\(name): editing line \(node.line) changed other nodes")
                // an empty value is written right after its `:` (in a flow mapping that is before the node's own place)
                let from = node.value.isEmpty && node.style == .plain ? (YAMLEditor.colon(before: node.valueStart, in: bytes).map { $0 + 1 } ?? node.valueStart) : node.valueStart
                XCTAssertEqual(Array(out[..<from]), Array(bytes[..<from]), "\(name): bytes before the value changed")
                let tailLen = bytes.count - node.end
                XCTAssertEqual(Array(out.suffix(tailLen)), Array(bytes.suffix(tailLen)), "\(name): bytes after the value changed")
            } catch let e as Problem {
                XCTAssertTrue(e.message.contains("nothing written") || e.message.contains("refusing"))
                tally.refused += 1
            } catch {
                XCTFail("\(name): unexpected error \(error)")
            }
        }
    }

    func preorderIndex(of node: YAMLNode, in stream: YAMLStream) -> Int {
        var i = 0, found = -1
        for d in stream.documents {
            guard let d else { i += 1; continue }
            d.walk { n in if n === node { found = i }; i += 1 }
        }
        return found
    }

    func testYAMLTestSuite() throws {
        guard let corpus = corpusDirectory() else { throw XCTSkip("shared corpus not found") }
        let suite = corpus.appendingPathComponent("yaml-test-suite")
        var tally = Tally()
        let fm = FileManager.default
        let enumerator = fm.enumerator(at: suite, includingPropertiesForKeys: nil)!
        var cases: [URL] = []
        for case let url as URL in enumerator where url.lastPathComponent == "in.yaml" { cases.append(url) }
        for url in cases.sorted(by: { $0.path < $1.path }) {
            let dir = url.deletingLastPathComponent()
            if fm.fileExists(atPath: dir.appendingPathComponent("error").path) { continue }
            let bytes = [UInt8](try Data(contentsOf: url))
            check(bytes: bytes, name: dir.lastPathComponent, maxEdits: 1000, tally: &tally)
        }
        print("yaml-test-suite: \(tally.files) valid cases checked, \(tally.skipped) not parsed by libyaml, \(tally.edits) edits, \(tally.refused) refused")
        XCTAssertGreaterThan(tally.files, 250)
        XCTAssertGreaterThan(tally.edits - tally.refused, tally.edits * 8 / 10)
    }

    func testManifests() throws {
        guard let corpus = corpusDirectory() else { throw XCTSkip("shared corpus not found") }
        let dir = corpus.appendingPathComponent("manifests")
        var tally = Tally()
        let files = try FileManager.default.subpathsOfDirectory(atPath: dir.path).sorted()
        for f in files {
            let url = dir.appendingPathComponent(f)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else { continue }
            let bytes = [UInt8](try Data(contentsOf: url))
            // every value of small files; a sample of large Helm values files (each edit re-parses the file)
            let before = tally.skipped
            check(bytes: bytes, name: f, maxEdits: max(3, min(40, 1_000_000 / max(bytes.count, 1))), tally: &tally)
            if tally.skipped > before { XCTAssertTrue(f.contains("broken"), "\(f) does not parse") }
        }
        print("manifests: \(tally.files) files, \(tally.skipped) unparsable, \(tally.edits) edits, \(tally.refused) refused")
        XCTAssertGreaterThan(tally.files, 300)
        XCTAssertLessThanOrEqual(tally.skipped, 1) // argo-cd's deliberately broken .argocd-source-broken.yaml
        XCTAssertGreaterThan(tally.edits - tally.refused, tally.edits * 9 / 10)
    }
}
