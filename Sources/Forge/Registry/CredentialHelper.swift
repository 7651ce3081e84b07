#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials

/// Docker's credential-helper protocol (docker/docker-credential-helpers): `docker-credential-NAME get`, the
/// server URL on stdin, `{"ServerURL","Username","Secret"}` on stdout; "credentials not found" means none.
enum CredentialHelper {
    struct Answer: Decodable {
        var Username: String?
        var Secret: String?
    }

    /// The helper's credential for `server`, nil when it has none. Throws when the helper cannot be run or fails
    /// otherwise (a locked keychain must not look like an anonymous registry).
    /// A helper that has not finished after `timeout` seconds (waiting for a keychain prompt no one sees) is killed.
    static func get(helper name: String, server: String, environment: [String: String], timeout: TimeInterval) throws -> (username: String, secret: String)? {
        let program = "docker-credential-" + name
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }), !name.isEmpty else {
            throw ForgeError(.configuration, "credential helper name '\(name)' in the Docker config is not a plain name")
        }
        let path = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map { String($0) + "/" + program }
            .first { access($0, X_OK) == 0 }
        guard let path else {
            throw ForgeError(.configuration, "the Docker config names the credential helper \(program), which is not on PATH")
        }
        guard let (status, output) = try run([path, "get"], input: Array(server.utf8), environment: environment, timeout: timeout) else {
            throw ForgeError(.configuration, "\(program) get did not finish within \(APIClient.seconds(timeout)) for \(server) (--timeout): stopped")
        }
        let text = String(decoding: output, as: UTF8.self)
        if status != 0 {
            if text.lowercased().contains("credentials not found") { return nil }
            throw ForgeError(.configuration, "\(program) get failed for \(server) (exit \(status)): \(Redactor(secrets: []).excerpt(Data(output), limit: 200))")
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(output)) else {
            throw ForgeError(.configuration, "\(program) get for \(server) printed no credential JSON")
        }
        guard let secret = answer.Secret, !secret.isEmpty else { return nil }
        return (answer.Username ?? "", secret)
    }

    /// Runs `argv` (argv[0] a path) with `input` on stdin; its stdout, and its exit status (127: not found); nil when
    /// it had not finished after `timeout` seconds (it is killed).
    private static func run(_ argv: [String], input: [UInt8], environment: [String: String], timeout: TimeInterval) throws -> (Int32, [UInt8])? {
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else { throw ForgeError(.configuration, "cannot create a pipe for \(argv[0])") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        for fd in toChild + fromChild { posix_spawn_file_actions_addclose(&actions, fd) }
        let args = argv.map { strdup($0) } + [nil]
        let env = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (args + env).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, args, env)
        close(toChild[0]); close(fromChild[1])
        guard spawned == 0 else {
            close(toChild[1]); close(fromChild[0])
            throw ForgeError(.configuration, "the Docker config names the credential helper \(argv[0]), which could not be run: \(String(cString: strerror(spawned)))")
        }
        _ = input.withUnsafeBytes { write(toChild[1], $0.baseAddress, $0.count) }
        close(toChild[1])
        let deadline = Date().addingTimeInterval(timeout)
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var late = false
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { late = true; break }
            var ready = pollfd(fd: fromChild[0], events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, Int32(min(left, 60) * 1000) + 1)
            if polled < 0 && errno == EINTR { continue }
            if polled == 0 { continue }
            let n = read(fromChild[0], &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output += chunk[0..<n]
            if output.count > 1 << 20 { break }
        }
        close(fromChild[0])
        var status: Int32 = 0
        // stdout closed is not the end: a helper may keep running
        while !late {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid || (done < 0 && errno != EINTR) { break }
            if deadline.timeIntervalSinceNow <= 0 { late = true } else { usleep(5_000) }
        }
        if late {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return nil
        }
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exit, output)
    }
}
