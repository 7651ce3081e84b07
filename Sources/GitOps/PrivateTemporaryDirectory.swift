#if canImport(Glibc)
internal import Glibc
#endif
import FoundationEssentials
import Support

/// A directory only this user can enter (0700, mkdtemp), for a key that a program can only read from a file:
/// created and registered with `TempCleanup` in one step (a SIGINT/SIGTERM/SIGHUP removes it), and removed when
/// `with`'s body returns or throws. It is made in the run's TMPDIR (`TempCleanup.directory(environment:)`).
struct PrivateTemporaryDirectory {
    let path: String

    static func with<T>(environment: [String: String], _ body: (PrivateTemporaryDirectory) throws -> T) throws -> T {
        let base = TempCleanup.directory(environment: environment)
        guard let made = TempCleanup.create({
            var template = Array((base + "/imagebump-sign-XXXXXX").utf8CString)
            return template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) }
        }) else {
            throw GitOpsError.invalidArgument("cannot create a private temporary directory in \(base): \(String(cString: strerror(errno)))")
        }
        defer {
            TempCleanup.removeTree(made.path)
            TempCleanup.unregister(made.registration)
        }
        return try body(PrivateTemporaryDirectory(path: made.path))
    }

    /// Writes `text` to a new file `name` here, readable by this user only (0600, created exclusively).
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw GitOpsError.invalidArgument("cannot create \(file): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw GitOpsError.invalidArgument("cannot write \(file): \(String(cString: strerror(errno)))") }
            done += n
        }
        return file
    }
}
