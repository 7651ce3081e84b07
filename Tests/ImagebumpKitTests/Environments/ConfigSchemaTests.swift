import Foundation
import XCTest
import TestSupport
@testable import ImagebumpKit

/// schema/imagebump-config.schema.json (for editors) says what the parser accepts, and examples/imagebump.yaml
/// satisfies both.
final class ConfigSchemaTests: XCTestCase {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let schemaPath = repoRoot + "/schema/imagebump-config.schema.json"
    static let examplesRoot = repoRoot + "/examples"

    func schema() throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.schemaPath))) as? [String: Any])
    }

    func testSchemaNamesTheKeysTheParserKnows() throws {
        let s = try schema()
        let top = try XCTUnwrap(s["properties"] as? [String: Any])
        XCTAssertEqual(Set(top.keys), Set(ConfigKey.allCases.map(\.rawValue)))
        let env = try XCTUnwrap((s["$defs"] as? [String: Any])?["environment"] as? [String: Any])
        let envProps = try XCTUnwrap(env["properties"] as? [String: Any])
        XCTAssertEqual(Set(envProps.keys), Set(EnvironmentKey.allCases.map(\.rawValue)))
        XCTAssertEqual((envProps["mode"] as? [String: Any])?["enum"] as? [String], Environment.modes.map(\.rawValue))
    }

    func testExampleConfigLoads() throws {
        let c = try ConfigFile.load(path: Self.examplesRoot + "/imagebump.yaml", display: "imagebump.yaml", root: Self.examplesRoot)
        XCTAssertEqual(c.promotion, ["dev", "staging", "production"])
        XCTAssertEqual(c["production"]?.mode, .mergeRequest)
    }

    /// Validates YAML documents against the schema with Python's jsonschema (a different implementation).
    func testExampleValidatesAgainstTheSchemaAndABadOneDoesNot() throws {
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let python else { throw unavailable("python3 not installed") }
        let script = """
        import sys, json, yaml, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        for path in sys.argv[2:]:
            errors = list(jsonschema.Draft202012Validator(schema).iter_errors(yaml.safe_load(open(path))))
            print(path.rsplit("/", 1)[-1], "invalid" if errors else "valid")
        """
        let dir = NSTemporaryDirectory() + "schema-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "environments:\n  dev: {files: [a], reviewer: [x]}\n".write(toFile: dir + "/unknown-key.yaml", atomically: true, encoding: .utf8)
        try "environments:\n  dev: {files: [a], mode: pull}\n".write(toFile: dir + "/bad-mode.yaml", atomically: true, encoding: .utf8)
        try "environments:\n  dev: {mode: push}\n".write(toFile: dir + "/no-files.yaml", atomically: true, encoding: .utf8)

        let r = try runProgram(python, ["-c", script, Self.schemaPath, Self.examplesRoot + "/imagebump.yaml",
                                        dir + "/unknown-key.yaml", dir + "/bad-mode.yaml", dir + "/no-files.yaml"])
        // fails (never skips) without jsonschema or yaml: scripts/install-deps.sh installs them
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "imagebump.yaml valid\nunknown-key.yaml invalid\nbad-mode.yaml invalid\nno-files.yaml invalid\n")
    }
}
