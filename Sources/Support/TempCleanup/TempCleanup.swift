import Dispatch
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Paths this process created and must not leave behind when it is stopped by SIGINT, SIGTERM or SIGHUP:
/// staged temp files and temporary clones. Owners register a path when they create it and unregister it
/// when they removed or renamed it themselves. SIGKILL cannot be caught: leftovers carry "imagebump" in their names.
public enum TempCleanup {
    public struct Registration: Hashable, Sendable { let id: Int }

    private final class State: @unchecked Sendable {
        var paths: [Int: String] = [:]
        var next = 0
        var sources: [DispatchSourceSignal] = []
        var installed = false
        /// Set when a signal arrived: nothing new is created after the paths to remove were taken.
        var stopping = false
        let lock = Lock()
    }
    private static let state = State()

    /// Where temporary files go for a run with `environment` (the variables the CLI's context read): TMPDIR, else
    /// /tmp, as Foundation's temporaryDirectory decides it from the process's own environment.
    public static func directory(environment: [String: String]) -> String {
        guard var dir = environment["TMPDIR"], !dir.isEmpty else { return "/tmp" }
        while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
        return dir
    }

    /// Remembers `path` (a file or a directory tree) for removal on a signal.
    @discardableResult
    public static func register(_ path: String) -> Registration {
        state.lock.withLock {
            state.next += 1
            state.paths[state.next] = path
            return Registration(id: state.next)
        }
    }

    /// Creates a path (`make` returns it, or nil with errno set) and registers it in one step, so that a signal
    /// arriving from another thread cannot come between the two and leave the path behind. Nil (errno ECANCELED)
    /// once a signal is being handled: the process is about to end.
    public static func create(_ make: () -> String?) -> (path: String, registration: Registration)? {
        state.lock.withLock {
            guard !state.stopping else { errno = ECANCELED; return nil }
            guard let path = make() else { return nil }
            state.next += 1
            state.paths[state.next] = path
            return (path, Registration(id: state.next))
        }
    }

    public static func unregister(_ registration: Registration) {
        state.lock.withLock { _ = state.paths.removeValue(forKey: registration.id) }
    }

    /// Paths currently registered (for tests).
    public static var registeredPaths: [String] { state.lock.withLock { Array(state.paths.values) } }

    /// Installs the signal handlers once: on SIGINT/SIGTERM/SIGHUP every registered path is removed, then the
    /// signal's default action ends the process (so the exit status still says which signal it was).
    public static func installSignalHandlers() {
        state.lock.withLock {
            guard !state.installed else { return }
            state.installed = true
            let queue = DispatchQueue(label: "imagebump.signals")
            for sig in [SIGINT, SIGTERM, SIGHUP] {
                signal(sig, SIG_IGN) // the dispatch source receives it instead
                let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                source.setEventHandler { removeAllAndReraise(sig) }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    private static func removeAll(stopping: Bool) {
        let paths = state.lock.withLock { () -> [String] in
            if stopping { state.stopping = true }
            let p = Array(state.paths.values)
            state.paths.removeAll()
            return p
        }
        for p in paths { removeTree(p) }
    }

    private static func removeAllAndReraise(_ sig: Int32) {
        removeAll(stopping: true)
        signal(sig, SIG_DFL)
        // To the process, not this thread: dispatch's worker threads block signals, so raise() here would leave it
        // pending forever; another thread (main) takes it and the default action ends the process.
        kill(getpid(), sig)
    }

    /// `rm -rf path` without following symlinks.
    public static func removeTree(_ path: String) { removeTree(bytes: Array(path.utf8)) }

    /// Names are bytes here: a clone of a repository can hold a file whose name is not UTF-8, and it goes too.
    private static func removeTree(bytes path: [UInt8]) {
        var st = stat()
        guard DirectoryListing.withCString(path, { lstat($0, &st) }) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for e in (try? DirectoryListing.entries(cPath: path)) ?? [] { removeTree(bytes: path + [0x2F] + e.bytes) }
            _ = DirectoryListing.withCString(path) { rmdir($0) }
        } else {
            _ = DirectoryListing.withCString(path) { unlink($0) }
        }
    }
}
