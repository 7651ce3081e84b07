#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct FileIOError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

/// Reading whole files and replacing them atomically.
public enum FileIO {
    public static func read(_ path: String, limit: Int) throws(FileIOError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIOError(path: path, message: "cannot read: " + String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileIOError(path: path, message: String(cString: strerror(errno))) }
        let size = Int(st.st_size)
        guard size <= limit else {
            throw FileIOError(path: path, message: "file is \(size / (1 << 20)) MiB, over the \(limit / (1 << 20)) MiB limit (--max-file-size)")
        }
        var buf = [UInt8](repeating: 0, count: size)
        var got = 0
        while got < size {
            let n = buf.withUnsafeMutableBytes { p in Glibc.read(fd, p.baseAddress! + got, size - got) }
            if n < 0 { if errno == EINTR { continue }; throw FileIOError(path: path, message: "read failed: " + String(cString: strerror(errno))) }
            if n == 0 { break }
            got += n
        }
        if got < size { buf.removeLast(size - got) }
        return buf
    }

    /// A written-but-not-yet-renamed temp file beside its target.
    public struct Staged: Sendable {
        public let temp: String
        public let target: String
    }

    /// Writes `bytes` to a temp file in the target's directory with the target's mode. Pair with `commit`.
    public static func stage(_ bytes: [UInt8], for target: String) throws(FileIOError) -> Staged {
        var st = stat()
        guard stat(target, &st) == 0 else { throw FileIOError(path: target, message: String(cString: strerror(errno))) }
        let slash = target.lastIndex(of: "/")
        let dir = slash.map { String(target[..<$0]) } ?? "."
        let base = slash.map { String(target[target.index(after: $0)...]) } ?? target
        var template = Array((dir + "/." + base + ".imagebump-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw FileIOError(path: target, message: "cannot create a temp file: " + String(cString: strerror(errno))) }
        let temp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
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
            throw FileIOError(path: target, message: "cannot write: " + String(cString: strerror(err)))
        }
        return Staged(temp: temp, target: target)
    }

    /// Renames staged files over their targets (after every one of them was staged).
    public static func commit(_ staged: [Staged]) throws(FileIOError) {
        for (i, s) in staged.enumerated() {
            if rename(s.temp, s.target) != 0 {
                let msg = String(cString: strerror(errno))
                for rest in staged[i...] { unlink(rest.temp) }
                throw FileIOError(path: s.target, message: "cannot replace file: " + msg)
            }
        }
    }

    public static func discard(_ staged: [Staged]) {
        for s in staged { unlink(s.temp) }
    }
}
