/// A git remote or API location, parsed by one set of rules for the whole program (git transport, forge API,
/// redaction): `scheme://[user[:password]@]host[:port][/path]`, the scp-like SSH form `[user@]host:path`, or a
/// local path. Parsing never fails: what is neither a URL nor scp-like is a local path; callers refuse the kinds
/// they cannot use.
public struct RemoteURL: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case http, https, ssh, git, file, localPath, other }

    public let kind: Kind
    /// As given.
    public let text: String
    /// Lower-cased scheme as written (`ssh+git` stays so); "ssh" for the scp-like form; nil for a local path.
    public let scheme: String?
    /// Host without IPv6 brackets; nil for a local path or a URL without one (`file:///…`).
    public let host: String?
    /// The port written in the URL.
    public let explicitPort: Int?
    /// User and password from the userinfo, percent-decoded.
    public let user: String?
    public let password: String?
    /// Everything after the authority as written (path, query, fragment); for the scp-like form, after the colon.
    public let rest: String
    public let isScpLike: Bool

    /// The userinfo's user as written (percent-encoded).
    public let rawUser: String?
    /// True when a `user[:password]@` part is written.
    public let hasUserinfo: Bool
    /// The written pieces, to rebuild the text without (or with masked) credentials.
    let prefix: String        // "scheme://", or "" for scp-like and local paths
    let hostPort: String      // as written, e.g. "[::1]:8080"
    let separator: String     // "" for URLs, ":" for scp-like

    /// The port connections go to: the written one, else the scheme's default (http 80, https 443, ssh 22,
    /// git 9418).
    public var port: Int? {
        if let explicitPort { return explicitPort }
        switch kind {
        case .http: return 80
        case .https: return 443
        case .ssh: return 22
        case .git: return 9418
        default: return nil
        }
    }

    /// `scheme://host:port`, the origin credentials are bound to (lower-cased host, default port filled in);
    /// nil without a host.
    public var origin: String? {
        guard let host, let scheme, let port else { return nil }
        return "\(scheme)://\(host.lowercased()):\(port)"
    }

    /// The host when it is an IP address (IPv4 dotted quad, or IPv6 as written between brackets), else nil.
    public var ipAddress: String? {
        guard let host, !host.isEmpty else { return nil }
        if host.contains(":") { return host }  // only an IPv6 literal holds a colon here
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) } ? host : nil
    }

    /// The host is this machine: `localhost` (and names under it), 127.0.0.0/8, `::1`.
    public var isLoopback: Bool {
        guard let host = host?.lowercased() else { return false }
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        return ipAddress != nil && host.hasPrefix("127.")
    }

    /// The host is a link-local address (169.254.0.0/16, `fe80::/10`: cloud metadata services live there).
    public var isLinkLocal: Bool {
        guard let host = ipAddress?.lowercased() else { return false }
        return host.hasPrefix("169.254.") || host.hasPrefix("fe8") || host.hasPrefix("fe9") || host.hasPrefix("fea") || host.hasPrefix("feb")
    }

    /// True for the network kinds a connection is made for.
    public var isNetwork: Bool { [.http, .https, .ssh, .git].contains(kind) }

    /// The location without secrets: http(s) loses its whole userinfo (a token may be passed as the user name);
    /// other schemes keep the user name and lose the password.
    public var withoutCredentials: String { replacingUserinfo(kind == .http || kind == .https ? nil : rawUser) }

    /// The text with its userinfo replaced by `userinfo` (nil: none).
    public func replacingUserinfo(_ userinfo: String?) -> String {
        guard hasUserinfo else { return text }
        return prefix + (userinfo.map { $0 + "@" } ?? "") + hostPort + separator + rest
    }

    /// The repository path as forges name projects: without query, fragment, surrounding slashes and `.git`,
    /// percent-decoded.
    public var projectPath: String {
        var p = isScpLike ? rest : String(rest.prefix { $0 != "?" && $0 != "#" })
        p = p.removingPercentEncodingOrSelf.trimmingSlashes
        if p.hasSuffix(".git") { p.removeLast(4) }
        return p.trimmingSlashes
    }

    /// True when `text` is a URL or scp-like (as opposed to a local path).
    public static func isURL(_ text: String) -> Bool { RemoteURL(text).kind != .localPath }

    public init(_ text: String) {
        self.text = text
        if !text.contains("://"), let scp = Self.scpLike(text) {
            kind = .ssh; scheme = "ssh"; isScpLike = true
            prefix = ""; separator = ":"; rest = scp.path
            host = scp.host; hostPort = scp.host; explicitPort = nil
            user = scp.user; rawUser = scp.user; password = nil; hasUserinfo = scp.user != nil
            return
        }
        isScpLike = false; separator = ""
        guard let schemeEnd = text.firstRange(of: "://"), Self.isScheme(text[..<schemeEnd.lowerBound]) else {
            kind = .localPath; scheme = nil; prefix = ""; rest = text
            host = nil; hostPort = ""; explicitPort = nil; user = nil; rawUser = nil; password = nil; hasUserinfo = false
            return
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        self.scheme = scheme
        switch scheme {
        case "http": kind = .http
        case "https": kind = .https
        case "ssh", "ssh+git", "git+ssh": kind = .ssh
        case "git": kind = .git
        case "file": kind = .file
        default: kind = .other
        }
        prefix = String(text[..<schemeEnd.upperBound])
        let after = text[schemeEnd.upperBound...]
        let authorityEnd = after.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? after.endIndex
        let authority = after[..<authorityEnd]
        rest = String(after[authorityEnd...])
        var hp = authority
        if let at = authority.lastIndex(of: "@") {
            hasUserinfo = true
            let info = authority[..<at]
            hp = authority[authority.index(after: at)...]
            if let colon = info.firstIndex(of: ":") {
                rawUser = String(info[..<colon])
                password = String(info[info.index(after: colon)...]).removingPercentEncodingOrSelf.nonEmpty
            } else {
                rawUser = String(info)
                password = nil
            }
            user = rawUser?.removingPercentEncodingOrSelf.nonEmpty
        } else {
            hasUserinfo = false; rawUser = nil; user = nil; password = nil
        }
        hostPort = String(hp)
        var h = Substring(hp), p: Int? = nil
        if h.hasPrefix("["), let close = h.firstIndex(of: "]") {
            let tail = h[h.index(after: close)...]
            if tail.hasPrefix(":") { p = Int(tail.dropFirst()) }
            h = h[h.index(after: h.startIndex)..<close]
        } else if let colon = h.lastIndex(of: ":") {
            p = Int(h[h.index(after: colon)...])
            h = h[..<colon]
        }
        host = h.isEmpty ? nil : String(h)
        explicitPort = p
    }

    /// `[user@]host:path`: no "/" before the colon, not starting with "/" or "."; a bare one-letter "host"
    /// looks like a drive letter and is not SSH.
    static func scpLike(_ s: String) -> (user: String?, host: String, path: String)? {
        guard !s.hasPrefix("/"), !s.hasPrefix("."), let colon = s.firstIndex(of: ":") else { return nil }
        let before = s[..<colon]
        if before.contains("/") || before.isEmpty { return nil }
        let path = String(s[s.index(after: colon)...])
        if let at = before.lastIndex(of: "@") {
            let host = String(before[before.index(after: at)...])
            return host.isEmpty ? nil : (String(before[..<at]), host, path)
        }
        return before.count == 1 ? nil : (nil, String(before), path)
    }

    /// RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
    static func isScheme(_ s: Substring) -> Bool {
        guard let first = s.first, first.isASCII, first.isLetter else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
    var trimmingSlashes: String {
        var s = Substring(self)
        while s.hasPrefix("/") { s = s.dropFirst() }
        while s.hasSuffix("/") { s = s.dropLast() }
        return String(s)
    }
    /// Percent-decoded; as written when the escapes are invalid.
    var removingPercentEncodingOrSelf: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var i = utf8.startIndex
        while i < utf8.endIndex {
            let c = utf8[i]
            if c == UInt8(ascii: "%"), let j = utf8.index(i, offsetBy: 2, limitedBy: utf8.endIndex), j < utf8.endIndex,
               let byte = UInt8(String(decoding: utf8[utf8.index(after: i)...j], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                i = utf8.index(after: j)
            } else {
                bytes.append(c)
                i = utf8.index(after: i)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? self
    }
}

/// `s` without trailing slashes (a base URL that paths are appended to).
public func trimSlash(_ s: String) -> String {
    var s = Substring(s)
    while s.hasSuffix("/") { s = s.dropLast() }
    return String(s)
}
