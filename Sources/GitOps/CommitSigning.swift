#if canImport(Glibc)
internal import Glibc
#endif
import FoundationEssentials
import Support
import ImagebumpKit

/// How the commits a run makes are signed, the way git signs them (`commit.gpgsign`): an SSH signature made by
/// `ssh-keygen -Y sign -n git` (git's `gpg.format=ssh`), or an OpenPGP one made by `gpg` (armored, detached).
/// The signature goes into the commit's `gpgsig` header, so `git verify-commit` and the forges check it.
public struct CommitSigning: Sendable, Equatable {
    public enum Key: Sendable, Equatable {
        /// ssh: a private key file, or a public key file whose private key ssh-agent holds; openpgp: a key id,
        /// fingerprint or user id in gpg's keyring.
        case named(String)
        /// ssh: a public key given literally (git's `user.signingkey = key::ssh-ed25519 …`), signed by ssh-agent.
        case agentPublicKey(String)
        /// The key itself, from the variable `variable`: ssh: an OpenSSH private key; openpgp: an armored secret key.
        /// Either may be base64-encoded (GitLab masks only single-line values); CRLF line ends are taken as LF.
        case material(String, variable: String)
    }

    /// A key's text as the programs read it: decoded when it was base64-encoded, LF line ends, a final newline.
    static func keyText(_ material: String) -> String {
        var text = material.replacingEvery("\r\n", with: "\n").trimmingBlanksAndNewlines()
        if !text.hasPrefix("-----BEGIN"), let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters),
           let decoded = String(data: data, encoding: .utf8), decoded.hasPrefix("-----BEGIN") {
            text = decoded.replacingEvery("\r\n", with: "\n").trimmingBlanksAndNewlines()
        }
        return text + "\n"
    }

    public var format: SigningFormat
    /// nil (openpgp only): the committer's `Name <email>` picks the key, as git does without `user.signingkey`.
    public var key: Key?
    /// `gpg.ssh.program` / `gpg.program`; nil: `ssh-keygen` / `gpg` on PATH.
    public var program: String?
    /// The programs' environment (PATH, HOME, GNUPGHOME, SSH_AUTH_SOCK), the run's variables.
    public var environment: [String: String]

    public init(format: SigningFormat, key: Key?, program: String? = nil, environment: [String: String] = [:]) {
        self.format = format; self.key = key; self.program = program; self.environment = environment
    }

    /// What the key is, safe to print: never the key material itself.
    public var keyDescription: String {
        switch key {
        case .named(let name)?: return name
        case .agentPublicKey?: return "the public key in user.signingkey (ssh-agent)"
        case .material(_, let variable)?: return "the key in $\(variable)"
        case nil: return "the committer's key"
        }
    }

    /// Refuses now what would make the first commit fail: the program missing, an SSH key file not readable.
    public func preflight() throws {
        _ = format == .ssh ? try program("ssh-keygen", package: "openssh-client") : try program("gpg", package: "gnupg")
        if format == .ssh, case .named(let path)? = key, access(path, R_OK) != 0 {
            throw GitOpsError.invalidArgument("cannot sign with the SSH key \(path): \(String(cString: strerror(errno)))")
        }
        if format == .ssh, key == nil {
            throw GitOpsError.invalidArgument("cannot sign the commit: no SSH key named (--sign-key, --sign-key-env or user.signingkey)")
        }
    }

    /// The armored signature of `buffer` (a commit as `git_commit_create_buffer` made it). `committer` picks an
    /// OpenPGP key when none is named.
    func signature(of buffer: [UInt8], committer: GitAuthor) throws -> String {
        switch format {
        case .ssh: return try sshSignature(of: buffer)
        case .openpgp: return try openPGPSignature(of: buffer, committer: committer)
        }
    }

    private func program(_ fallback: String, package: String) throws -> String {
        let name = program ?? fallback
        guard let path = SigningProgram.find(name, environment: environment) else {
            throw GitOpsError.invalidArgument("cannot sign the commit: \(name) was not found\(name.contains("/") ? "" : " on PATH") (install \(package))")
        }
        return path
    }

    private func sshSignature(of buffer: [UInt8]) throws -> String {
        let keygen = try program("ssh-keygen", package: "openssh-client")
        switch key {
        case nil:
            throw GitOpsError.invalidArgument("cannot sign the commit: no SSH key named (--sign-key, --sign-key-env or user.signingkey)")
        case .named(let path)?:
            return try ssh(keygen, ["-f", path], buffer)
        case .agentPublicKey(let literal)?:
            // ssh-keygen reads the public key from a file and asks ssh-agent to sign: the file holds no secret
            return try PrivateTemporaryDirectory.with(environment: environment) { dir in
                let file = try dir.write("signing-key.pub", literal.hasSuffix("\n") ? literal : literal + "\n")
                return try ssh(keygen, ["-U", "-f", file], buffer)
            }
        case .material(let text, _)?:
            // ssh-keygen reads the key from a file (several times: no pipe): 0600 in a 0700 directory, removed at once
            return try PrivateTemporaryDirectory.with(environment: environment) { dir in
                let file = try dir.write("signing-key", Self.keyText(text))
                return try ssh(keygen, ["-f", file], buffer)
            }
        }
    }

    private func ssh(_ keygen: String, _ keyArgs: [String], _ buffer: [UInt8]) throws -> String {
        let r = try SigningProgram.run([keygen, "-Y", "sign", "-n", "git"] + keyArgs, input: buffer, environment: environment)
        let signature = String(decoding: r.stdout, as: UTF8.self)
        guard r.status == 0, signature.contains("-----BEGIN SSH SIGNATURE-----") else { throw failure("ssh-keygen -Y sign", r) }
        return signature
    }

    private func openPGPSignature(of buffer: [UInt8], committer: GitAuthor) throws -> String {
        let gpg = try program("gpg", package: "gnupg")
        switch key {
        case .material(let text, _)?:
            // imported into a keyring of its own (a 0700 directory, gone afterwards): the key goes in on stdin
            return try PrivateTemporaryDirectory.with(environment: environment) { home in
                var env = environment
                env["GNUPGHOME"] = home.path
                defer { _ = try? SigningProgram.run([gpg.replacingLastComponent(with: "gpgconf"), "--kill", "gpg-agent"], input: [], environment: env) }
                let imported = try SigningProgram.run([gpg, "--batch", "--quiet", "--import"], input: Array(Self.keyText(text).utf8), environment: env)
                guard imported.status == 0 else { throw failure("gpg --import", imported) }
                return try gpgSign(gpg, user: nil, buffer, environment: env)
            }
        case .named(let id)?: return try gpgSign(gpg, user: id, buffer, environment: environment)
        case .agentPublicKey?, nil: return try gpgSign(gpg, user: "\(committer.name) <\(committer.email)>", buffer, environment: environment)
        }
    }

    /// As git runs it: `gpg --status-fd=2 -bsau KEY`, and the signature counts only when gpg said SIG_CREATED.
    private func gpgSign(_ gpg: String, user: String?, _ buffer: [UInt8], environment: [String: String]) throws -> String {
        let r = try SigningProgram.run([gpg, "--status-fd=2", "--batch", "-bsa"] + (user.map { ["-u", $0] } ?? []), input: buffer,
                                       environment: environment)
        let signature = String(decoding: r.stdout, as: UTF8.self)
        guard r.status == 0, String(decoding: r.stderr, as: UTF8.self).contains("[GNUPG:] SIG_CREATED "),
              signature.contains("-----BEGIN PGP SIGNATURE-----") else { throw failure("gpg --detach-sign", r) }
        return signature
    }

    /// The program's complaint, without key material (a key from a variable is masked wherever it shows).
    private func failure(_ what: String, _ r: SigningProgram.Result) -> GitOpsError {
        var said = String(decoding: r.stderr, as: UTF8.self).split(separator: "\n")
            .filter { !$0.hasPrefix("[GNUPG:]") }.suffix(5).joined(separator: "; ")
        if case .material(let text, _)? = key {
            said = maskSecrets(said, secrets: text.split(whereSeparator: \.isNewline).map(String.init).filter { $0.count >= 8 })
        }
        return .invalidArgument("cannot sign the commit with \(keyDescription): \(what) failed (exit \(r.status))\(said.isEmpty ? "" : ": \(said)")")
    }
}

private extension String {
    /// `/usr/bin/gpg` → `/usr/bin/gpgconf`: gpgconf is installed beside gpg.
    func replacingLastComponent(with name: String) -> String {
        guard let slash = lastIndex(of: "/") else { return name }
        return String(self[...slash]) + name
    }
}
