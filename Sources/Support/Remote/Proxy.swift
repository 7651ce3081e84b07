import FoundationEssentials

/// The proxy for a connection, from the environment, by the rules git and curl share, so that the git transport
/// and the forge client agree: https:// uses `https_proxy`, else `HTTPS_PROXY`; http:// uses `http_proxy` only
/// (lower case: curl ignores `HTTP_PROXY`, which a CGI request's `Proxy:` header could set); both then fall back
/// to `all_proxy`, else `ALL_PROXY`. `no_proxy` (else `NO_PROXY`) lists hosts reached directly: `*` for all, a
/// name (a leading dot is optional) matching that host and its subdomains, an IP address, or an IPv4 CIDR range.
/// Other schemes (ssh://, git://) never use these variables, as with git.
public struct Proxy: Sendable, Equatable {
    /// The proxy's URL as given (a scheme added when it had none: `http://`).
    public let url: String
    public let location: RemoteURL

    /// The user name in the proxy's URL (percent-decoded; "" for `http://:pw@host`), nil without userinfo. With
    /// `password`, sent to the proxy only (Basic Proxy-Authorization), never to the origin.
    public var user: String? { location.hasUserinfo ? (location.user ?? "") : nil }
    public var password: String? { location.password }
    /// The proxy's URL without its userinfo: what libcurl and libgit2 are given (the credentials are passed apart,
    /// so that no library can print them with the URL).
    public var address: String { location.withoutCredentials }
    /// What messages name the proxy by: scheme://host:port, never its credentials.
    public var shown: String { location.origin ?? redact(url: url) }
    /// The Proxy-Authorization value for the URL's credentials (Basic), nil without.
    public var basicAuthorization: String? {
        guard let user else { return nil }
        return "Basic " + Data((user + ":" + (password ?? "")).utf8).base64EncodedString()
    }
    /// The error for a proxy that answered 407: it refused the URL's credentials, or wants some.
    public var authenticationFailure: String {
        "proxy authentication failed for \(shown) (407)" + (user == nil
            ? ": the proxy asks for credentials; give them in the proxy variable's URL (http://user:password@host:port)" : "")
    }

    /// Why a proxy setting cannot be used.
    public struct Unusable: Error, CustomStringConvertible, Sendable {
        public let variable: String
        public let reason: String
        public var description: String { "\(variable): \(reason)" }
    }

    /// The passwords in the userinfo of every proxy variable (those `forTarget` reads), to be masked in a log as a
    /// token is: a proxy's password is sent only to the proxy, and printed nowhere.
    public static func passwords(environment: [String: String]) -> [String] {
        let names = ["https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY"]
        var found: [String] = []
        for n in names {
            guard let raw = environment[n]?.trimmingSpaces, !raw.isEmpty,
                  let password = RemoteURL(raw.contains("://") ? raw : "http://" + raw).password,
                  !password.isEmpty, !found.contains(password) else { continue }
            found.append(password)
        }
        return found
    }

    /// The proxy for `target` (nil: connect directly). Throws for a setting that names no usable proxy.
    public static func forTarget(_ target: RemoteURL, environment: [String: String]) throws -> Proxy? {
        guard let host = target.host, target.kind == .http || target.kind == .https else { return nil }
        func value(_ names: [String]) -> (name: String, value: String)? {
            for n in names { if let v = environment[n] { return (n, v) } }
            return nil
        }
        let named = target.kind == .https ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy"]
        guard let (name, raw) = value(named) ?? value(["all_proxy", "ALL_PROXY"]) else { return nil }
        let setting = raw.trimmingSpaces
        if setting.isEmpty { return nil }
        if let list = value(["no_proxy", "NO_PROXY"]), bypasses(host: host, list: list.value) { return nil }
        let url = setting.contains("://") ? setting : "http://" + setting
        let location = RemoteURL(url)
        guard location.kind == .http || location.kind == .https, location.host.map({ !$0.isEmpty }) == true else {
            throw Unusable(variable: name, reason: "\(location.scheme.map { "a \($0):// proxy" } ?? "this proxy") is not supported;"
                           + " give an http:// or https:// proxy")
        }
        return Proxy(url: url, location: location)
    }

    /// Whether `no_proxy`'s comma- or space-separated `list` names `host`.
    static func bypasses(host: String, list: String) -> Bool {
        let host = host.lowercased()
        for raw in list.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
            var entry = raw.lowercased()
            if entry == "*" { return true }
            if entry.hasPrefix("[") && entry.hasSuffix("]") { entry = String(entry.dropFirst().dropLast()) }
            if entry.contains("/"), let range = IPv4Range(entry) {
                if let ip = IPv4Range.parse(host), range.contains(ip) { return true }
                continue
            }
            if entry.hasPrefix(".") { entry.removeFirst() }
            if entry.isEmpty { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }
}

/// An IPv4 CIDR range (`10.0.0.0/8`), for no_proxy.
struct IPv4Range {
    let base: UInt32
    let mask: UInt32

    init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let base = Self.parse(String(parts[0])), let bits = Int(parts[1]), (0...32).contains(bits) else { return nil }
        mask = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
        self.base = base & mask
    }

    func contains(_ ip: UInt32) -> Bool { ip & mask == base }

    static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for p in parts {
            guard let octet = UInt8(p) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
