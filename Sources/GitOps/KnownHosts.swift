import FoundationEssentials
import Support

/// OpenSSH's known_hosts, as `ssh` reads it: the file is bytes (a comment in any encoding does not hide the
/// entries), host names are lowercased before matching (also before hashing, for `|1|salt|hash` entries), a
/// host on a port other than 22 is written `[host]:port` (a plain `host` entry stands for port 22 only),
/// `*`/`?` globs and `!` negations, `@revoked` keys are refused even when another line accepts them, and
/// `@cert-authority` lines are recognised: libssh2 does not verify host certificates, so a host known only
/// through one is refused with a message that says so.
struct KnownHosts {
    enum Verdict: Equatable { case match, mismatch, unknown, revoked, certificateAuthorityOnly, unreadable }

    enum Marker: Equatable { case revoked, certificateAuthority, other(String) }

    struct Entry {
        var marker: Marker?
        var patterns: String
        var keyType: String
        var key: [UInt8]
    }

    let path: String
    /// False when the file could not be read (missing, no permission): every host is then unknown.
    let readable: Bool
    let entries: [Entry]

    init(path: String) {
        let bytes = FileManager.default.contents(atPath: path)
        self.init(path: path, bytes: bytes.map { [UInt8]($0) })
    }

    init(path: String, bytes: [UInt8]?) {
        self.path = path
        readable = bytes != nil
        var out: [Entry] = []
        for rawLine in (bytes ?? []).split(whereSeparator: { $0 == 0x0A || $0 == 0x0D }) {
            // Bytes that are not UTF-8 become U+FFFD: they can only be in comments or names that match nothing.
            let line = String(decoding: rawLine, as: UTF8.self).trimmingBlanks()
            if line.isEmpty || line.hasPrefix("#") { continue }
            var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            var marker: Marker? = nil
            if let first = fields.first, first.hasPrefix("@") {
                switch first.lowercased() {
                case "@revoked": marker = .revoked
                case "@cert-authority": marker = .certificateAuthority
                default: marker = .other(first)
                }
                fields.removeFirst()
            }
            guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { continue }
            out.append(Entry(marker: marker, patterns: fields[0], keyType: fields[1], key: [UInt8](key)))
        }
        entries = out
    }

    /// The host name as written in known_hosts: `host` for port 22, else `[host]:port`; lowercased, as ssh does.
    static func hostToken(host: String, port: Int?) -> String {
        let host = host.lowercased()
        if let port, port != 22 { return "[\(host)]:\(port)" }
        return host
    }

    func verify(host: String, port: Int?, key: [UInt8]) -> Verdict {
        guard readable else { return .unreadable }
        let token = Self.hostToken(host: host, port: port)
        let forHost = entries.filter { Self.matches(patterns: $0.patterns, host: token) }
        if forHost.contains(where: { $0.marker == .revoked && $0.key == key }) { return .revoked }
        let plain = forHost.filter { $0.marker == nil }
        if plain.contains(where: { $0.key == key }) { return .match }
        if !plain.isEmpty { return .mismatch }
        if forHost.contains(where: { $0.marker == .certificateAuthority }) { return .certificateAuthorityOnly }
        return .unknown
    }

    /// Why `verdict` refuses the host's key (nil: accepted), with what to do about it.
    func refusal(_ verdict: Verdict, host: String, port: Int?) -> String? {
        let keyscan = "`ssh-keyscan\(port.map { $0 == 22 ? "" : " -p \($0)" } ?? "") \(host) >> \(path)` after verifying the fingerprint"
        switch verdict {
        case .match: return nil
        case .unknown:
            return "host not found in \(path) (add it, e.g. \(keyscan), or opt out explicitly with the insecure host-key option)"
        case .unreadable:
            return "\(path) does not exist or cannot be read (create it, e.g. \(keyscan), or name another file with --known-hosts)"
        case .mismatch:
            return "host key does not match the one in \(path) (possible man-in-the-middle attack)"
        case .revoked:
            return "host key is marked @revoked in \(path)"
        case .certificateAuthorityOnly:
            return "\(path) trusts this host only through a @cert-authority line, and imagebump's SSH library (libssh2) cannot"
                + " verify host certificates; add the host's own key (e.g. \(keyscan))"
        }
    }

    /// Whether a known_hosts host field matches `host` (a `hostToken`, already lowercased).
    static func matches(patterns: String, host: String) -> Bool {
        if patterns.hasPrefix("|1|") {
            let parts = patterns.split(separator: "|", omittingEmptySubsequences: true)
            guard parts.count == 3, let salt = Data(base64Encoded: String(parts[1])),
                  let hash = Data(base64Encoded: String(parts[2])) else { return false }
            return hmacSHA1(key: [UInt8](salt), message: Array(host.utf8)) == [UInt8](hash)
        }
        var positive = false
        for pat in patterns.split(separator: ",") {
            if pat.hasPrefix("!") {
                if glob(String(pat.dropFirst()).lowercased(), host) { return false }
            } else if glob(String(pat).lowercased(), host) {
                positive = true
            }
        }
        return positive
    }

    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) { pi += 1; ti += 1 }
            else if pi < p.count && p[pi] == "*" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
