import Foundation

/// Linux inotify, to see what a running imagebump does to the file system (opens a file, creates a temp file) and
/// act at that moment instead of after a guessed delay.
final class Inotify {
    static let access: UInt32 = 0x1, open: UInt32 = 0x20, create: UInt32 = 0x100

    struct Event { let watch: Int32; let mask: UInt32; let name: String }

    private let fd: Int32

    init() throws {
        fd = inotify_init1(Int32(O_NONBLOCK | O_CLOEXEC))
        guard fd >= 0 else { throw NSError(domain: "inotify", code: Int(errno)) }
    }

    deinit { close(fd) }

    @discardableResult
    func watch(_ path: String, _ mask: UInt32) throws -> Int32 {
        let wd = inotify_add_watch(fd, path, mask)
        guard wd >= 0 else { throw NSError(domain: "inotify_add_watch \(path)", code: Int(errno)) }
        return wd
    }

    /// The events that arrived, waiting up to `timeoutMs` for the first one (a bound, not a measurement).
    func events(timeoutMs: Int32) -> [Event] {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, timeoutMs) > 0 else { return [] }
        var buf = [UInt8](repeating: 0, count: 64 * 1024)
        let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
        guard n > 0 else { return [] }
        var out: [Event] = []
        var off = 0
        while off + 16 <= n {
            let wd = buf[off..<off + 4].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
            let mask = buf[off + 4..<off + 8].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            let len = Int(buf[off + 12..<off + 16].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
            let nameBytes = buf[off + 16..<off + 16 + len].prefix { $0 != 0 }
            out.append(Event(watch: wd, mask: mask, name: String(decoding: nameBytes, as: UTF8.self)))
            off += 16 + len
        }
        return out
    }
}
