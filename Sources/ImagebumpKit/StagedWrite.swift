#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ImageRules
import Support

/// Replacing a set of files all or nothing: each new file is first written to a temp file beside its target
/// (`stage`), then `commit` renames them all — or none, when a target changed since it was read or a rename fails.
///
/// What holds: after `commit` returns, every target has its new bytes; after it throws, every target has the bytes
/// it had before (the originals renamed so far are renamed back). A SIGINT/SIGTERM removes the temp files
/// (TempCleanup); one that arrives during the renames themselves can leave the files renamed so far replaced.
/// SIGKILL leaves `.NAME.imagebump-tmp-XXXXXX` files, which no later run discovers (they are not named *.yaml).
extension FileIO {
    /// A written-but-not-yet-renamed temp file beside its target.
    public struct Staged: Sendable {
        public let temp: String
        /// The real path replaced.
        public let target: String
        /// The root-relative path, for messages.
        public let shown: String
        /// The target as it was read: it must still be so when the temp file is renamed over it.
        let stamp: FileStamp
        let registration: TempCleanup.Registration
    }

    /// The marker in every temp name: says which program left a file, and is never a YAML name.
    static let tempMarker = ".imagebump-tmp-"

    /// Writes `bytes` to a temp file in the target's directory, with the target's mode (and owner and group where
    /// the process may set them: as root). Pair with `commit` or `discard`.
    public static func stage(_ bytes: [UInt8], for target: String, shown: String, stamp: FileStamp) throws(FileIOError) -> Staged {
        var st = stat()
        guard lstat(target, &st) == 0 else { throw FileIOError(path: shown, message: String(cString: strerror(errno))) }
        let slash = target.lastIndex(of: "/")!
        let dir = String(target[..<slash]), base = String(target[target.index(after: slash)...])
        var fd: Int32 = -1
        let created = TempCleanup.create {
            var template = Array((dir + "/." + base + tempMarker + "XXXXXX").utf8CString)
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            return fd < 0 ? nil : template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
        guard let (temp, registration) = created else {
            throw FileIOError(path: shown, message: "cannot create a temp file: " + String(cString: strerror(errno)))
        }
        // owner first: fchown clears set-id bits that fchmod then restores
        if st.st_uid != geteuid() || st.st_gid != getegid() { _ = fchown(fd, st.st_uid, st.st_gid) } // only root can give files away
        var ok = fchmod(fd, st.st_mode & 0o7777) == 0
        if ok {
            var off = 0
            while off < bytes.count {
                let n = bytes.withUnsafeBytes { p in write(fd, p.baseAddress! + off, bytes.count - off) }
                if n < 0 { if errno == EINTR { continue }; ok = false; break }
                off += n
            }
        }
        let err = errno
        if close(fd) != 0 { ok = false }
        guard ok else {
            unlink(temp)
            TempCleanup.unregister(registration)
            throw FileIOError(path: shown, message: "cannot write: " + String(cString: strerror(err)))
        }
        return Staged(temp: temp, target: target, shown: shown, stamp: stamp, registration: registration)
    }

    /// Renames every staged file over its target, or none: a target that changed since it was read (another
    /// process wrote it) or a failed rename undoes the renames made so far and removes every temp file.
    public static func commit(_ staged: [Staged]) throws(FileIOError) {
        // Every target first, so that a change made while planning leaves every file untouched.
        for s in staged where FileStamp.current(s.target) != s.stamp {
            discard(staged)
            throw changed(s)
        }
        var done: [(staged: Staged, original: String, registration: TempCleanup.Registration)] = []
        func undo(_ failure: FileIOError) -> FileIOError {
            var notes: [String] = []
            for d in done.reversed() {
                if rename(d.original, d.staged.target) == 0 { TempCleanup.unregister(d.registration) }
                else { notes.append("\(PathQuoting.quoted(d.staged.shown)): could not be restored (its original is \(PathQuoting.quoted(d.original)))") }
            }
            discard(Array(staged[done.count...]))
            guard !notes.isEmpty else { return failure }
            return FileIOError(path: failure.path, message: failure.message + "; " + notes.joined(separator: "; "))
        }
        for s in staged {
            // again right before the rename: a write since the first check would otherwise be lost
            guard FileStamp.current(s.target) == s.stamp else { throw undo(changed(s)) }
            // the original stays reachable under a second name until every rename succeeded
            guard let (original, registration) = TempCleanup.create({ link(s.target, s.temp + ".orig") == 0 ? s.temp + ".orig" : nil }) else {
                throw undo(FileIOError(path: s.shown, message: "cannot keep the original while replacing it: " + String(cString: strerror(errno))))
            }
            guard rename(s.temp, s.target) == 0 else {
                let msg = String(cString: strerror(errno))
                unlink(original); TempCleanup.unregister(registration)
                throw undo(FileIOError(path: s.shown, message: "cannot replace file: " + msg))
            }
            TempCleanup.unregister(s.registration)
            done.append((s, original, registration))
        }
        for d in done { unlink(d.original); TempCleanup.unregister(d.registration) }
    }

    /// Removes staged temp files that will not be renamed.
    public static func discard(_ staged: [Staged]) {
        for s in staged { unlink(s.temp); TempCleanup.unregister(s.registration) }
    }

    private static func changed(_ s: Staged) -> FileIOError {
        FileIOError(path: s.shown, message: "changed by another process since imagebump read it; nothing written (run again)",
                    kind: .changedSinceRead)
    }
}
