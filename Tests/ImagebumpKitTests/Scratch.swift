import Foundation
import ImageRules
import ImagebumpKit

/// A scratch directory tree for SetJob tests.
struct Scratch {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("imagebump-kit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ text: String, _ rel: String) throws {
        try writeBytes(Array(text.utf8), rel)
    }

    func writeBytes(_ bytes: [UInt8], _ rel: String) throws {
        let u = url.appendingPathComponent(rel)
        try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: u)
    }

    func link(_ rel: String, to destination: String) throws {
        let u = url.appendingPathComponent(rel)
        try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: u.path, withDestinationPath: destination)
    }

    func read(_ rel: String) throws -> String { try String(contentsOf: url.appendingPathComponent(rel), encoding: .utf8) }

    /// Every regular file below the root with its bytes (links not followed), to prove nothing was written.
    func snapshot() throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: path)!
        for case let rel as String in e {
            let full = path + "/" + rel
            let attrs = try FileManager.default.attributesOfItem(atPath: full)
            if attrs[.type] as? FileAttributeType == .typeRegular { out[rel] = try Data(contentsOf: URL(fileURLWithPath: full)) }
        }
        return out
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

func request(_ specs: [String], root: String, _ paths: [String] = [], excludes: [String] = [], add: Bool = false,
             maxFileSize: Int = 16 << 20) throws -> SetRequest {
    SetRequest(specs: try specs.map(ImageSpec.init(parsing:)), root: root, paths: paths, excludes: excludes, add: add,
               maxFileSize: maxFileSize)
}

/// The messages of a failed plan (fails the test when planning succeeds).
func planErrors(_ r: SetRequest) -> [String] {
    do { _ = try SetJob.plan(r); return ["(planned without error)"] } catch let e as SetJobError { return e.problems.map(\.description) } catch {
        return ["\(error)"]
    }
}
