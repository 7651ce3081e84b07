import FoundationEssentials
import PlainText

/// Minimal OpenSSH known_hosts checker (plain and hashed `|1|` host entries, `*`/`?` globs, `!` negation,
/// `[host]:port` entries, `@revoked`; `@cert-authority` lines are ignored).
struct KnownHosts {
    enum Verdict: Equatable { case match, mismatch, unknown, revoked }

    struct Entry {
        var marker: String?
        var patterns: String
        var keyType: String
        var key: [UInt8]
    }

    let path: String
    let entries: [Entry]

    init(path: String) {
        self.path = path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { entries = []; return }
        var out: [Entry] = []
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingBlanks()
            if line.isEmpty || line.hasPrefix("#") { continue }
            var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            var marker: String? = nil
            if let first = fields.first, first.hasPrefix("@") { marker = first; fields.removeFirst() }
            guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { continue }
            out.append(Entry(marker: marker, patterns: fields[0], keyType: fields[1], key: [UInt8](key)))
        }
        entries = out
    }

    /// The host name as written in known_hosts: `host` for port 22, else `[host]:port`.
    static func hostToken(host: String, port: Int?) -> String {
        if let port, port != 22 { return "[\(host)]:\(port)" }
        return host
    }

    func verify(host: String, port: Int?, key: [UInt8]) -> Verdict {
        let token = Self.hostToken(host: host, port: port)
        var sawHost = false
        for entry in entries where entry.marker != "@cert-authority" {
            guard Self.matches(patterns: entry.patterns, host: token) else { continue }
            if entry.marker == "@revoked" {
                if entry.key == key { return .revoked }
                continue
            }
            sawHost = true
            if entry.key == key { return .match }
        }
        return sawHost ? .mismatch : .unknown
    }

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
                if glob(String(pat.dropFirst()).lowercased(), host.lowercased()) { return false }
            } else if glob(String(pat).lowercased(), host.lowercased()) {
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

// MARK: - SHA-1 / HMAC-SHA1 (for hashed known_hosts entries only)

func sha1(_ message: [UInt8]) -> [UInt8] {
    var h: [UInt32] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
    var msg = message
    let ml = UInt64(message.count) * 8
    msg.append(0x80)
    while msg.count % 64 != 56 { msg.append(0) }
    for i in (0..<8).reversed() { msg.append(UInt8((ml >> (UInt64(i) * 8)) & 0xff)) }
    var w = [UInt32](repeating: 0, count: 80)
    for chunk in stride(from: 0, to: msg.count, by: 64) {
        for i in 0..<16 {
            w[i] = UInt32(msg[chunk + 4*i]) << 24 | UInt32(msg[chunk + 4*i + 1]) << 16
                | UInt32(msg[chunk + 4*i + 2]) << 8 | UInt32(msg[chunk + 4*i + 3])
        }
        for i in 16..<80 { let x = w[i-3] ^ w[i-8] ^ w[i-14] ^ w[i-16]; w[i] = (x << 1) | (x >> 31) }
        var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4]
        for i in 0..<80 {
            let f: UInt32, k: UInt32
            switch i {
            case 0..<20: f = (b & c) | (~b & d); k = 0x5A827999
            case 20..<40: f = b ^ c ^ d; k = 0x6ED9EBA1
            case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC
            default: f = b ^ c ^ d; k = 0xCA62C1D6
            }
            let temp = ((a << 5) | (a >> 27)) &+ f &+ e &+ k &+ w[i]
            e = d; d = c; c = (b << 30) | (b >> 2); b = a; a = temp
        }
        h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d; h[4] = h[4] &+ e
    }
    return h.flatMap { v in (0..<4).map { UInt8((v >> (24 - 8 * UInt32($0))) & 0xff) } }
}

func hmacSHA1(key: [UInt8], message: [UInt8]) -> [UInt8] {
    var k = key.count > 64 ? sha1(key) : key
    k += [UInt8](repeating: 0, count: 64 - k.count)
    let ipad = k.map { $0 ^ 0x36 }, opad = k.map { $0 ^ 0x5c }
    return sha1(opad + sha1(ipad + message))
}
