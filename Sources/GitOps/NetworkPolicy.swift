internal import CGit2
internal import CGitStream
import FoundationEssentials
import Support

/// How long a clone, fetch or push may wait: for a connection, for the next byte in either direction, and in all
/// (`phase`, a deadline that a server keeping the connection alive or trickling bytes cannot push back); and how
/// much it may receive (`maxPackBytes`, so that an endless pack cannot fill $TMPDIR). A stalled server (a receive
/// hook that never returns, a peer that stops answering) ends the run with `GitOpsError.timedOut` instead of
/// hanging it. (libssh2 reads the socket itself: for SSH a watchdog ends a connection on which no data moved
/// either way for `idle`, or whose deadline has passed.)
public struct NetworkTimeouts: Sendable, Equatable {
    public var connect: TimeInterval
    public var idle: TimeInterval
    /// The whole operation (one clone, fetch or push); 0: no deadline.
    public var phase: TimeInterval
    /// Bytes one clone or fetch may receive; 0: no limit.
    public var maxPackBytes: Int64

    public static let defaultPhase: TimeInterval = 600
    public static let defaultMaxPackBytes: Int64 = 2 << 30

    public init(connect: TimeInterval = 30, idle: TimeInterval = 120, phase: TimeInterval = defaultPhase,
                maxPackBytes: Int64 = defaultMaxPackBytes) {
        self.connect = connect
        self.idle = idle
        self.phase = phase
        self.maxPackBytes = maxPackBytes
    }

    /// Connect and idle limits set to `seconds` (`--timeout`), the deadline to `phase` (`--phase-timeout`).
    public init(seconds: TimeInterval, phase: TimeInterval = defaultPhase, maxPackBytes: Int64 = defaultMaxPackBytes) {
        self.init(connect: seconds, idle: seconds, phase: phase, maxPackBytes: maxPackBytes)
    }

    public static let `default` = NetworkTimeouts()
}

/// What the stream under libgit2 refused or gave up on during one operation.
enum StreamEvent: Equatable {
    /// A connection to `target` (host:port), not the named remote: a redirect to another origin.
    case otherOrigin(target: String)
    case connectTimeout(target: String)
    case idleTimeout(target: String)
    case deadline(target: String)
    /// The proxy answered 407 to the tunnel request.
    case proxyAuthentication
    /// The proxy refused the tunnel otherwise: `message` has its status line.
    case proxyRefused(message: String)
}

/// Registers imagebump's stream with libgit2 (see imagebump_stream.h). Once per process, after git_libgit2_init.
func installNetworkStream() -> Int32 { imagebump_stream_install() }

/// Runs `body` (one libgit2 clone, fetch or push on this thread) with connections pinned to `location`'s host and
/// port (network URLs; a file path pins nothing), or to `proxy` for requests to that host and port only, and the
/// timeouts applied. Returns what the stream refused, if anything. For a plain-http remote the stream itself opens
/// the tunnel through the proxy (with the proxy URL's credentials): libgit2 1.5 would send an http:// remote's
/// requests, and so its credentials, to the proxy in absolute form, in clear.
func withNetworkPolicy<T>(_ location: RemoteURL, _ timeouts: NetworkTimeouts, proxy: Proxy? = nil,
                          _ body: () throws -> T) rethrows -> (result: T, event: StreamEvent?) {
    func ms(_ t: TimeInterval) -> Int32 { t > 0 ? Int32(min(t * 1000, Double(Int32.max))) : 0 }
    let pinned = location.isNetwork ? location.host : nil
    withOptionalCString(pinned) { host in
        withOptionalCString(proxy?.location.host) { proxyHost in
            let tunnel = location.kind == .http
            withOptionalCString(tunnel ? proxy?.basicAuthorization : nil) { authorization in
                imagebump_stream_policy_begin(host, Int32(location.port ?? 0), ms(timeouts.connect), ms(timeouts.idle),
                                              ms(timeouts.phase), proxyHost, Int32(proxy?.location.port ?? 0),
                                              tunnel ? 1 : 0, authorization)
            }
        }
    }
    defer { imagebump_stream_policy_end() }
    let result = try body()
    var buf = [CChar](repeating: 0, count: 700)
    let code = imagebump_stream_last_event(&buf, UInt(buf.count))
    let target = buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    switch Int(code) {
    case Int(IMAGEBUMP_STREAM_OTHER_ORIGIN): return (result, .otherOrigin(target: target))
    case Int(IMAGEBUMP_STREAM_CONNECT_TIMEOUT): return (result, .connectTimeout(target: target))
    case Int(IMAGEBUMP_STREAM_IDLE_TIMEOUT): return (result, .idleTimeout(target: target))
    case Int(IMAGEBUMP_STREAM_DEADLINE): return (result, .deadline(target: target))
    case Int(IMAGEBUMP_STREAM_PROXY_AUTH): return (result, .proxyAuthentication)
    case Int(IMAGEBUMP_STREAM_PROXY_REFUSED): return (result, .proxyRefused(message: target))
    default: return (result, nil)
    }
}

extension RemoteContext {
    /// libgit2's proxy options for one call: for an https remote, the proxy the environment names (see `Proxy`),
    /// without its credentials, which `proxyCredentialsCallback` gives when the proxy asks (407); else none
    /// (an http:// remote's tunnel is the stream's, see `withNetworkPolicy`), and libgit2 reads no proxy setting
    /// of its own.
    func withProxyOptions<R>(_ body: (git_proxy_options) -> R) -> R {
        var options = git_proxy_options()
        git_proxy_options_init(&options, UInt32(GIT_PROXY_OPTIONS_VERSION))
        guard let proxy = session.proxy, session.location.kind == .https else { return body(options) }
        return proxy.address.withCString { url in
            options.type = GIT_PROXY_SPECIFIED
            options.url = url
            options.credentials = proxyCredentialsCallback
            options.payload = Unmanaged.passUnretained(self).toOpaque()
            return body(options)
        }
    }

    /// Runs one fetch (`body`) under `run`, given the options every fetch of a branch uses: this context's callbacks
    /// and proxy, and no tags (the one branch, as the clone).
    func withFetchOptions(_ body: (inout git_fetch_options) -> Int32) -> Int32 {
        var opts = git_fetch_options()
        git_fetch_options_init(&opts, UInt32(GIT_FETCH_OPTIONS_VERSION))
        opts.callbacks = makeCallbacks()
        opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        return withProxyOptions { proxy in
            opts.proxy_opts = proxy
            return run { body(&opts) }
        }
    }
}
