import Foundation

/// A python fixture server (under Tests/) that prints "PORT <n>" once it listens on loopback; `stop()` ends it.
public final class LoopbackScript {
    public let process = Process()
    public let port: Int

    /// Starts `python3 script args…` and waits (at most 15 s) for its port; `stdin`: the script's standard input
    /// (default: none), `stderr`: whether its standard error goes to the test's, `environment`: variables added
    /// to the test's (a fixture's credentials, kept out of argv).
    public init(_ script: String, _ args: [String], stdin: Pipe? = nil, stderr: Bool = false,
                environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + args
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe()
        process.standardOutput = out
        if let stdin { process.standardInput = stdin }
        if !stderr { process.standardError = FileHandle.nullDevice }
        try process.run()
        var line = Data()
        let deadline = Date().addingTimeInterval(15)
        while !line.contains(UInt8(ascii: "\n")) && Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw NSError(domain: "LoopbackScript", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(script) did not start: \(text)"])
        }
        self.port = port
    }

    public func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// The repository's Tests/GitOpsTests/Fixtures/`name` (the git-side fixture servers).
    public static func gitFixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GitOpsTests/Fixtures/\(name)").path
    }
}
