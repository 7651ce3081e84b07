import Foundation
import XCTest
import Support
import TestSupport

/// Random tokens over the whole base64/base64url alphabet, each echoed back in every form a server or a proxy
/// may echo it in, are always fully masked (issue 24 item 6): no 8 consecutive characters of the echoed form stay.
final class RedactionPropertyTests: XCTestCase {

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_")

    /// Percent-encoding: `escape` says which characters are escaped, `lower` the hex case.
    func percent(_ s: String, lower: Bool = false, escape: (Character) -> Bool) -> String {
        s.map { c -> String in
            guard escape(c) else { return String(c) }
            let hex = String(c.asciiValue!, radix: 16, uppercase: !lower)
            return "%" + (hex.count == 1 ? "0" + hex : hex)
        }.joined()
    }

    /// The base64 of `prefix + token` (standard or URL-safe, unpadded), and the part of it that encodes the
    /// token's bytes alone (the quanta that mix in the prefix or the padding cannot be told apart from others).
    func base64(_ prefix: String, _ token: String, urlSafe: Bool) -> (echo: String, secret: String) {
        var e = Data((prefix + token).utf8).base64EncodedString()
        if urlSafe { e = e.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "") }
        let p = prefix.utf8.count, n = token.utf8.count
        let chars = Array(e), start = (p + 2) / 3 * 4, end = (p + n) / 3 * 4
        return (e, String(chars[start..<min(end, chars.count)]))
    }

    /// The forms `token` is echoed in, by name, each with the part of the echo that must not survive.
    func echoes(of token: String, rng: inout SplitMix) -> [(form: String, echo: String, secret: String)] {
        let reserved: (Character) -> Bool = { !($0.isLetter || $0.isNumber || "-._~".contains($0)) }
        let lead = String(repeating: "x", count: Int.random(in: 0...2, using: &rng))
        let plain: [(String, String)] = [
            ("raw", token),
            ("percent-encoded, upper hex", percent(token, escape: reserved)),
            ("percent-encoded, lower hex", percent(token, lower: true, escape: reserved)),
            ("every character percent-encoded", percent(token) { _ in true }),
            ("-/_ escaped too (an encoder that keeps only alphanumerics)", percent(token) { !($0.isLetter || $0.isNumber) }),
            ("a random mix of escaped and plain, either case", token.map { c in
                Bool.random(using: &rng) ? percent(String(c), lower: Bool.random(using: &rng)) { _ in true } : String(c)
            }.joined()),
            ("JSON with \\/", token.replacingOccurrences(of: "/", with: "\\/")),
        ]
        let basic = base64("oauth2:", token, urlSafe: false), basicURL = base64("x-access-token:", token, urlSafe: true)
        let alone = base64(lead, token, urlSafe: false)
        let userinfo = percent(token, escape: reserved)
        return plain.map { ($0.0, $0.1, $0.1) } + [
            ("Basic auth user:token", "Basic " + basic.echo, basic.secret),
            ("Basic auth, base64url", basicURL.echo, basicURL.secret),
            ("base64 of the token after \(lead.count) bytes", alone.echo, alone.secret),
            ("in a URL's userinfo", "https://oauth2:" + userinfo + "@gitlab.example.test/g/p.git", userinfo),
        ]
    }

    func testRandomTokensEchoedInEveryEncodingAreFullyMasked() {
        var rng = SplitMix(seed: 0x1B_2024_0006)
        for _ in 0..<400 {
            var token = String((0..<Int.random(in: 16...64, using: &rng)).map { _ in Self.alphabet.randomElement(using: &rng)! })
            // always both a URL-safe and a standard-only character, the case that was only partly masked
            token.insert(["-", "_"].randomElement(using: &rng)!, at: token.index(token.startIndex, offsetBy: 3))
            token.insert(["+", "/", "="].randomElement(using: &rng)!, at: token.index(token.startIndex, offsetBy: 9))
            for (form, echo, secret) in echoes(of: token, rng: &rng) {
                let text = "remote: HTTP Basic: Access denied for \(echo) (see the log)"
                let masked = redact(text: text, secrets: [token])
                let e = Array(secret)
                let leaked = (0...(e.count - 8)).map { String(e[$0..<$0 + 8]) }.first { masked.contains($0) }
                XCTAssertNil(leaked, "token \(token) echoed as \(form): \(masked)")
                XCTAssertTrue(masked.contains(redactionMask), "\(form): \(masked)")
            }
        }
    }

    func testAMaskNeverSwallowsTextAroundTheToken() {
        let token = "ab-cd_ef+gh/ij=kl"
        XCTAssertEqual(maskSecrets("a %61b-cd_ef%2bgh%2Fij%3Dkl z", secrets: [token]), "a *** z")
        XCTAssertEqual(maskSecrets("100% sure, ab-cd", secrets: [token]), "100% sure, ab-cd")
    }
}
