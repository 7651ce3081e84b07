internal import CGit2
import FoundationEssentials
internal import Glibc
import Support
import ImageRules

/// Errors thrown by the GitOps module. `description` never contains credentials.
public enum GitOpsError: Error, CustomStringConvertible, Sendable {
    /// The server refused our credentials, or required credentials we do not have.
    /// `url` is redacted; `source` says where the credentials came from (e.g. "token from IMAGEBUMP_TOKEN").
    case authenticationFailed(url: String, source: String)
    /// The SSH host key is not in known_hosts, or differs from it.
    case hostKeyRejected(host: String, reason: String)
    /// The push was rejected by the remote for a reason other than a concurrent update. `serverSaid`: the
    /// server's own `remote:` lines (e.g. GitLab's "You are not allowed to push code to protected branches"),
    /// redacted, without progress lines.
    case pushRejected(url: String, ref: String, status: String, serverSaid: [String])
    /// Still not landed after all attempts (concurrent updates kept winning).
    case retriesExhausted(url: String, branch: String, attempts: Int)
    /// The local repository has uncommitted changes.
    case dirtyWorkingTree(path: String, files: [String])
    /// A rejected push's retry would move the local checkout `path` onto the remote's `branch`, which adds these
    /// untracked files of the user's: refused, as `git pull` refuses.
    case untrackedFilesInTheWay(path: String, branch: String, files: [String])
    /// Invalid input (bad path, bad author, unknown branch, ...).
    case invalidArgument(String)
    /// The server at `url` redirected to `target` (host:port), another origin: not followed, so that no
    /// credential is sent there.
    case redirectRefused(url: String, target: String)
    /// The remote did not answer in time, or did not finish within the phase's deadline. `phase`: "cloning",
    /// "fetching from", "pushing to".
    case timedOut(url: String, phase: String, detail: String)
    /// The remote sent more than `limit` bytes in one clone or fetch: stopped, so that it cannot fill the disk.
    case receiveLimitExceeded(url: String, phase: String, limit: Int64)
    /// The proxy for `url` refused it: `message` says why, naming the proxy without its credentials ("proxy
    /// authentication failed for http://proxy:3128 (407)"). Not retried.
    case proxyRefused(url: String, message: String)
    /// A libgit2 call failed: `operation` (e.g. "push to https://host/repo.git"), libgit2's message (redacted), code.
    case git(operation: String, message: String, code: Int32)

    public var description: String {
        switch self {
        case let .authenticationFailed(url, source):
            return "authentication failed for \(url) (\(source))"
        case let .hostKeyRejected(host, reason):
            return "SSH host key for \(host) refused: \(reason)"
        case let .pushRejected(url, ref, status, serverSaid):
            // one `remote:` line each, as git prints them, quoted when they hold control characters: no line of
            // the server's can start a workflow command or rewrite the terminal
            return "push to \(url) rejected for \(ref): \(status)"
                + serverSaid.map { "\nremote: " + PathQuoting.quoted($0) }.joined()
        case let .retriesExhausted(url, branch, attempts):
            return "could not push to \(url) branch \(branch): the branch kept moving; gave up after \(attempts) attempts"
        case let .dirtyWorkingTree(path, files):
            let list = files.prefix(10).map(PathQuoting.quoted).joined(separator: ", ")
            return "working tree of \(PathQuoting.quoted(path)) is not clean (\(list)\(files.count > 10 ? ", ..." : "")); commit or stash first"
        case let .untrackedFilesInTheWay(path, branch, files):
            let list = files.prefix(10).map(PathQuoting.quoted).joined(separator: ", ")
            return "the push to \(branch) was rejected and \(branch) on the remote now adds \(list)\(files.count > 10 ? ", ..." : ""), untracked in \(PathQuoting.quoted(path)): re-applying the edit there would overwrite \(files.count == 1 ? "it" : "them"); nothing was pushed. Move \(files.count == 1 ? "it" : "them") away (or commit \(files.count == 1 ? "it" : "them")) and run again"
        case let .invalidArgument(msg):
            return msg
        case let .redirectRefused(url, target):
            return "\(url) redirected to \(target), another host or port: refused (credentials are only sent to the"
                + " host and port you named; give the final URL as the repository)"
        case let .timedOut(url, phase, detail):
            let option = detail.hasPrefix("not done with") ? "--phase-timeout" : "--timeout"  // the deadline, or a wait
            return "timed out \(phase) \(url): \(detail) (raise the limit with \(option) SECONDS)"
        case let .receiveLimitExceeded(url, phase, limit):
            return "stopped \(phase) \(url): the server sent more than \(limit >> 20) MiB, the limit for one transfer"
                + " (a config repo is far smaller; raise the limit with --max-pack-size MIB if this one is not)"
        case let .proxyRefused(url, message):
            return "\(message) (reaching \(url))"
        case let .git(operation, message, code):
            return "\(operation) failed: \(message)\(code != 0 && code != -1 ? " (libgit2 error \(code))" : "")"
        }
    }
}

extension GitOpsError: LocalizedError {
    public var errorDescription: String? { description }
}

/// The text of libgit2's last error for this thread, redacted.
func lastGitErrorMessage(secrets: [String] = []) -> String {
    guard let err = git_error_last(), let msg = err.pointee.message else { return "unknown libgit2 error" }
    return redact(text: String(cString: msg).trimmingBlanksAndNewlines(), secrets: secrets)
}

/// Throws `GitOpsError.git` when `code < 0`.
@discardableResult
func check(_ code: Int32, _ operation: @autoclosure () -> String, secrets: [String] = []) throws -> Int32 {
    if code < 0 {
        throw GitOpsError.git(operation: operation(), message: lastGitErrorMessage(secrets: secrets), code: code)
    }
    return code
}

/// libgit2 is initialised once per process.
let libgit2Initialized: Bool = {
    git_libgit2_init()
    // A server that disappears mid-push must produce an error, not kill the process with SIGPIPE
    // (libgit2's socket writes do not use MSG_NOSIGNAL). Process-wide.
    signal(SIGPIPE, SIG_IGN)
    _ = imagebump_git_set_user_agent("git/2.0 (imagebump)")
    // Every connection goes through imagebump's stream: pinned to the named remote, with timeouts.
    _ = installNetworkStream()
    // git:// and ssh:// fetch shallow on libgit2 1.7-1.8 (see imagebump_shallow_transports.h)
    _ = installShallowTransports()
    return true
}()

@inline(__always) func ensureLibgit2() { _ = libgit2Initialized }
