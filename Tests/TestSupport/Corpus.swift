import Foundation

/// The shared test corpus beside the repository (`../shared/corpus`), or `IMAGEBUMP_CORPUS`; nil when absent.
public func corpusDirectory() -> URL? {
    if let env = ProcessInfo.processInfo.environment["IMAGEBUMP_CORPUS"] { return URL(fileURLWithPath: env) }
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let dir = repo.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    return FileManager.default.fileExists(atPath: dir.path) ? dir : nil
}
