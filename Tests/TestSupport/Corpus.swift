import Foundation

/// The shared test corpus beside the repository (`../shared/corpus`), or `IMAGEBUMP_CORPUS`; nil when absent, or
/// when `IMAGEBUMP_CORPUS=none` (to run the suite as a clone without the corpus does).
public func corpusDirectory() -> URL? {
    if let env = ProcessInfo.processInfo.environment["IMAGEBUMP_CORPUS"], !env.isEmpty { return env == "none" ? nil : URL(fileURLWithPath: env) }
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let dir = repo.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    return FileManager.default.fileExists(atPath: dir.path) ? dir : nil
}
