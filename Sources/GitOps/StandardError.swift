internal import Glibc

/// Writes `text` to stderr unbuffered, all of it (retrying short writes and EINTR), as FileHandle.standardError did.
func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            return
        }
        bytes = bytes.dropFirst(n)
    }
}

/// Whether stderr is a terminal (progress then rewrites one live line).
public func standardErrorIsATerminal() -> Bool { isatty(STDERR_FILENO) != 0 }
