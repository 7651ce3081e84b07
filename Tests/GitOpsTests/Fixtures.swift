import Foundation
import TestSupport
import XCTest
@testable import GitOps

/// Helpers that start real servers on loopback (random free high ports) and stop them.
enum Fixtures {
    static let fixturesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    struct CommandError: Error, CustomStringConvertible {
        var description: String
    }

    /// Finds an executable on PATH (or the given absolute candidates).
    static func which(_ name: String, extra: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin"] + extra {
            let p = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    static func require(_ name: String) throws -> String {
        guard let p = which(name) else { throw unavailable("\(name) is not installed (scripts/install-deps.sh installs it)") }
        return p
    }

    /// Environment for git CLI calls in fixtures: no user/system config.
    static var gitEnv: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["GIT_CONFIG_GLOBAL"] = "/dev/null"
        env["GIT_AUTHOR_NAME"] = "fixture"; env["GIT_AUTHOR_EMAIL"] = "fixture@localhost"
        env["GIT_COMMITTER_NAME"] = "fixture"; env["GIT_COMMITTER_EMAIL"] = "fixture@localhost"
        env["GIT_TERMINAL_PROMPT"] = "0"
        return env
    }

    /// Runs a command to completion; throws with its stderr on failure; returns stdout.
    @discardableResult
    static func run(_ args: [String], cwd: String? = nil, env: [String: String]? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: args[0].hasPrefix("/") ? args[0] : (which(args[0]) ?? "/usr/bin/\(args[0])"))
        p.arguments = Array(args.dropFirst())
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        p.environment = env ?? gitEnv
        let out = Pipe()
        let errPath = NSTemporaryDirectory() + "/gitops-cmd-\(UUID().uuidString).err"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { unlink(errPath) }
        p.standardOutput = out
        p.standardError = FileHandle(forWritingAtPath: errPath)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let errData = FileManager.default.contents(atPath: errPath) ?? Data()
        guard p.terminationStatus == 0 else {
            throw CommandError(description: "\(args.joined(separator: " ")) failed (\(p.terminationStatus)): \(String(decoding: errData, as: UTF8.self))")
        }
        return String(decoding: outData, as: UTF8.self)
    }

    static func git(_ args: String..., cwd: String? = nil) throws -> String {
        try run(["git"] + args, cwd: cwd).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func makeTempDir(_ prefix: String = "gitops-test") -> String {
        var template = Array((NSTemporaryDirectory() + "/\(prefix)-XXXXXX").utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }!
        return URL(fileURLWithPath: String(cString: p)).standardizedFileURL.path
    }

    static let valuesFile = "deploy/values.yaml"

    /// The content of values.yaml with `count` services at the given tags.
    static func values(_ tags: [String]) -> String {
        tags.enumerated().map { "svc\(String(format: "%02d", $0.offset)): \($0.element)" }.joined(separator: "\n") + "\n"
    }

    /// Creates `root/name.git` (bare, default branch main) with one commit holding values.yaml (20 services at tag v0).
    @discardableResult
    static func makeBareRepo(root: String, name: String = "config", services: Int = 20) throws -> String {
        let bare = root + "/\(name).git"
        try run(["git", "init", "-q", "--bare", "-b", "main", bare])
        let seed = makeTempDir("seed")
        defer { try? FileManager.default.removeItem(atPath: seed) }
        try run(["git", "init", "-q", "-b", "main", seed])
        try FileManager.default.createDirectory(atPath: seed + "/deploy", withIntermediateDirectories: true)
        try values(Array(repeating: "v0", count: services)).write(toFile: seed + "/" + valuesFile, atomically: true, encoding: .utf8)
        try "# config repo\n".write(toFile: seed + "/README.md", atomically: true, encoding: .utf8)
        try run(["git", "add", "-A"], cwd: seed)
        try run(["git", "commit", "-q", "-m", "seed"], cwd: seed)
        try run(["git", "push", "-q", bare, "main"], cwd: seed)
        return bare
    }

    /// Content of a file at a ref in a bare repo.
    static func show(_ bare: String, _ spec: String) throws -> String {
        try run(["git", "--git-dir", bare, "show", spec])
    }

    /// The edit closure used by most tests: sets service `index` to `tag` in values.yaml.
    static func setTag(index: Int, tag: String) -> (String) throws -> [String] {
        return { workdir in
            let path = workdir + "/" + valuesFile
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let key = "svc\(String(format: "%02d", index)):"
            var changed = false
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                if line.hasPrefix(key) {
                    let want = "\(key) \(tag)"
                    if line != want { changed = true }
                    return want
                }
                return String(line)
            }
            guard changed else { return [] }
            try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return [valuesFile]
        }
    }

    // MARK: - Ports

    /// A free TCP port on 127.0.0.1 (bind to port 0 and release).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func portIsOpen(_ port: Int, host: String = "127.0.0.1") -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr(host)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0
    }

    static func waitForPort(_ port: Int, host: String = "127.0.0.1", timeout: TimeInterval = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if portIsOpen(port, host: host) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CommandError(description: "nothing listening on \(host):\(port) after \(timeout)s")
    }

    /// A loopback socket that listens but never accepts or answers: connections complete (kernel backlog), then
    /// nothing is ever sent. Close the returned descriptor to stop it.
    static func silentListener(backlog: Int32 = 16) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } } == 0
            && listen(fd, backlog) == 0
            && withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } } == 0
        guard ok else { close(fd); throw CommandError(description: "cannot listen on 127.0.0.1") }
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }
}

/// A server process started by a test (posix_spawn: Foundation's Process mis-detects the exit of children that
/// close inherited descriptors, like sshd, and then blocks); `stop()` (or deinit) terminates it.
final class ServerProcess: @unchecked Sendable {
    let pid: pid_t
    let port: Int
    let stderrPath: String
    private let lock = NSLock()
    private var reaped = false

    init(pid: pid_t, port: Int, stderrPath: String) {
        self.pid = pid
        self.port = port
        self.stderrPath = stderrPath
    }

    /// Starts `args`; if `port` is nil, reads "PORT n" from its first stdout line, else waits for `port`.
    static func start(_ args: [String], env: [String: String], port: Int?, host: String = "127.0.0.1",
                      logDir: String) throws -> ServerProcess {
        let errPath = logDir + "/server-\(UUID().uuidString.prefix(8)).log"
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw Fixtures.CommandError(description: "pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, args[0], &actions, nil, argv, envp)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw Fixtures.CommandError(description: "cannot start \(args[0]): \(String(cString: strerror(rc)))")
        }
        var actualPort = port ?? 0
        let server0 = ServerProcess(pid: pid, port: actualPort, stderrPath: errPath)
        if port == nil {
            var buf = [UInt8]()
            var byte: UInt8 = 0
            while read(fds[0], &byte, 1) == 1 && byte != UInt8(ascii: "\n") { buf.append(byte) }
            let line = String(decoding: buf, as: UTF8.self)
            guard let n = Int(line.replacingOccurrences(of: "PORT ", with: "")) else {
                close(fds[0])
                server0.stop()
                throw Fixtures.CommandError(description: "server \(args[0]) did not report its port: '\(line)' \(server0.log)")
            }
            actualPort = n
        }
        close(fds[0])  // the server may get SIGPIPE if it writes more to stdout; the fixtures do not
        let server = ServerProcess(pid: pid, port: actualPort, stderrPath: errPath)
        server0.reaped = true  // same pid; only `server` owns it
        do { try Fixtures.waitForPort(actualPort, host: host) } catch {
            server.stop()
            throw Fixtures.CommandError(description: "\(error) — server log: \(server.log)")
        }
        return server
    }

    var log: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    var isRunning: Bool {
        lock.lock(); defer { lock.unlock() }
        if reaped { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { reaped = true; return false }
        return true
    }

    private func reap() {
        lock.lock(); defer { lock.unlock() }
        if reaped { return }
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        reaped = true
    }

    func kill9() {
        if isRunning { kill(pid, SIGKILL) }
        reap()
    }

    func stop() {
        if isRunning {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(3)
            while isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if isRunning { kill(pid, SIGKILL) }
        }
        reap()
    }

    deinit { stop() }
}

extension Fixtures {
    /// `git http-backend` behind the Python fixture (Basic auth when `password` is set; TLS when cert/key given).
    static func startHTTP(root: String, user: String = "", password: String?, cert: String? = nil, key: String? = nil,
                          hangMarker: String? = nil, bind: String = "127.0.0.1", redirectTo: String? = nil,
                          recordAuth: String? = nil, logDir: String) throws -> ServerProcess {
        let python = try require("python3")
        _ = try require("git")
        var args = [python, fixturesDir + "/git_http_server.py", "--root", root, "--port", "0"]
        if let cert, let key { args += ["--cert", cert, "--key", key] }
        if let hangMarker { args += ["--hang-on-receive-pack", hangMarker] }
        if let redirectTo { args += ["--redirect-to", redirectTo] }
        if let recordAuth { args += ["--record-auth", recordAuth] }
        args += ["--bind", bind]
        var env = ProcessInfo.processInfo.environment
        env["FIXTURE_USER"] = user
        if let password { env["FIXTURE_PASSWORD"] = password } else { env.removeValue(forKey: "FIXTURE_PASSWORD") }
        return try ServerProcess.start(args, env: env, port: nil, host: bind, logDir: logDir)
    }

    /// `git daemon` serving `root` with receive-pack enabled.
    static func startGitDaemon(root: String, logDir: String) throws -> ServerProcess {
        let git = try require("git")
        var lastError: Error?
        for _ in 0..<5 {
            let port = freePort()
            do {
                return try ServerProcess.start([git, "daemon", "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)",
                                                "--base-path=\(root)", "--export-all", "--enable=receive-pack",
                                                "--informative-errors", root],
                                               env: gitEnv, port: port, logDir: logDir)
            } catch { lastError = error }
        }
        throw lastError!
    }

    /// A test CA and a `localhost` server certificate (SAN DNS:localhost, or `san`) made with the openssl CLI.
    /// Returns (caCert, serverCert, serverKey).
    static func makeTLS(dir: String, san: String = "DNS:localhost") throws -> (ca: String, cert: String, key: String) {
        let openssl = try require("openssl")
        let ca = dir + "/ca.pem", caKey = dir + "/ca.key", cert = dir + "/server.pem", key = dir + "/server.key"
        let csr = dir + "/server.csr", ext = dir + "/ext.cnf"
        try run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", ca, "-days", "2",
                 "-subj", "/CN=imagebump test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try run([openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost"])
        try "subjectAltName=\(san)\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
            .write(toFile: ext, atomically: true, encoding: .utf8)
        try run([openssl, "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-out", cert,
                 "-days", "2", "-extfile", ext])
        return (ca, cert, key)
    }

    struct SSHServer {
        let server: ServerProcess
        let port: Int
        let clientKey: String
        let clientKeyContent: String
        let knownHosts: String
        let otherKnownHosts: String
    }

    /// `sshd` on a random high port (loopback), ed25519 host key, ed25519 deploy key authorized for root.
    static func startSSHD(dir: String) throws -> SSHServer {
        let sshd = try require("sshd")
        let keygen = try require("ssh-keygen")
        guard getuid() == 0 else { throw unavailable("sshd fixture needs root") }
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let hostKey = dir + "/host_ed25519", clientKey = dir + "/client_ed25519", otherKey = dir + "/other_ed25519"
        try run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", hostKey])
        try run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", clientKey])
        try run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", otherKey])
        let authorized = dir + "/authorized_keys"
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: authorized)
        var lastError: Error?
        for _ in 0..<5 {
            let port = freePort()
            let config = dir + "/sshd_config"
            try """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(hostKey)
            AuthorizedKeysFile \(authorized)
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            StrictModes no
            UsePAM no
            PidFile \(dir)/sshd.pid
            LogLevel ERROR

            """.write(toFile: config, atomically: true, encoding: .utf8)
            do {
                let server = try ServerProcess.start([sshd, "-D", "-e", "-f", config], env: ProcessInfo.processInfo.environment,
                                                     port: port, logDir: dir)
                let hostPub = try String(contentsOfFile: hostKey + ".pub", encoding: .utf8).split(separator: " ")
                let otherPub = try String(contentsOfFile: otherKey + ".pub", encoding: .utf8).split(separator: " ")
                let known = dir + "/known_hosts", other = dir + "/known_hosts_other"
                try "[localhost]:\(port) \(hostPub[0]) \(hostPub[1])\n".write(toFile: known, atomically: true, encoding: .utf8)
                try "[localhost]:\(port) \(otherPub[0]) \(otherPub[1])\n".write(toFile: other, atomically: true, encoding: .utf8)
                return SSHServer(server: server, port: port, clientKey: clientKey,
                                 clientKeyContent: try String(contentsOfFile: clientKey, encoding: .utf8),
                                 knownHosts: known, otherKnownHosts: other)
            } catch { lastError = error }
        }
        throw lastError!
    }
}
