internal import CGit2

extension ConfigRepo {
    /// The identity git would commit with in this repository (`user.name` / `user.email` from its config, the
    /// global or the system config), nil when none is configured.
    public func configuredAuthor() -> GitAuthor? {
        guard let repo else { return nil }
        var sig: UnsafeMutablePointer<git_signature>?
        guard git_signature_default(&sig, repo) == 0, let sig else { return nil }
        defer { git_signature_free(sig) }
        guard let name = sig.pointee.name, let email = sig.pointee.email else { return nil }
        return GitAuthor(name: String(cString: name), email: String(cString: email))
    }
}
