import Foundation
import XCTest
import TestSupport
@testable import ImageRules
import YAMLEdit

/// An independent check with PyYAML (a different parser, YAML 1.1 typing like kubectl's): for every corpus
/// manifest that holds an image, bump it to tag `1.20` (a float if written plain) and let PyYAML confirm that the
/// edited file loads to the same data except for string values that now carry the new tag (and kustomize's
/// newTag/digest keys).
final class PyYAMLOracleTests: XCTestCase {
    static let oracle = #"""
import sys, yaml, os, json
root = sys.argv[1]
bad = []
count = 0
def walk(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in set(a) | set(b):
            if k in a and k in b:
                walk(a[k], b[k], path + [k])
            elif k in ("newTag", "digest", "tag"):
                v = b.get(k)
                if k in b and not (isinstance(v, str)):
                    bad.append((path + [k], "inserted non-string %r" % (v,)))
            else:
                bad.append((path + [k], "key added or removed"))
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            bad.append((path, "list length changed"))
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, path + [i])
    elif a != b or type(a) != type(b):
        if not (isinstance(b, str) and ("1.20" in b or b == "")):
            bad.append((path, "%r -> %r" % (a, b)))
for name in sorted(os.listdir(root)):
    if not name.endswith(".orig"):
        continue
    base = name[:-5]
    with open(os.path.join(root, name), "rb") as f:
        a = list(yaml.safe_load_all(f))
    with open(os.path.join(root, base + ".new"), "rb") as f:
        b = list(yaml.safe_load_all(f))
    count += 1
    before = len(bad)
    if len(a) != len(b):
        bad.append(([], "document count changed"))
    for x, y in zip(a, b):
        walk(x, y, [])
    for p, why in bad[before:]:
        print("%s: %s: %s" % (base, "/".join(map(str, p)), why))
print("checked %d" % count)
sys.exit(1 if bad else 0)
"""#

    func testEditedManifestsLoadTheSameInPyYAML() throws {
        guard let corpus = corpusDirectory() else { throw XCTSkip("shared corpus not found") }
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let python else { throw unavailable("python3 not installed") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ib-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifests = corpus.appendingPathComponent("manifests")
        var edited = 0
        for sub in try FileManager.default.subpathsOfDirectory(atPath: manifests.path).sorted() {
            let url = manifests.appendingPathComponent(sub)
            guard let bytes = try? [UInt8](Data(contentsOf: url)), let stream = try? YAMLParser.parse(bytes),
                  let name = firstImageName(stream) else { continue }
            let spec = try ImageSpec(parsing: name + ":1.20")
            let base = url.lastPathComponent
            guard let plan = try? ImagePlanner(specs: [spec]).plan(file: base, bytes: bytes), plan.changed else { continue }
            try Data(bytes).write(to: dir.appendingPathComponent(base + ".orig"))
            try Data(plan.updated).write(to: dir.appendingPathComponent(base + ".new"))
            edited += 1
        }
        XCTAssertGreaterThan(edited, 100)
        let r = try runProgram(python, ["-c", Self.oracle, dir.path])
        print("PyYAML oracle: \(r.stdout.split(separator: "\n").last ?? "")")
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("checked \(edited)"), r.stdout + r.stderr)
    }

    /// The name of the first `image:` reference or kustomize `images:` entry in the stream.
    func firstImageName(_ s: YAMLStream) -> String? {
        var found: String?
        for root in s.documents.compactMap({ $0 }) where found == nil {
            root.walk { n in
                guard found == nil, n.kind == .mapping else { return }
                if let v = n["image"], v.kind == .scalar, let ref = try? ImageReference(parsing: v.value) { found = ref.name.written }
                else if let v = n["repository"], v.kind == .scalar, let name = try? ImageName(parsing: v.value) {
                    let reg = n["registry"].map { $0.value + "/" } ?? ""
                    found = (try? ImageName(parsing: reg + name.written))?.written
                } else if let v = n["name"], n["newTag"] != nil, let name = try? ImageName(parsing: v.value) { found = name.written }
            }
        }
        return found
    }
}

