internal import CCurl
import FoundationEssentials
import Support

/// One HTTP request. Headers are kept in order; names are sent as given.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Data?

    public init(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response: status, headers (names lower-cased, last value wins) and body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    /// For a redirect: the absolute URL it points to (libcurl resolves a relative `Location`). Never followed by
    /// the transport itself.
    public var redirectURL: String?

    public init(status: Int, headers: [String: String] = [:], body: Data = Data(), redirectURL: String? = nil) {
        self.redirectURL = redirectURL
        self.status = status
        var lowered: [String: String] = [:]
        for (k, v) in headers { lowered[k.lowercased()] = v }
        self.headers = lowered
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Failure below HTTP (no status line was received).
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case timeout, connection, tls, resolve, invalidURL, other
        /// The proxy answered 407: its URL's credentials were refused (or it wants some). Not retried.
        case proxyAuthentication
        /// This machine refused the connection (a loopback address, the server's or the proxy's): nothing listens on
        /// that port, and waiting will not start it. Not retried; a refusal from another host is (`connection`).
        case nothingListening
    }
    public var kind: Kind
    public var message: String
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }
    /// Timeouts, refused/reset connections and truncated answers may succeed on another try; a refusal by this
    /// machine (`nothingListening`) does not.
    public var isRetryable: Bool { kind == .timeout || kind == .connection }

    /// A refused connection to `endpoint`: from this machine's own kernel (a loopback address) it is final; from
    /// another host it may be a server restarting, and is retried.
    static func refusal(connectingTo endpoint: RemoteURL) -> Kind { endpoint.isLoopback ? .nothingListening : .connection }
    public var description: String { message }
}

/// Sends one request, no retries. `CurlTransport` is the real one; tests may substitute another.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) throws -> HTTPResponse
}

/// TLS and timeout settings for `CurlTransport`. TLS peer and host verification are always on.
public struct TransportOptions: Sendable {
    /// PEM bundle of trusted CAs (`--ca-file`). When nil, `SSL_CERT_FILE` from the environment is honoured,
    /// else libcurl's default bundle is used.
    public var caFile: String?
    /// Whole-transfer timeout in seconds.
    public var timeout: TimeInterval
    public var connectTimeout: TimeInterval
    /// A transfer slower than 1 byte/s for this many seconds (a stalled server) is abandoned.
    public var idleTimeout: TimeInterval
    public var userAgent: String
    /// Where the proxy settings (http_proxy, https_proxy, all_proxy, no_proxy) are read: the rules are the git
    /// transport's (Remote's `Proxy`), so that both reach a host the same way. The caller's (the command context's
    /// variables); none by default.
    public var environment: [String: String] = [:]

    public init(caFile: String? = nil, timeout: TimeInterval = 30, connectTimeout: TimeInterval = 10,
                idleTimeout: TimeInterval = 30, userAgent: String = "imagebump") {
        self.caFile = caFile
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.userAgent = userAgent
    }

    /// `--timeout SECONDS`: connecting and each stall may take that long; a whole request at most twice that, and
    /// never longer than `phaseTimeout` (`--phase-timeout`).
    public init(caFile: String? = nil, timeoutSeconds seconds: TimeInterval, phaseTimeout: TimeInterval = .infinity,
                environment: [String: String]) {
        self.init(caFile: caFile, timeout: min(2 * seconds, phaseTimeout), connectTimeout: seconds, idleTimeout: seconds)
        self.environment = environment
    }

    /// The CA file actually used: the explicit one, else `SSL_CERT_FILE` when set and non-empty.
    public var effectiveCAFile: String? { Support.effectiveCAFile(explicit: caFile, environment: environment) }
}

private let curlGlobalInit: Bool = {
    curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}()

/// What a forge may send back: its API answers are small JSON documents, so a body past these bounds is refused
/// before it fills memory (a 1 MB gzip answer once grew the process to 1 GiB).
public enum ResponseLimits {
    /// The decoded body, at most.
    public static let maxBodyBytes = 8 << 20
    /// Decoded bytes per byte received, at most, once the body passed `ratioCheckedFrom` (JSON compresses ~10:1).
    public static let maxCompressionRatio = 100
    public static let ratioCheckedFrom = 1 << 20
}

private final class TransferBuffer {
    var body = Data()
    var headerLines: [String] = []
    /// Why the body was refused (the write callback then stops the transfer).
    var refusal: String?
    let handle: UnsafeMutableRawPointer
    init(handle: UnsafeMutableRawPointer) { self.handle = handle }
}

private let writeBody: ib_curl_data_cb = { ptr, size, nmemb, userdata in
    let count = size * nmemb
    guard let ptr, let userdata else { return count }
    let buffer = Unmanaged<TransferBuffer>.fromOpaque(userdata).takeUnretainedValue()
    let decoded = buffer.body.count + count
    if decoded > ResponseLimits.maxBodyBytes {
        buffer.refusal = "the answer is larger than \(ResponseLimits.maxBodyBytes >> 20) MiB"
        return 0 // libcurl ends the transfer (CURLE_WRITE_ERROR)
    }
    if decoded > ResponseLimits.ratioCheckedFrom {
        var received: curl_off_t = 0
        if ib_getinfo_off_t(buffer.handle, IB_CURLINFO_SIZE_DOWNLOAD_T, &received) == CURLE_OK, received > 0,
           decoded / Int(received) > ResponseLimits.maxCompressionRatio {
            buffer.refusal = "the answer decompresses to more than \(ResponseLimits.maxCompressionRatio) times its size (\(received) bytes received, \(decoded) decoded so far)"
            return 0
        }
    }
    ptr.withMemoryRebound(to: UInt8.self, capacity: count) { buffer.body.append($0, count: count) }
    return count
}

private let writeHeader: ib_curl_data_cb = { ptr, size, nmemb, userdata in
    let count = size * nmemb
    guard let ptr, let userdata else { return count }
    let buffer = Unmanaged<TransferBuffer>.fromOpaque(userdata).takeUnretainedValue()
    let line = ptr.withMemoryRebound(to: UInt8.self, capacity: count) {
        String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
    }
    // A new status line (e.g. after "100 Continue") starts a new header block.
    if line.hasPrefix("HTTP/") { buffer.headerLines.removeAll() }
    buffer.headerLines.append(line.trimmingBlanksAndNewlines())
    return count
}

/// HTTP over libcurl's easy interface. One easy handle per request; safe to share between threads.
public struct CurlTransport: HTTPTransport {
    public var options: TransportOptions

    public init(options: TransportOptions = TransportOptions()) {
        self.options = options
    }

    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        guard curlGlobalInit else { throw TransportError(kind: .other, message: "libcurl could not be initialised") }
        guard let handle = curl_easy_init() else {
            throw TransportError(kind: .other, message: "libcurl could not create a handle")
        }
        defer { curl_easy_cleanup(handle) }

        let buffer = TransferBuffer(handle: handle)
        let bufferPointer = Unmanaged.passUnretained(buffer).toOpaque()
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }

        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { if let headerList { curl_slist_free_all(headerList) } }
        var hasExpect = false
        for (name, value) in request.headers {
            if name.lowercased() == "expect" { hasExpect = true }
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        // No "Expect: 100-continue" round trip for JSON bodies.
        if !hasExpect { headerList = curl_slist_append(headerList, "Expect:") }

        let proxy: Proxy?
        do { proxy = try Proxy.forTarget(RemoteURL(request.url), environment: options.environment) } catch {
            throw TransportError(kind: .other, message: "cannot use the proxy: \(error)")
        }
        var codes: [CURLcode] = []
        codes.append(ib_setopt_string(handle, IB_CURLOPT_URL, request.url))
        // the proxy the git transport uses for this host, or explicitly none ("": libcurl reads no variable itself);
        // its URL's credentials are given apart (so no message of curl's holds them), Basic, to the proxy only;
        // http:// goes through a CONNECT tunnel too, as with git, so that the proxy never sees the token
        codes.append(ib_setopt_string(handle, IB_CURLOPT_PROXY, proxy?.address ?? ""))
        if let proxy {
            codes.append(ib_setopt_long(handle, IB_CURLOPT_HTTPPROXYTUNNEL, 1))
            if let user = proxy.user {
                codes.append(ib_setopt_string(handle, IB_CURLOPT_PROXYUSERNAME, user))
                codes.append(ib_setopt_string(handle, IB_CURLOPT_PROXYPASSWORD, proxy.password ?? ""))
                codes.append(ib_setopt_long(handle, IB_CURLOPT_PROXYAUTH, IB_CURLAUTH_BASIC))
            }
        }
        codes.append(ib_setopt_long(handle, IB_CURLOPT_NOSIGNAL, 1))
        codes.append(ib_setopt_string(handle, IB_CURLOPT_PROTOCOLS_STR, "http,https"))
        codes.append(ib_setopt_long(handle, IB_CURLOPT_FOLLOWLOCATION, 0))
        codes.append(ib_setopt_long(handle, IB_CURLOPT_SSL_VERIFYPEER, 1))
        codes.append(ib_setopt_long(handle, IB_CURLOPT_SSL_VERIFYHOST, 2))
        if let ca = options.effectiveCAFile {
            codes.append(ib_setopt_string(handle, IB_CURLOPT_CAINFO, ca))
        }
        codes.append(ib_setopt_long(handle, IB_CURLOPT_TIMEOUT_MS, Int(max(options.timeout, 0.001) * 1000)))
        codes.append(ib_setopt_long(handle, IB_CURLOPT_CONNECTTIMEOUT_MS, Int(max(options.connectTimeout, 0.001) * 1000)))
        codes.append(ib_setopt_long(handle, IB_CURLOPT_LOW_SPEED_LIMIT, 1))
        codes.append(ib_setopt_long(handle, IB_CURLOPT_LOW_SPEED_TIME, max(1, Int(options.idleTimeout.rounded(.up)))))
        codes.append(ib_setopt_string(handle, IB_CURLOPT_USERAGENT, options.userAgent))
        codes.append(ib_setopt_string(handle, IB_CURLOPT_ACCEPT_ENCODING, ""))
        codes.append(ib_setopt_pointer(handle, IB_CURLOPT_ERRORBUFFER, errorBuffer))
        codes.append(ib_setopt_callback(handle, IB_CURLOPT_WRITEFUNCTION, writeBody))
        codes.append(ib_setopt_pointer(handle, IB_CURLOPT_WRITEDATA, bufferPointer))
        codes.append(ib_setopt_callback(handle, IB_CURLOPT_HEADERFUNCTION, writeHeader))
        codes.append(ib_setopt_pointer(handle, IB_CURLOPT_HEADERDATA, bufferPointer))
        codes.append(ib_setopt_slist(handle, IB_CURLOPT_HTTPHEADER, headerList))

        let method = request.method.uppercased()
        let body = request.body ?? (method == "GET" || method == "HEAD" || method == "DELETE" ? nil : Data())
        let result: CURLcode = try withExtendedLifetime(buffer) {
            if let body {
                return try body.withUnsafeBytes { raw -> CURLcode in
                    // POSTFIELDS does not copy: the bytes stay alive for the whole perform below.
                    var setCodes = codes
                    setCodes.append(ib_setopt_long(handle, IB_CURLOPT_POST, 1))
                    setCodes.append(ib_setopt_off_t(handle, IB_CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
                    let base = raw.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }
                        ?? UnsafeMutableRawPointer(mutating: ("" as StaticString).utf8Start)
                    setCodes.append(ib_setopt_pointer(handle, IB_CURLOPT_POSTFIELDS, base))
                    if method != "POST" { setCodes.append(ib_setopt_string(handle, IB_CURLOPT_CUSTOMREQUEST, method)) }
                    try Self.check(setCodes)
                    return curl_easy_perform(handle)
                }
            } else {
                var setCodes = codes
                if method == "HEAD" {
                    setCodes.append(ib_setopt_long(handle, IB_CURLOPT_NOBODY, 1))
                } else {
                    setCodes.append(ib_setopt_long(handle, IB_CURLOPT_HTTPGET, 1))
                    if method != "GET" { setCodes.append(ib_setopt_string(handle, IB_CURLOPT_CUSTOMREQUEST, method)) }
                }
                try Self.check(setCodes)
                return curl_easy_perform(handle)
            }
        }

        if result != CURLE_OK, let refusal = buffer.refusal {
            throw TransportError(kind: .other, message: "\(request.method) \(Redactor.stripQuery(request.url)): \(refusal); refused")
        }
        var connectCode: Int = 0
        if let proxy, ib_getinfo_long(handle, IB_CURLINFO_HTTP_CONNECTCODE, &connectCode) == CURLE_OK, connectCode == 407 {
            throw TransportError(kind: .proxyAuthentication, message: "\(request.method) \(Redactor.stripQuery(request.url)): \(proxy.authenticationFailure)")
        }
        if result != CURLE_OK {
            let detail = String(cString: errorBuffer)
            let text = detail.isEmpty ? String(cString: curl_easy_strerror(result)) : detail
            let endpoint = proxy?.location ?? RemoteURL(request.url)
            let kind = Self.kind(of: result, connectingTo: endpoint)
            let hint = kind == .nothingListening ? " (nothing listens on \(endpoint.host ?? "it"):\(endpoint.port.map(String.init) ?? "?") on this machine)" : ""
            throw TransportError(kind: kind, message: "\(request.method) \(Redactor.stripQuery(request.url)): \(text)\(hint)")
        }
        var status: Int = 0
        _ = ib_getinfo_long(handle, IB_CURLINFO_RESPONSE_CODE, &status)
        var headers: [String: String] = [:]
        for line in buffer.headerLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingBlanks().lowercased()
            let value = line[line.index(after: colon)...].trimmingBlanks()
            headers[name] = value
        }
        var redirect: UnsafeMutablePointer<CChar>? = nil
        _ = ib_getinfo_string(handle, IB_CURLINFO_REDIRECT_URL, &redirect)
        return HTTPResponse(status: status, headers: headers, body: buffer.body, redirectURL: redirect.map { String(cString: $0) })
    }

    private static func check(_ codes: [CURLcode]) throws {
        if let bad = codes.first(where: { $0 != CURLE_OK }) {
            throw TransportError(kind: .other, message: "libcurl option rejected: \(String(cString: curl_easy_strerror(bad)))")
        }
    }

    /// What a libcurl failure is, for the retry rules; `endpoint` is where the connection was made (the proxy or the
    /// server).
    static func kind(of code: CURLcode, connectingTo endpoint: RemoteURL) -> TransportError.Kind {
        if code == CURLE_COULDNT_CONNECT { return TransportError.refusal(connectingTo: endpoint) }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
             CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .connection
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .resolve
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tls
        default:
            return .other
        }
    }
}
