import FoundationEssentials
import Support

/// The algorithm of an SSH private key, read from the key itself (no passphrase needed): the public key in an
/// OpenSSH-format key (`openssh-key-v1`), or the PEM label of an older RSA/EC key. Used to explain a refused RSA
/// key: libssh2 1.10 (Debian 12's) signs with `ssh-rsa` (SHA-1) only, which OpenSSH 8.8 and later refuse by
/// default; rsa-sha2-256/512 need libssh2 1.11.
enum SSHKeyType {
    /// "ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", …; nil when the key cannot be read.
    static func of(privateKey text: String) -> String? {
        if text.contains("-----BEGIN RSA PRIVATE KEY-----") { return "ssh-rsa" }
        if text.contains("-----BEGIN EC PRIVATE KEY-----") { return "ecdsa" }
        guard let start = text.scalarRange(of: "-----BEGIN OPENSSH PRIVATE KEY-----"),
              let end = text.scalarRange(of: "-----END OPENSSH PRIVATE KEY-----"), start.upperBound <= end.lowerBound,
              let data = Data(base64Encoded: String(text[start.upperBound..<end.lowerBound].filter { !$0.isWhitespace })) else { return nil }
        var bytes = [UInt8](data)[...]
        let magic = Array("openssh-key-v1".utf8) + [0]
        guard bytes.starts(with: magic) else { return nil }
        bytes = bytes.dropFirst(magic.count)
        func string() -> ArraySlice<UInt8>? {
            guard bytes.count >= 4 else { return nil }
            let n = bytes.prefix(4).reduce(0) { $0 << 8 | Int($1) }
            bytes = bytes.dropFirst(4)
            guard n <= bytes.count else { return nil }
            defer { bytes = bytes.dropFirst(n) }
            return bytes.prefix(n)
        }
        guard string() != nil, string() != nil, string() != nil, bytes.count >= 4 else { return nil } // cipher, kdf, kdf options
        bytes = bytes.dropFirst(4)  // number of keys
        guard var publicKey = string() else { return nil }
        guard publicKey.count >= 4 else { return nil }
        let n = publicKey.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        publicKey = publicKey.dropFirst(4)
        guard n <= publicKey.count else { return nil }
        return String(decoding: publicKey.prefix(n), as: UTF8.self)
    }

    /// What to add to "authentication failed" for a refused key of `type`.
    static func refusalHint(_ type: String?) -> String? {
        guard type == "ssh-rsa" else { return nil }
        return "the key is RSA, and this build's SSH library (libssh2 1.10) can only sign with ssh-rsa (SHA-1), which"
            + " OpenSSH 8.8 and later refuse by default (rsa-sha2-256/512 need libssh2 1.11); use an ed25519 deploy key"
            + " (ssh-keygen -t ed25519)"
    }
}
