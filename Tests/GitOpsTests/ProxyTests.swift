import XCTest
import Support
@testable import GitOps

/// http_proxy, https_proxy, all_proxy and no_proxy are honoured as git and curl honour them, and credentials go
/// only to the named origin, also through the proxy (#16.14). The proxy is Fixtures/recording_proxy.py on
/// 127.0.0.1, which serves loopback targets only and logs each request it gets.
final class ProxyTests: ServerTestCase {
    var proxyLog = ""

    /// The proxy's URL; `auth` ("user:password"): the credentials it wants.
    func startProxy(auth: String? = nil) throws -> String {
        let python = try Fixtures.require("python3")
        proxyLog = dir + "/proxy.log"
        var e = ProcessInfo.processInfo.environment
        e["FIXTURE_PROXY_AUTH"] = auth
        let proxy = try ServerProcess.start([python, Fixtures.fixturesDir + "/recording_proxy.py", "--log", proxyLog,
                                             "--max-seconds", "90", "--record-tunnel", dir + "/tunnel"],
                                            env: e, port: nil, logDir: dir)
        servers.append(proxy)
        return "http://127.0.0.1:\(proxy.port)"
    }

    var seen: [String] {
        ((try? String(contentsOfFile: proxyLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The test's environment without any proxy variable of the machine's, plus `extra`.
    func environment(token: String?, _ extra: [String: String]) -> [String: String] {
        var e = env(token: token)
        for k in ["http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"] {
            e.removeValue(forKey: k)
        }
        return e.merging(extra) { $1 }
    }

    func httpsOrigin() throws -> (bare: String, url: String, ca: String, port: Int) {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let tls = try Fixtures.makeTLS(dir: dir)
        let https = try Fixtures.startHTTP(root: dir, password: canary, cert: tls.cert, key: tls.key, logDir: dir)
        servers.append(https)
        return (bare, "https://localhost:\(https.port)/config.git", tls.ca, https.port)
    }

    func credentials(ca: String, _ e: [String: String]) -> GitCredentials {
        var e = e
        e["SSL_CERT_FILE"] = ca
        e["GIT_SSL_CAINFO"] = ca
        return GitCredentials(caFile: ca, environment: e)
    }

    func testHTTPSGoesThroughTheProxysTunnelWhichNeverSeesTheToken() throws {
        let (bare, url, ca, port) = try httpsOrigin()
        let proxy = try startProxy()
        for variable in ["https_proxy", "HTTPS_PROXY", "all_proxy"] {
            try? FileManager.default.removeItem(atPath: proxyLog)
            let creds = credentials(ca: ca, environment(token: canary, [variable: proxy]))
            XCTAssertTrue(try bump(url, credentials: creds, index: 5, tag: "via-\(variable)").pushed, variable)
            try assertLanded(bare, index: 5, tag: "via-\(variable)")
            XCTAssertFalse(seen.isEmpty, "\(variable): the proxy was not used")
            XCTAssertEqual(Set(seen), ["CONNECT localhost:\(port) HTTP/1.1 auth=no"], variable)
        }
        assertNoCanary((try? String(contentsOfFile: proxyLog, encoding: .utf8)) ?? "")
    }

    /// libgit2 1.5 would send an http:// remote's requests to the proxy in absolute form, the token in clear:
    /// imagebump's stream opens a CONNECT tunnel instead, as for https://.
    func testPlainHTTPGoesThroughAProxyTunnelToo() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let http = try Fixtures.startHTTP(root: dir, password: canary, logDir: dir)
        servers.append(http)
        let proxy = try startProxy()
        let url = "http://127.0.0.1:\(http.port)/config.git"
        let creds = GitCredentials(environment: environment(token: canary, ["http_proxy": proxy]))
        XCTAssertTrue(try bump(url, credentials: creds, index: 6, tag: "forwarded").pushed)
        try assertLanded(bare, index: 6, tag: "forwarded")
        XCTAssertEqual(Set(seen), ["CONNECT 127.0.0.1:\(http.port) HTTP/1.1 auth=no"])
        let tunnel = (try? String(contentsOfFile: dir + "/tunnel", encoding: .isoLatin1)) ?? ""
        XCTAssertTrue(tunnel.contains("GET /config.git/info/refs?service=git-upload-pack HTTP/1.1\r\n"), tunnel)
        XCTAssertTrue(tunnel.contains("POST /config.git/git-receive-pack HTTP/1.1\r\n"), tunnel)
        // curl and git ignore the upper-case HTTP_PROXY (a CGI request can set it): so does imagebump
        try? FileManager.default.removeItem(atPath: proxyLog)
        let upper = GitCredentials(environment: environment(token: canary, ["HTTP_PROXY": proxy]))
        XCTAssertTrue(try bump(url, credentials: upper, index: 6, tag: "direct").pushed)
        XCTAssertEqual(seen, [])
    }

    func testNoProxyInEitherCaseGoesDirect() throws {
        let (bare, url, ca, _) = try httpsOrigin()
        let proxy = try startProxy()
        for (variable, list) in [("no_proxy", "example.com, localhost"), ("NO_PROXY", ".localhost,other"), ("no_proxy", "*")] {
            let creds = credentials(ca: ca, environment(token: canary, ["https_proxy": proxy, variable: list]))
            XCTAssertTrue(try bump(url, credentials: creds, index: 7, tag: "direct-\(variable)-\(list.count)").pushed)
            try assertLanded(bare, index: 7, tag: "direct-\(variable)-\(list.count)")
        }
        XCTAssertEqual(seen, [], "no_proxy named the host: the proxy got nothing")
    }

    func testARedirectToAnotherOriginIsRefusedThroughTheProxyToo() throws {
        let (a, b, record) = try redirectToAnotherOrigin()
        let proxy = try startProxy()
        let url = "http://127.0.0.1:\(a.port)/config.git"
        let creds = GitCredentials(environment: environment(token: canary, ["http_proxy": proxy]))
        XCTAssertThrowsError(try bump(url, credentials: creds, tag: "never")) { error in
            guard case let GitOpsError.redirectRefused(from, target) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(from, url)
            XCTAssertEqual(target, "127.0.0.2:\(b.port)")
        }
        XCTAssertEqual(Set(seen), ["CONNECT 127.0.0.1:\(a.port) HTTP/1.1 auth=no"], "the proxy was asked for another origin")
        XCTAssertEqual((try? String(contentsOfFile: record, encoding: .utf8)) ?? "", "", "the other origin got a request")
    }

    /// An https remote: libgit2 opens the tunnel and asks for the proxy's credentials when it answers 407; they
    /// come from the proxy URL (percent-decoded), once: a refused password ends the operation, not a loop.
    func testHTTPSThroughAProxyThatWantsCredentials() throws {
        let (bare, url, ca, port) = try httpsOrigin()
        let proxy = try startProxy(auth: "ci bot:p@ss:w/rd")
        let good = "http://ci%20bot:p%40ss%3Aw%2Frd@" + proxy.dropFirst("http://".count)
        XCTAssertTrue(try bump(url, credentials: credentials(ca: ca, environment(token: canary, ["https_proxy": good])),
                               index: 8, tag: "authenticated").pushed)
        try assertLanded(bare, index: 8, tag: "authenticated")
        XCTAssertTrue(seen.contains("CONNECT localhost:\(port) HTTP/1.1 auth=no proxy-auth=ok"), "\(seen)")
        XCTAssertEqual(Set(seen).subtracting(["CONNECT localhost:\(port) HTTP/1.1 auth=no proxy-auth=none"]),
                       ["CONNECT localhost:\(port) HTTP/1.1 auth=no proxy-auth=ok"])

        for (setting, detail) in [("http://ci%20bot:wrong-pass@", ""), ("http://", ": the proxy asks for credentials")] {
            try? FileManager.default.removeItem(atPath: proxyLog)
            let creds = credentials(ca: ca, environment(token: canary, ["https_proxy": setting + proxy.dropFirst("http://".count)]))
            XCTAssertThrowsError(try bump(url, credentials: creds, index: 8, tag: "never")) { error in
                guard case GitOpsError.proxyRefused = error else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".hasPrefix("proxy authentication failed for \(proxy) (407)\(detail)"), "\(error)")
                XCTAssertTrue("\(error)".hasSuffix(" (reaching \(url))"), "\(error)")
                XCTAssertFalse("\(error)".contains("wrong-pass"))
            }
            XCTAssertLessThanOrEqual(seen.count, 2, "asked again and again: \(seen)")
        }
        try assertLanded(bare, index: 8, tag: "authenticated")
    }

    func testPlainHTTPThroughAProxyThatWantsCredentials() throws {
        let bare = try Fixtures.makeBareRepo(root: dir)
        let http = try Fixtures.startHTTP(root: dir, password: canary, logDir: dir)
        servers.append(http)
        let proxy = try startProxy(auth: "bot:s3cret%")
        let url = "http://127.0.0.1:\(http.port)/config.git"
        let good = GitCredentials(environment: environment(token: canary, ["http_proxy": "http://bot:s3cret%25@" + proxy.dropFirst(7)]))
        XCTAssertTrue(try bump(url, credentials: good, index: 9, tag: "tunnelled").pushed)
        try assertLanded(bare, index: 9, tag: "tunnelled")
        XCTAssertEqual(Set(seen), ["CONNECT 127.0.0.1:\(http.port) HTTP/1.1 auth=no proxy-auth=ok"])
        try? FileManager.default.removeItem(atPath: proxyLog)
        let bad = GitCredentials(environment: environment(token: canary, ["http_proxy": "http://bot:nope-nope@" + proxy.dropFirst(7)]))
        XCTAssertThrowsError(try bump(url, credentials: bad, index: 9, tag: "never")) { error in
            XCTAssertTrue("\(error)".hasPrefix("proxy authentication failed for \(proxy) (407) (reaching \(url))"), "\(error)")
        }
        XCTAssertEqual(seen, ["CONNECT 127.0.0.1:\(http.port) HTTP/1.1 auth=no proxy-auth=wrong"])
    }

    func testASOCKSProxyIsRefusedClearly() throws {
        let creds = GitCredentials(environment: environment(token: nil, ["https_proxy": "socks5://127.0.0.1:1080"]))
        XCTAssertThrowsError(try bump("https://localhost:1/config.git", credentials: creds, tag: "never")) { error in
            XCTAssertEqual("\(error)", "cannot use the proxy for https://localhost:1/config.git: https_proxy: a socks5:// proxy"
                           + " is not supported; give an http:// or https:// proxy")
        }
    }

    func testProxyRules() throws {
        func proxy(_ url: String, _ e: [String: String]) throws -> String? { try Proxy.forTarget(RemoteURL(url), environment: e)?.url }
        XCTAssertEqual(try proxy("https://h/x", ["https_proxy": "p:3128", "HTTPS_PROXY": "q:1"]), "http://p:3128")
        XCTAssertEqual(try proxy("https://h/x", ["HTTPS_PROXY": "http://q:1"]), "http://q:1")
        XCTAssertEqual(try proxy("http://h/x", ["https_proxy": "http://p:1"]), nil)
        XCTAssertEqual(try proxy("http://h/x", ["ALL_PROXY": "http://a:1"]), "http://a:1")
        XCTAssertEqual(try proxy("http://h/x", ["all_proxy": "http://a:1", "ALL_PROXY": "http://b:1"]), "http://a:1")
        XCTAssertEqual(try proxy("ssh://h/x", ["all_proxy": "http://a:1"]), nil)
        XCTAssertEqual(try proxy("git://h/x", ["all_proxy": "http://a:1"]), nil)
        XCTAssertEqual(try proxy("https://git.corp.example/x", ["https_proxy": "http://p:1", "no_proxy": ".corp.example"]), nil)
        XCTAssertEqual(try proxy("https://corp.example/x", ["https_proxy": "http://p:1", "no_proxy": "corp.example"]), nil)
        XCTAssertEqual(try proxy("https://notcorp.example/x", ["https_proxy": "http://p:1", "no_proxy": "corp.example"]), "http://p:1")
        XCTAssertEqual(try proxy("https://10.1.2.3/x", ["https_proxy": "http://p:1", "NO_PROXY": "10.0.0.0/8"]), nil)
        XCTAssertEqual(try proxy("https://11.1.2.3/x", ["https_proxy": "http://p:1", "NO_PROXY": "10.0.0.0/8"]), "http://p:1")
        XCTAssertEqual(try proxy("https://h/x", ["https_proxy": ""]), nil)
    }

    func testProxyCredentialsAreDecodedAndNeverShown() throws {
        let p = try XCTUnwrap(Proxy.forTarget(RemoteURL("https://h/x"), environment: ["https_proxy": "corp%5Cme:p%40ss%3Aw0rd@Proxy:3128"]))
        XCTAssertEqual(p.user, "corp\\me")
        XCTAssertEqual(p.password, "p@ss:w0rd")
        XCTAssertEqual(p.address, "http://Proxy:3128")
        XCTAssertEqual(p.shown, "http://proxy:3128")
        XCTAssertEqual(p.basicAuthorization, "Basic " + Data("corp\\me:p@ss:w0rd".utf8).base64EncodedString())
        XCTAssertEqual(p.authenticationFailure, "proxy authentication failed for http://proxy:3128 (407)")
        // a line that holds the proxy's URL is printed without its credentials
        XCTAssertEqual(redact(text: "via \(p.url): refused"), "via http://***@Proxy:3128: refused")
        let none = try XCTUnwrap(Proxy.forTarget(RemoteURL("http://h/x"), environment: ["http_proxy": "http://proxy:8080"]))
        XCTAssertNil(none.user)
        XCTAssertNil(none.basicAuthorization)
        // every proxy variable's password, decoded, is one to mask; a proxy without one, or an empty one, gives none
        XCTAssertEqual(Proxy.passwords(environment: ["https_proxy": "corp%5Cme:p%40ss@proxy:3128", "http_proxy": "http://proxy:8080",
                                                     "ALL_PROXY": "u:@proxy:1", "all_proxy": " http://a:b2c3@proxy:2 "]),
                       ["p@ss", "b2c3"])
        // an http:// remote's tunnel is imagebump's own, without TLS to the proxy
        let creds = GitCredentials(environment: ["http_proxy": "https://proxy:8443"])
        XCTAssertThrowsError(try bump("http://127.0.0.1:1/config.git", credentials: creds, tag: "never")) { error in
            XCTAssertTrue("\(error)".contains("https://proxy:8443 is an https:// proxy, which an http:// remote cannot go through"), "\(error)")
        }
    }
}
