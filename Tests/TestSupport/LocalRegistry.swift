import Foundation

/// Debian's `docker-registry` (CNCF distribution 2.8) on 127.0.0.1, started by a test with TLS (a test CA whose
/// server certificate names 127.0.0.1 and 127.0.0.2) and htpasswd or token auth, or none. Images are pushed with
/// skopeo from an OCI layout written by `ociLayoutScript`.
public final class LocalRegistry {
    public enum Auth {
        case anonymous
        /// htpasswd users (bcrypt, as distribution requires).
        case htpasswd([String: String])
        /// Token auth against `realm` (a `TokenServer`), whose JWTs are signed by `RegistryTLS.signingCert`.
        case token(realm: String)
    }

    public static let service = "imagebump-test-registry"
    public static let issuer = "imagebump-test-issuer"

    public let host: String
    public let port: Int
    public let directory: URL
    private let process = Process()
    /// USER:PASSWORD skopeo pushes with (nil: anonymous registry).
    public let pushCredentials: String?

    public var hostPort: String { "\(host):\(port)" }

    public init(auth: Auth, pushCredentials: String? = nil) throws {
        guard let registry = LocalRegistry.tool("docker-registry") else {
            throw unavailable("docker-registry is not installed (Debian package docker-registry; scripts/install-deps.sh installs it)")
        }
        guard LocalRegistry.tool("skopeo") != nil else { throw unavailable("skopeo is not installed (scripts/install-deps.sh installs it)") }
        let tls = try RegistryTLS.shared.get()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("imagebump-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        host = "127.0.0.1"
        port = try LocalRegistry.freePort()
        var authBlock = ""
        switch auth {
        case .anonymous:
            self.pushCredentials = nil
        case .htpasswd(let users):
            guard let htpasswd = LocalRegistry.tool("htpasswd") else { throw unavailable("htpasswd is not installed (apache2-utils)") }
            var lines = ""
            for (u, p) in users {
                let r = try runProgram(htpasswd, ["-Bbn", u, p])
                guard r.status == 0 else { throw NSError(domain: "LocalRegistry", code: 1, userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
                lines += r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
            }
            try lines.write(to: directory.appendingPathComponent("htpasswd"), atomically: true, encoding: .utf8)
            authBlock = "auth:\n  htpasswd:\n    realm: basic-realm\n    path: \(directory.path)/htpasswd\n"
            self.pushCredentials = pushCredentials ?? users.first.map { "\($0.key):\($0.value)" }
        case .token(let realm):
            authBlock = "auth:\n  token:\n    realm: \(realm)\n    service: \(Self.service)\n    issuer: \(Self.issuer)\n    rootcertbundle: \(tls.signingCert)\n"
            self.pushCredentials = pushCredentials
        }
        let config = """
        version: 0.1
        log:
          level: error
        storage:
          filesystem:
            rootdirectory: \(directory.path)/data
        http:
          addr: 127.0.0.1:\(port)
          tls:
            certificate: \(tls.cert)
            key: \(tls.key)
        \(authBlock)
        """
        let configURL = directory.appendingPathComponent("config.yml")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: registry)
        process.arguments = ["serve", configURL.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        guard LocalRegistry.waitForPort(port) else {
            stop()
            throw NSError(domain: "LocalRegistry", code: 2, userInfo: [NSLocalizedDescriptionKey: "docker-registry did not listen on 127.0.0.1:\(port)"])
        }
    }

    public func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Pushes a generated image as `repository:tag` (an OCI index of two platforms with `index`) and returns its
    /// top-level digest (and the children's, for an index). Digests are kept as written (`--preserve-digests`).
    @discardableResult
    public func push(_ repository: String, tag: String, index: Bool = false) throws -> (digest: String, children: [String]) {
        let layout = directory.appendingPathComponent("layout-\(UUID().uuidString)")
        let script = directory.appendingPathComponent("oci_layout.py")
        if !FileManager.default.fileExists(atPath: script.path) { try ociLayoutScript.write(to: script, atomically: true, encoding: .utf8) }
        let made = try runProgram("/usr/bin/env", ["python3", script.path, layout.path, tag] + (index ? ["--index"] : []))
        guard made.status == 0 else { throw NSError(domain: "LocalRegistry", code: 3, userInfo: [NSLocalizedDescriptionKey: made.stderr]) }
        let digests = made.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let tls = try RegistryTLS.shared.get()
        var args = ["--insecure-policy", "copy", "--all", "--preserve-digests", "--dest-cert-dir", tls.caDirectory]
        if let pushCredentials { args += ["--dest-creds", pushCredentials] }
        args += ["oci:\(layout.path):\(tag)", "docker://\(hostPort)/\(repository):\(tag)"]
        let env = ProcessInfo.processInfo.environment.merging(["HOME": directory.path, "XDG_RUNTIME_DIR": directory.path]) { $1 }
        let pushed = try runProgram(LocalRegistry.tool("skopeo")!, args, environment: env)
        try? FileManager.default.removeItem(at: layout)
        guard pushed.status == 0 else {
            throw NSError(domain: "LocalRegistry", code: 4, userInfo: [NSLocalizedDescriptionKey: "skopeo copy failed: \(pushed.stderr)"])
        }
        return (digests[0], Array(digests.dropFirst()))
    }

    public static func tool(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }

    /// A port nothing listens on now (bound once, released).
    public static func freePort(host: String = "127.0.0.1") throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr(host)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw NSError(domain: "LocalRegistry", code: 5, userInfo: [NSLocalizedDescriptionKey: "no free port"]) }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Waits until something accepts on `host:port` (the server started), at most 20 s.
    public static func waitForPort(_ port: Int, host: String = "127.0.0.1") -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr(host)
            let ok = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(fd)
            if ok { return true }
            usleep(50_000)
        }
        return false
    }
}

/// The token server of a token-auth `LocalRegistry`, on `host` (127.0.0.2 to be another host than the registry).
public final class TokenServer {
    private let server: LoopbackScript
    public let host: String
    public let log: URL
    public var realm: String { "https://\(host):\(server.port)/token" }
    public var hostPort: String { "\(host):\(server.port)" }

    /// `users`: who may log in (USER:PASSWORD pairs); `field`: token, access_token or both in the answer.
    public init(host: String = "127.0.0.2", users: [String: String], field: String = "token") throws {
        let tls = try RegistryTLS.shared.get()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imagebump-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = dir.appendingPathComponent("token_server.py")
        try tokenServerScript.write(to: script, atomically: true, encoding: .utf8)
        log = dir.appendingPathComponent("requests.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        self.host = host
        server = try LoopbackScript(script.path, ["--host", host, "--cert", tls.cert, "--key", tls.key, "--sign-key", tls.signingKey,
                                                  "--sign-cert", tls.signingCert, "--issuer", LocalRegistry.issuer,
                                                  "--service", LocalRegistry.service, "--log", log.path, "--field", field]
                                     + users.map { ["--user", "\($0.key):\($0.value)"] }.flatMap { $0 }, stderr: true)
    }

    /// The Authorization header of every token request so far ("" for none).
    public var authorizations: [String] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: String]
        }.map { $0["authorization"] ?? "" }
    }

    /// The path (with the query: service and scope) of every token request so far.
    public var paths: [String] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: String])?["path"]
        }
    }

    public func stop() { server.stop() }
}

/// The registry tests' TLS material, made once per test run with the openssl CLI: a CA (also alone in
/// `caDirectory`, skopeo's --dest-cert-dir), a server certificate for IP:127.0.0.1 and IP:127.0.0.2, and a
/// self-signed token-signing certificate (the registry's rootcertbundle).
public struct RegistryTLS: Sendable {
    public let caFile: String
    public let caDirectory: String
    public let cert: String
    public let key: String
    public let signingCert: String
    public let signingKey: String

    public static let shared: Result<RegistryTLS, Error> = Result {
        let d = TestFiles.directory.appendingPathComponent("registry-tls")
        let caDir = d.appendingPathComponent("ca")
        try FileManager.default.createDirectory(at: caDir, withIntermediateDirectories: true)
        let p = { (name: String) in d.appendingPathComponent(name).path }
        try "subjectAltName=IP:127.0.0.1,IP:127.0.0.2\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
            .write(toFile: p("ext.cnf"), atomically: true, encoding: .utf8)
        try TestFiles.run("/usr/bin/env", ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
                                           "-keyout", p("ca.key"), "-out", p("ca.pem"), "-subj", "/CN=imagebump registry test CA",
                                           "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try TestFiles.run("/usr/bin/env", ["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-sha256",
                                           "-keyout", p("server.key"), "-out", p("server.csr"), "-subj", "/CN=127.0.0.1"])
        try TestFiles.run("/usr/bin/env", ["openssl", "x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
                                           "-CAcreateserial", "-out", p("server.pem"), "-days", "2", "-sha256", "-extfile", p("ext.cnf")])
        try TestFiles.run("/usr/bin/env", ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
                                           "-keyout", p("sign.key"), "-out", p("sign.pem"), "-subj", "/CN=imagebump token signer"])
        try FileManager.default.copyItem(atPath: p("ca.pem"), toPath: caDir.appendingPathComponent("ca.crt").path)
        return RegistryTLS(caFile: p("ca.pem"), caDirectory: caDir.path, cert: p("server.pem"), key: p("server.key"),
                           signingCert: p("sign.pem"), signingKey: p("sign.key"))
    }
}

/// The misbehaving registry of `fakeRegistryScript`, on 127.0.0.1 with the registry tests' TLS.
public final class FakeRegistry {
    private let server: LoopbackScript
    public let log: URL
    public var hostPort: String { "127.0.0.1:\(server.port)" }

    public init(tags: [String], page: Int = 0, throttle: Int = 0, badDigest: Bool = false, linkElsewhere: Bool = false,
                challenge: String? = nil, echoAuth: Bool = false, refuseTags: Bool = false, digestHeader: String? = nil) throws {
        let tls = try RegistryTLS.shared.get()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imagebump-fake-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = dir.appendingPathComponent("fake_registry.py")
        try fakeRegistryScript.write(to: script, atomically: true, encoding: .utf8)
        log = dir.appendingPathComponent("requests.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        var args = ["--cert", tls.cert, "--key", tls.key, "--log", log.path, "--tags", tags.joined(separator: ","),
                    "--page", String(page), "--throttle", String(throttle)]
        if badDigest { args.append("--bad-digest") }
        if linkElsewhere { args.append("--link-elsewhere") }
        if let challenge { args += ["--challenge", challenge] }
        if echoAuth { args.append("--echo-auth") }
        if refuseTags { args.append("--refuse-tags") }
        if let digestHeader { args += ["--digest-header", digestHeader] }
        server = try LoopbackScript(script.path, args, stderr: true)
    }

    /// "METHOD PATH" of every request so far.
    public var requests: [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    public func stop() { server.stop() }
}
