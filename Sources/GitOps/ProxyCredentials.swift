internal import CGit2
import Support

/// libgit2's proxy credential callback, for an https remote (libgit2 opens the CONNECT tunnel): the user and
/// password of the proxy's URL, sent to the proxy only. libgit2 asks again only when the proxy refused them (407
/// once more); the operation then ends with that error instead of trying again (libgit2 would replay the same
/// credentials up to 15 times). A proxy asking when its URL has none fails the same way.
let proxyCredentialsCallback: git_credential_acquire_cb = { out, _, _, allowedTypes, payload in
    let ctx = RemoteContext.from(payload)
    ctx.proxyCredentialCalls += 1
    guard let proxy = ctx.session.proxy, let user = proxy.user, ctx.proxyCredentialCalls == 1,
          allowedTypes & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 else {
        ctx.proxyAuthenticationFailed = true
        _ = (ctx.session.proxy?.authenticationFailure ?? "proxy authentication failed").withCString {
            git_error_set_str(Int32(GIT_ERROR_NET.rawValue), $0)
        }
        return GIT_EAUTH.rawValue
    }
    return git_credential_userpass_plaintext_new(out, user, proxy.password ?? "")
}
