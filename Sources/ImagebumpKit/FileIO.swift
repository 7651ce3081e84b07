#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ImageRules
import Support

public struct FileIOError: ProblemError {
    public enum Kind: Sendable { case io, tooLarge, changedSinceRead }
    /// The root-relative path (never a temporary clone's absolute path).
    public let path: String
    public let message: String
    public var kind: Kind = .io
    public var problems: [Problem] { [Problem(file: path, message: message)] }
    public var description: String { problems[0].description }
}

/// What changes when a file is written in place or replaced: compared before a staged file is renamed over it,
/// so that a write by another process since the file was read is not lost.
public struct FileStamp: Equatable, Sendable {
    let device: UInt64, inode: UInt64, size: Int64
    let modified: Int, modifiedNanos: Int, changed: Int, changedNanos: Int

    init(_ st: stat) {
        device = UInt64(st.st_dev); inode = UInt64(st.st_ino); size = Int64(st.st_size)
        modified = Int(st.st_mtim.tv_sec); modifiedNanos = Int(st.st_mtim.tv_nsec)
        changed = Int(st.st_ctim.tv_sec); changedNanos = Int(st.st_ctim.tv_nsec)
    }

    /// The stamp of the file at `path` now (nil when it is gone).
    static func current(_ path: String) -> FileStamp? {
        var st = stat()
        return lstat(path, &st) == 0 ? FileStamp(st) : nil
    }
}

/// Reading whole files (staging and replacing them: StagedWrite.swift).
public enum FileIO {
    /// Reads `path` (a real path: a link in its place is refused, not followed). `shown` names it in errors.
    public static func read(_ path: String, shown: String, limit: Int) throws(FileIOError) -> (bytes: [UInt8], stamp: FileStamp) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw FileIOError(path: shown, message: "cannot read: " + String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileIOError(path: shown, message: String(cString: strerror(errno))) }
        let size = Int(st.st_size)
        guard size <= limit else {
            throw FileIOError(path: shown, message: "file is \(size / (1 << 20)) MiB, over the \(limit / (1 << 20)) MiB limit (--max-file-size)",
                              kind: .tooLarge)
        }
        var buf = [UInt8](repeating: 0, count: size)
        var got = 0
        while got < size {
            let n = buf.withUnsafeMutableBytes { p in Glibc.read(fd, p.baseAddress! + got, size - got) }
            if n < 0 { if errno == EINTR { continue }; throw FileIOError(path: shown, message: "read failed: " + String(cString: strerror(errno))) }
            if n == 0 { break }
            got += n
        }
        if got < size { buf.removeLast(size - got) }
        return (buf, FileStamp(st))
    }
}
