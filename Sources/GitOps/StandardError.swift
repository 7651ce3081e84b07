internal import Glibc
import Support

/// Writes `text` to stderr unbuffered, all of it.
func writeToStandardError(_ text: String) { writeAll(STDERR_FILENO, text) }

/// Whether stderr is a terminal (progress then rewrites one live line).
public func standardErrorIsATerminal() -> Bool { isatty(STDERR_FILENO) != 0 }
