#if canImport(Glibc)
internal import Glibc
#endif
import FoundationEssentials

/// Runs a signing program (`ssh-keygen`, `gpg`): `input` on its stdin, its stdout and stderr read back. Both are
/// read while stdin is written (poll), so a program that answers before it has read everything cannot block us.
enum SigningProgram {
    struct Result { var status: Int32; var stdout: [UInt8]; var stderr: [UInt8] }

    /// `name` as given when it holds a slash, else the first executable of that name on the environment's PATH.
    static func find(_ name: String, environment: [String: String]) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        return (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map { String($0) + "/" + name }
            .first { access($0, X_OK) == 0 }
    }

    static func run(_ argv: [String], input: [UInt8], environment: [String: String]) throws -> Result {
        var toChild: [Int32] = [-1, -1], fromChild: [Int32] = [-1, -1], errChild: [Int32] = [-1, -1]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0, pipe(&errChild) == 0 else {
            let why = String(cString: strerror(errno))
            for fd in toChild + fromChild + errChild where fd >= 0 { close(fd) } // the pipes made before the one that failed
            throw GitOpsError.invalidArgument("cannot create a pipe for \(argv[0]): \(why)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errChild[1], 2)
        for fd in toChild + fromChild + errChild { posix_spawn_file_actions_addclose(&actions, fd) }
        let args = argv.map { strdup($0) } + [nil]
        let env = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (args + env).forEach { free($0) } }
        // the child starts with the default dispositions and no blocked signals: this process ignores SIGPIPE
        // (libgit2's sockets) and SIGINT/SIGTERM/SIGHUP (TempCleanup's handlers), which an exec would keep
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t(), none = sigset_t()
        sigemptyset(&defaults); sigemptyset(&none)
        for sig in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attr, args, env)
        close(toChild[0]); close(fromChild[1]); close(errChild[1])
        guard spawned == 0 else {
            close(toChild[1]); close(fromChild[0]); close(errChild[0])
            throw GitOpsError.invalidArgument("cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        // a program that exits without reading all of stdin gives EPIPE here: libgit2's initialisation made this
        // process ignore SIGPIPE (GitOpsError.swift), and signing only happens in an open repository
        var out: [UInt8] = [], err: [UInt8] = []
        var written = 0
        var inFd: Int32 = toChild[1], outFd: Int32 = fromChild[0], errFd: Int32 = errChild[0]
        if input.isEmpty { close(inFd); inFd = -1 }
        var chunk = [UInt8](repeating: 0, count: 8192)
        while outFd >= 0 || errFd >= 0 {
            var fds = [pollfd(fd: inFd, events: Int16(POLLOUT), revents: 0), pollfd(fd: outFd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: errFd, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 3, -1) < 0 { if errno == EINTR { continue }; break }
            if inFd >= 0 && fds[0].revents != 0 {
                let n = input[written...].withUnsafeBytes { write(inFd, $0.baseAddress, min($0.count, 65536)) }
                if n > 0 { written += n }
                if n <= 0 || written == input.count { close(inFd); inFd = -1 }
            }
            for (i, fdRef) in [(1, 0), (2, 1)] {
                let fd = fdRef == 0 ? outFd : errFd
                guard fd >= 0, fds[i].revents != 0 else { continue }
                let n = read(fd, &chunk, chunk.count)
                if n > 0 {
                    if fdRef == 0 { if out.count < 1 << 20 { out += chunk[0..<n] } } else if err.count < 1 << 16 { err += chunk[0..<n] }
                } else if n == 0 || errno != EINTR {
                    close(fd)
                    if fdRef == 0 { outFd = -1 } else { errFd = -1 }
                }
            }
        }
        if inFd >= 0 { close(inFd) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exit, stdout: out, stderr: err)
    }
}
