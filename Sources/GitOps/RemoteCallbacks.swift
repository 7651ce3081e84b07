internal import CGit2
internal import CGitStream
import FoundationEssentials
import Support

/// State shared with libgit2's remote callbacks for one network operation (clone, fetch or push).
final class RemoteContext {
    /// What the operation does to the remote, for messages: "cloning", "fetching from", "pushing to".
    enum Phase: String { case cloning = "cloning", fetching = "fetching from", pushing = "pushing to" }

    let session: CredentialSession
    let progress: GitProgressSink?
    let phase: Phase
    let timeouts: NetworkTimeouts
    /// What the stream under libgit2 refused or gave up on (see `run`).
    var streamEvent: StreamEvent?
    var credentialCalls = 0
    /// How often libgit2 asked for the proxy's credentials, and whether the proxy refused them (407).
    var proxyCredentialCalls = 0
    var proxyAuthenticationFailed = false
    var authFailed = false
    var noCredentials = false
    var hostKeyError: GitOpsError?
    var credentialError: GitOpsError?
    /// (ref, status) for refs the server rejected during push.
    var rejectedRefs: [(ref: String, status: String)] = []
    /// A force push's expected old value of one ref (zero oid: absent); the push stops before sending anything
    /// when the remote advertises another, `leaseBroken` saying so.
    var lease: (ref: String, expected: git_oid)?
    var leaseBroken: String?
    var sshKeyAttempts = 0
    /// The server's own messages (sideband `remote:` lines, progress left out), redacted: the last few are kept
    /// for the error when the push is rejected.
    private(set) var serverMessages: [String] = []
    /// Why a certificate for an IP address was refused (see the certificate check).
    var certificateRefusal: String?
    /// The server sent more than `timeouts.maxPackBytes`: the transfer was stopped.
    var receivedTooMuch = false

    init(session: CredentialSession, progress: GitProgressSink?, phase: Phase, timeouts: NetworkTimeouts) {
        self.session = session
        self.progress = progress
        self.phase = phase
        self.timeouts = timeouts
    }

    /// Runs one libgit2 network call with connections pinned to the named remote and the timeouts applied.
    func run(_ body: () -> Int32) -> Int32 {
        let (rc, event) = withNetworkPolicy(session.location, timeouts, proxy: session.proxy, body)
        streamEvent = event
        return rc
    }

    var secrets: [String] { session.secrets }

    /// Keeps one sideband line of the server's unless it is progress ("Resolving deltas:  50% (1/2)"); at most the
    /// last 20, each at most 500 characters.
    func keepServerMessage(_ line: String) {
        let text = line.trimmingBlanks()
        guard !text.isEmpty, !text.contains("% ("), !text.hasSuffix(", done.") else { return }
        serverMessages.append(String(redact(text: text, secrets: secrets).prefix(500)))
        if serverMessages.count > 20 { serverMessages.removeFirst() }
    }

    /// Converts a failed libgit2 call into the most specific error.
    func error(operation: String, code: Int32) -> GitOpsError {
        let display = session.location.display
        switch streamEvent {
        case .otherOrigin(let target)?:
            return .redirectRefused(url: display, target: target)
        case .connectTimeout(let target)?:
            return .timedOut(url: display, phase: phase.rawValue,
                             detail: "no connection to \(target) within \(Self.seconds(timeouts.connect))")
        case .idleTimeout(let target)?:
            return .timedOut(url: display, phase: phase.rawValue,
                             detail: "no data from \(target) for \(Self.seconds(timeouts.idle))"
                                 + (phase == .pushing ? "; the push was not confirmed: re-running is safe" : ""))
        case .deadline(let target)?:
            return .timedOut(url: display, phase: phase.rawValue,
                             detail: "not done with \(target) within \(Self.seconds(timeouts.phase))"
                                 + (phase == .pushing ? "; the push was not confirmed: re-running is safe" : ""))
        case .proxyAuthentication?:
            return .proxyRefused(url: display, message: session.proxy?.authenticationFailure ?? "proxy authentication failed (407)")
        case .proxyRefused(let message)?:
            return .proxyRefused(url: display, message: message)
        case nil: break
        }
        if proxyAuthenticationFailed {
            return .proxyRefused(url: display, message: session.proxy?.authenticationFailure ?? "proxy authentication failed (407)")
        }
        if receivedTooMuch {
            return .receiveLimitExceeded(url: display, phase: phase.rawValue, limit: timeouts.maxPackBytes)
        }
        if let hostKeyError { return hostKeyError }
        if let certificateRefusal { return .git(operation: operation, message: certificateRefusal, code: code) }
        if let credentialError { return credentialError }
        let msg = lastGitErrorMessage(secrets: secrets)
        if session.credentials.environment["IMAGEBUMP_DEBUG"] != nil {
            writeToStandardError("imagebump debug: \(operation): libgit2 \(code): \(msg) (authFailed=\(authFailed) noCredentials=\(noCredentials) calls=\(credentialCalls))\n")
        }
        if authFailed || noCredentials || code == GIT_EAUTH.rawValue || Self.looksLikeAuthFailure(msg) {
            var source = session.credentialDescription
            if sshKeyAttempts > 0, !noCredentials, let hint = SSHKeyType.refusalHint(session.sshKeyType) { source += "; " + hint }
            return .authenticationFailed(url: session.location.display, source: source)
        }
        return .git(operation: operation, message: msg, code: code)
    }

    /// The error for a ref the server refused to update, with what the server said.
    func rejection(_ rejected: (ref: String, status: String)) -> GitOpsError {
        .pushRejected(url: session.location.display, ref: rejected.ref, status: rejected.status, serverSaid: serverMessages)
    }

    static func seconds(_ t: TimeInterval) -> String {
        t == t.rounded() ? "\(Int(t)) s" : String(oneDecimal: t) + " s"
    }

    static func looksLikeAuthFailure(_ msg: String) -> Bool {
        let m = msg.lowercased()
        return m.contains("authentication required") || m.contains("unexpected http status code: 401")
            || m.contains("unexpected http status code: 403") || m.contains("too many redirects or authentication replays")
            || m.contains("authentication failed") || m.contains("failed to authenticate")
    }

    /// Fills a `git_remote_callbacks` with our C callbacks; `self` must outlive the operation.
    func makeCallbacks() -> git_remote_callbacks {
        var cb = git_remote_callbacks()
        git_remote_init_callbacks(&cb, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        cb.payload = Unmanaged.passUnretained(self).toOpaque()
        cb.credentials = credentialsCallback
        cb.certificate_check = certificateCheckCallback
        cb.transfer_progress = transferProgressCallback
        cb.sideband_progress = sidebandCallback
        cb.push_transfer_progress = pushProgressCallback
        cb.push_update_reference = pushUpdateReferenceCallback
        cb.push_negotiation = pushNegotiationCallback
        return cb
    }

    static func from(_ payload: UnsafeMutableRawPointer?) -> RemoteContext {
        Unmanaged<RemoteContext>.fromOpaque(payload!).takeUnretainedValue()
    }
}

/// The CA bundle mbedTLS uses when none is named (Debian's ca-certificates).
private let defaultCAFile = "/etc/ssl/certs/ca-certificates.crt"

private func setGitError(_ message: String) {
    _ = message.withCString { git_error_set_str(Int32(GIT_ERROR_NET.rawValue), $0) }
}

private let credentialsCallback: git_credential_acquire_cb = { out, _, usernameFromURL, allowedTypes, payload in
    let ctx = RemoteContext.from(payload)
    ctx.credentialCalls += 1
    let allowed = allowedTypes
    let session = ctx.session
    let userFromURL = usernameFromURL.map { String(cString: $0) }

    if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 {
        // libgit2 asks again only when the server refused what we gave it.
        if ctx.credentialCalls > 1 {
            ctx.authFailed = true
            setGitError("authentication failed")
            return GIT_EAUTH.rawValue
        }
        guard let creds = session.httpCredentials() else {
            ctx.noCredentials = true
            ctx.credentialError = .authenticationFailed(url: session.location.display,
                                                        source: session.credentials.tokenSearchDescription(host: session.location.host))
            setGitError("authentication required but no token available")
            return GIT_EAUTH.rawValue
        }
        session.warnIfPlainHTTP(ctx.progress)
        return git_credential_userpass_plaintext_new(out, creds.user, creds.password)
    }
    let sshUser = userFromURL ?? session.location.user ?? "git"
    if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 && allowed & GIT_CREDENTIAL_SSH_KEY.rawValue == 0 {
        return git_credential_username_new(out, sshUser)
    }
    if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
        ctx.sshKeyAttempts += 1
        if ctx.sshKeyAttempts > 1 {  // libgit2 asks again only when the server refused the key
            ctx.authFailed = true
            setGitError("SSH authentication failed")
            return GIT_EAUTH.rawValue
        }
        let key: (key: CredentialSession.SSHKey, source: String)?
        do { key = try session.sshKey() } catch {
            ctx.credentialError = error as? GitOpsError
            setGitError("\(error)")
            return -1
        }
        guard let key else {
            ctx.noCredentials = true
            ctx.credentialError = .authenticationFailed(url: session.location.display,
                                                        source: session.sshCredentialDescription)
            setGitError("no SSH key available")
            return GIT_EAUTH.rawValue
        }
        switch key.key {
        case .file(let path): return git_credential_ssh_key_new(out, sshUser, nil, path, nil)
        case .memory(let content): return git_credential_ssh_key_memory_new(out, sshUser, nil, content, nil)
        }
    }
    if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
        return git_credential_username_new(out, sshUser)
    }
    ctx.noCredentials = true
    setGitError("no supported authentication method")
    return GIT_EAUTH.rawValue
}

private let certificateCheckCallback: git_transport_certificate_check_cb = { cert, valid, hostPtr, payload in
    let ctx = RemoteContext.from(payload)
    guard let cert else { return -1 }
    if cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 {
        let session = ctx.session
        if session.credentials.insecureAcceptUnknownHostKeys { return 0 }
        let host = session.location.host ?? hostPtr.map { String(cString: $0) } ?? "?"
        let port = session.location.port
        let display = KnownHosts.hostToken(host: host, port: port)
        let hk = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
        guard hk.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hk.hostkey else {
            ctx.hostKeyError = .hostKeyRejected(host: display, reason: "libssh2 did not provide the raw host key")
            setGitError("host key unavailable")
            return -1
        }
        let key = [UInt8](UnsafeRawBufferPointer(start: raw, count: hk.hostkey_len))
        let path = session.credentials.knownHostsPath
            ?? (session.credentials.environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path) + "/.ssh/known_hosts"
        let knownHosts = KnownHosts(path: path)
        guard let reason = knownHosts.refusal(knownHosts.verify(host: host, port: port, key: key), host: host, port: port) else {
            return 0
        }
        ctx.hostKeyError = .hostKeyRejected(host: display, reason: reason)
        setGitError("SSH host key verification failed")
        return -1
    }
    // TLS: libgit2's (mbedTLS) verification decides. mbedTLS 2.28 matches DNS names only, so a certificate for the
    // IP address in the URL is checked here the way curl checks it; any other failed verification stands.
    if valid == 0, cert.pointee.cert_type == GIT_CERT_X509, let ip = ctx.session.location.ipAddress {
        let x509 = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_x509.self).pointee
        let ca = ctx.session.credentials.effectiveCAFile ?? defaultCAFile
        var why = [CChar](repeating: 0, count: 512)
        let rc = imagebump_verify_ip_certificate(x509.data.assumingMemoryBound(to: UInt8.self), x509.len, ca, ip, &why, why.count)
        if rc == 0 { return 0 }
        let reason = why.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        ctx.certificateRefusal = "TLS certificate of \(ip) refused: \(reason) (give the CA that issued it with --ca-file,"
            + " or use a host name the certificate names)"
        setGitError(ctx.certificateRefusal!)
        return -1
    }
    return valid != 0 ? 0 : GIT_PASSTHROUGH.rawValue
}

private let transferProgressCallback: git_indexer_progress_cb = { stats, payload in
    let ctx = RemoteContext.from(payload)
    guard let s = stats?.pointee else { return 0 }
    if ctx.timeouts.maxPackBytes > 0 && Int64(s.received_bytes) > ctx.timeouts.maxPackBytes {
        ctx.receivedTooMuch = true  // libgit2 stops the transfer when this callback fails
        setGitError("received more than the limit")
        return -1
    }
    guard let sink = ctx.progress else { return 0 }
    if s.total_deltas > 0 && s.received_objects == s.total_objects {
        sink(.resolving(indexedDeltas: Int(s.indexed_deltas), totalDeltas: Int(s.total_deltas)))
    } else {
        sink(.transfer(receivedObjects: Int(s.received_objects), indexedObjects: Int(s.indexed_objects),
                       totalObjects: Int(s.total_objects), receivedBytes: Int(s.received_bytes)))
    }
    return 0
}

private let sidebandCallback: git_transport_message_cb = { str, len, payload in
    let ctx = RemoteContext.from(payload)
    guard let str, len > 0 else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: str, count: Int(len)), as: UTF8.self)
    for piece in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
        ctx.keepServerMessage(String(piece))
        ctx.progress?(.remote(redact(text: String(piece), secrets: ctx.secrets)))
    }
    return 0
}

private let pushProgressCallback: git_push_transfer_progress_cb = { current, total, bytes, payload in
    let ctx = RemoteContext.from(payload)
    // libgit2's local transport (file://, a path) writes the pack through its indexer, whose byte count is not the
    // pack's (4 B for any push): no byte count rather than a wrong one
    ctx.progress?(.push(current: Int(current), total: Int(total), bytes: ctx.session.location.isNetwork ? Int(bytes) : nil))
    return 0
}

private let pushUpdateReferenceCallback: git_push_update_reference_cb = { refname, status, payload in
    let ctx = RemoteContext.from(payload)
    if let status {
        ctx.rejectedRefs.append((refname.map { String(cString: $0) } ?? "?",
                                 redact(text: String(cString: status), secrets: ctx.secrets)))
    }
    return 0
}

/// The lease: the updates libgit2 is about to send carry the ref's value as advertised in this push's connection
/// (`src`); another value than the one the run read means a concurrent writer moved the branch.
private let pushNegotiationCallback: git_push_negotiation = { updates, count, payload in
    let ctx = RemoteContext.from(payload)
    guard let lease = ctx.lease, let updates else { return 0 }
    for i in 0..<count {
        guard let update = updates[i]?.pointee, let dst = update.dst_refname, String(cString: dst) == lease.ref else { continue }
        var remote = update.src, expected = lease.expected
        if git_oid_cmp(&remote, &expected) != 0 {
            let hex = { (o: git_oid) in ConfigRepo.hex(o).prefix(12) }
            let seen = git_oid_is_zero(&expected) != 0 ? "absent" : String(hex(expected))
            let broken = "\(lease.ref) is \(git_oid_is_zero(&remote) != 0 ? "gone" : String(hex(remote))), not \(seen) as read"
            ctx.leaseBroken = broken
            setGitError("push refused: " + broken)
            return -1
        }
    }
    return 0
}
