import Foundation

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
    /// Objects sent while pushing.
    case push(current: Int, total: Int, bytes: Int)
    /// A message from the server ("remote: ..."), redacted.
    case remote(String)
    /// A step ended, e.g. "pushed abc1234 to main".
    case done(String)
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
    private let lock = NSLock()
    private var lastRender = Date.distantPast
    private var lastPhase = ""
    private var lastQuarter = -1
    private var liveLineOpen = false

    /// - Parameters:
    ///   - isTTY: live line vs plain lines; default: whether stderr is a terminal.
    ///   - write: output function; default writes to stderr.
    public init(isTTY: Bool = isatty(STDERR_FILENO) != 0, write: (@Sendable (String) -> Void)? = nil) {
        self.isTTY = isTTY
        self.write = write ?? { s in FileHandle.standardError.write(s.data(using: .utf8)!) }
    }

    /// The sink to pass to `ConfigRepo.prepare` / `publish`.
    public var sink: GitProgressSink { { [self] event in self.handle(event) } }

    public func handle(_ event: GitProgressEvent) {
        lock.lock(); defer { lock.unlock() }
        switch event {
        case .step(let s): line(s)
        case .done(let s): line(s)
        case .warning(let s): line("warning: " + s)
        case .remote(let s):
            let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
            _ = t // server messages ("Counting objects…") only repeat the phases; kept out of CI logs
        case let .transfer(received, _, total, bytes):
            phase("receiving objects", received, total, extra: " (\(Self.bytes(bytes)))")
        case let .resolving(done, total):
            phase("resolving deltas", done, total, extra: "")
        case let .checkout(done, total):
            phase("checking out files", done, total, extra: "")
        case let .push(current, total, bytes):
            phase("writing objects", current, total, extra: " (\(Self.bytes(bytes)))")
        }
    }

    private func line(_ s: String) {
        if liveLineOpen { write("\r\u{1B}[K"); liveLineOpen = false }
        write(s + "\n")
        lastPhase = ""
    }

    private func phase(_ name: String, _ done: Int, _ total: Int, extra: String) {
        guard total > 0 else { return }
        let pct = min(100, done * 100 / total)
        if isTTY {
            let now = Date()
            if name == lastPhase && done < total && now.timeIntervalSince(lastRender) < 0.1 { return }
            lastRender = now; lastPhase = name
            write("\r\u{1B}[K\(name): \(pct)% (\(done)/\(total))\(extra)")
            liveLineOpen = true
            if done >= total { write("\n"); liveLineOpen = false; lastPhase = "" }
        } else {
            if name != lastPhase { lastPhase = name; lastQuarter = -1 }
            if done >= total && lastQuarter < 4 {
                lastQuarter = 4
                write("\(name): \(pct)% (\(done)/\(total))\(extra)\n")
            }
        }
    }

    static func bytes(_ n: Int) -> String {
        if n >= 1 << 20 { return String(format: "%.1f MiB", Double(n) / 1048576) }
        if n >= 1 << 10 { return String(format: "%.1f KiB", Double(n) / 1024) }
        return "\(n) B"
    }
}
