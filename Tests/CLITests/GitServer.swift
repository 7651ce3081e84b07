import Foundation
import TestSupport
import XCTest

/// A bare config repo served by a real `git daemon` on a loopback address (push enabled), seeded from files.
final class GitDaemonRepo {
    let root: URL
    let bare: URL
    let process = Process()
    let port: Int
    let name: String
    let host: String
    var url: String { "git://\(host):\(port)/\(name)" }

    /// - Parameter logRequests: log each request (`git daemon --verbose`), for `uploadPackRequests`.
    init(files: [String: String], name: String = "config.git", host: String = "127.0.0.1", logRequests: Bool = false) throws {
        self.name = name
        self.host = host
        root = try Fixtures.scratch("gitd")
        bare = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: bare.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Git.run(["init", "-q", "--bare", "-b", "main", bare.path])
        let seed = root.appendingPathComponent("seed")
        try Git.run(["init", "-q", "-b", "main", seed.path])
        for (path, text) in files { try Fixtures.write(text, to: seed.appendingPathComponent(path)) }
        try Git.run(["-C", seed.path, "add", "-A"])
        try Git.run(["-C", seed.path, "-c", "user.name=seed", "-c", "user.email=seed@localhost", "commit", "-qm", "seed"])
        try Git.run(["-C", seed.path, "push", "-q", bare.path, "main"])
        var started: Int?
        for _ in 0..<20 {
            let p = Int.random(in: 20000..<60000)
            let proc = Process()
            proc.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            proc.arguments = ["daemon", "--reuseaddr", "--export-all", "--enable=receive-pack", "--listen=\(host)",
                              "--port=\(p)", "--base-path=\(root.path)"] + (logRequests ? ["--verbose"] : []) + [root.path]
            let log = root.appendingPathComponent("daemon.log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            proc.standardError = logRequests ? try FileHandle(forWritingTo: log) : FileHandle.nullDevice
            proc.standardOutput = FileHandle.nullDevice
            try proc.run()
            if Self.waitForPort(p, host: host) { started = p; process.executableURL = proc.executableURL; self.daemon = proc; break }
            proc.terminate(); proc.waitUntilExit()
        }
        // a server that does not start fails the test, also outside CI: nothing would be tested
        guard let started else { throw NSError(domain: "GitDaemonRepo", code: 1, userInfo: [NSLocalizedDescriptionKey: "git daemon did not start on \(host) (20 ports tried)"]) }
        port = started
    }

    private var daemon: Process?

    func stop() { daemon?.terminate(); daemon?.waitUntilExit() }

    /// `git` in the bare repo.
    func git(_ args: [String]) throws -> String { try Git.output(["-C", bare.path] + args) }

    func file(_ path: String, at ref: String = "main") throws -> String { try git(["show", "\(ref):\(path)"]) }

    private var log: URL { root.appendingPathComponent("daemon.log") }

    /// The fetches (and clones) served so far, with `logRequests`.
    func uploadPackRequests() throws -> Int {
        try String(contentsOf: log, encoding: .utf8).components(separatedBy: "Request upload-pack for").count - 1
    }

    static func waitForPort(_ port: Int, host: String = "127.0.0.1") -> Bool {
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr(host)
            let ok = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0
            close(fd)
            if ok { return true }
            usleep(50_000)
        }
        return false
    }
}

enum Git {
    @discardableResult
    static func output(_ args: [String]) throws -> String {
        let r = try TestSupport.runProgram("/usr/bin/git", args)
        guard r.status == 0 else {
            throw NSError(domain: "git", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: "git \(args.joined(separator: " ")): \(r.stderr)"])
        }
        return r.stdout
    }

    static func run(_ args: [String]) throws { try output(args) }
}
