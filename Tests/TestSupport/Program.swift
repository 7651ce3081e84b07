import Foundation

/// What a program printed and how it ended.
public struct ProgramResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs `path` with `args` to completion (in `environment`, else the test's own). Standard error goes through a
/// temp file, so a program that writes much to both streams cannot block on a full pipe while stdout is being read.
public func runProgram(_ path: String, _ args: [String], in cwd: String? = nil,
                       environment: [String: String]? = nil) throws -> ProgramResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    if let environment { p.environment = environment }
    let out = Pipe()
    let errPath = NSTemporaryDirectory() + "/imagebump-program-\(UUID().uuidString).err"
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: errPath) }
    let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    p.standardOutput = out
    p.standardError = errHandle
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    try? errHandle.close()
    let stderr = FileManager.default.contents(atPath: errPath) ?? Data()
    return ProgramResult(status: p.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
}
