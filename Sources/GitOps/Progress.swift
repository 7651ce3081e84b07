import FoundationEssentials
import Support

/// Progress reported by clone, fetch and push (from libgit2's callbacks). Never contains credentials.
public enum GitProgressEvent: Sendable, Equatable {
    /// A step starts, e.g. "cloning https://host/repo.git" (URL redacted).
    case step(String)
    /// Objects received/indexed while cloning or fetching.
    case transfer(receivedObjects: Int, indexedObjects: Int, totalObjects: Int, receivedBytes: Int)
    /// Deltas resolved after receiving.
    case resolving(indexedDeltas: Int, totalDeltas: Int)
    /// Files checked out.
    case checkout(completed: Int, total: Int)
    /// Objects sent while pushing; `bytes` nil when the transport does not count them.
    case push(current: Int, total: Int, bytes: Int?)
    /// A message from the server ("remote: ..."), redacted.
    case remote(String)
    /// A step ended, e.g. "cloned https://host/repo.git (branch main)".
    case done(String)
    /// The publish result ("pushed abc1234 to main", "nothing to change on main"): a caller that reports the
    /// result itself hides these (`ProgressPrinter(showOutcome: false)`), so that each event is printed once.
    case outcome(String)
    /// Something the user should know that does not stop the run (e.g. a token sent over plain http://).
    case warning(String)
}

/// Receives progress events. Called on the thread running the git operation.
public typealias GitProgressSink = (GitProgressEvent) -> Void

/// Renders progress: on a TTY one live line (rewritten with `\r`, throttled); otherwise a few plain lines
/// (each step and the completion of each phase, no server chatter), suitable for CI logs.
public final class ProgressPrinter: @unchecked Sendable {
    private let isTTY: Bool
    private let write: (String) -> Void
    private let lock = Lock()
    private var lastRender = Date.distantPast
    /// The phase whose progress is showing (TTY: on the live line; plain: held back in `pendingLine`).
    private var livePhase = ""
    private var liveFinished = false
    private var liveLineOpen = false
    private let showOutcome: Bool
    /// Plain mode: a finished phase's line, held back because libgit2 reports 100% more than once (the last
    /// report has the final byte count); printed when anything else happens.
    private var pendingLine: String?

    /// - Parameters:
    ///   - isTTY: live line vs plain lines; default: whether stderr is a terminal.
    ///   - write: output function; default writes to stderr.
    public init(isTTY: Bool = standardErrorIsATerminal(), showOutcome: Bool = true, write: (@Sendable (String) -> Void)? = nil) {
        self.isTTY = isTTY
        self.showOutcome = showOutcome
        self.write = write ?? { writeToStandardError($0) }
    }

    /// The sink to pass to `ConfigRepo.prepare` / `publish`.
    public var sink: GitProgressSink { { [self] event in self.handle(event) } }

    public func handle(_ event: GitProgressEvent) {
        lock.lock(); defer { lock.unlock() }
        switch event {
        case .step(let s): line(s)
        case .done(let s): line(s)
        case .outcome(let s): if showOutcome { line(s) } else { flush() }
        case .warning(let s): line("warning: " + s)
        case .remote(let s):
            let t = s.trimmingBlanksAndNewlines()
            _ = t // server messages ("Counting objects…") only repeat the phases; kept out of CI logs
        case let .transfer(received, _, total, bytes):
            phase("receiving objects", received, total, extra: " (\(Self.bytes(bytes)))")
        case let .resolving(done, total):
            phase("resolving deltas", done, total, extra: "")
        case let .checkout(done, total):
            phase("checking out files", done, total, extra: "")
        case let .push(current, total, bytes):
            phase("writing objects", current, total, extra: bytes.map { " (\(Self.bytes($0)))" } ?? "")
        }
    }

    private func line(_ s: String) {
        flush()
        write(s + "\n")
    }

    /// Keeps a finished phase's line (printing a held-back one) and clears an unfinished live line.
    private func flush() {
        if let p = pendingLine { write(p + "\n"); pendingLine = nil }
        if liveLineOpen { write(liveFinished ? "\n" : "\r\u{1B}[K"); liveLineOpen = false }
        livePhase = ""
    }

    private func phase(_ name: String, _ done: Int, _ total: Int, extra: String) {
        guard total > 0 else { return }
        let pct = min(100, done * 100 / total)
        let text = "\(name): \(pct)% (\(done)/\(total))\(extra)"
        if name != livePhase { flush() } // another phase: keep the finished line before it
        livePhase = name
        if isTTY {
            let now = Date()
            if liveLineOpen && done < total && now.timeIntervalSince(lastRender) < 0.1 { return }
            lastRender = now
            write("\r\u{1B}[K" + text) // a later report of the same phase (even at 100%) rewrites it
            liveLineOpen = true
            liveFinished = done >= total
        } else if done >= total {
            pendingLine = text // libgit2 may report 100% again with the final byte count: print the last one
        }
    }

    /// Prints a finished phase still held back (call when the operation is over).
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        flush()
    }

    static func bytes(_ n: Int) -> String {
        if n >= 1 << 20 { return String(oneDecimal: Double(n) / 1048576) + " MiB" }
        if n >= 1 << 10 { return String(oneDecimal: Double(n) / 1024) + " KiB" }
        return "\(n) B"
    }
}
