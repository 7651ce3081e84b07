import ArgumentParser

import ImagebumpKit

extension SigningFormat: ExpressibleByArgument {}

/// How `set` and `promote` sign the commits they make (through `RepoOptions`): a key file or id, or the key
/// itself in a variable (a CI secret), and its format. In a local checkout without them, its git config decides.
public struct SigningOptions: ParsableArguments {
    public init() {}

    @Option(help: ArgumentHelp("Sign commits with this key. ssh: a private key file, or a public key file whose private key ssh-agent holds; openpgp: a key id, fingerprint or user id in gpg's keyring (GNUPGHOME). Default in a local checkout: its user.signingkey when commit.gpgsign is true.", valueName: "path-or-id"))
    public var signKey: String?

    @Option(help: ArgumentHelp("Sign commits with the key held in this environment variable (a CI secret; it may be base64-encoded). ssh: an OpenSSH private key, written 0600 to a private temporary directory only while ssh-keygen signs; openpgp: an armored secret key, imported into a temporary keyring. Both are removed afterwards, also on SIGINT/SIGTERM/SIGHUP.", valueName: "NAME"))
    public var signKeyEnv: String?

    @Option(help: ArgumentHelp("Signature format: ssh (ssh-keygen -Y sign, as git's gpg.format=ssh) or openpgp (gpg). Default: a local checkout's gpg.format, else ssh.", valueName: "ssh|openpgp"))
    public var signFormat: SigningFormat?

    public func validate() throws {
        if signKey != nil && signKeyEnv != nil { throw ValidationError("give --sign-key or --sign-key-env, not both") }
        if signKey?.isEmpty == true { throw ValidationError("--sign-key is empty") }
        if signKeyEnv?.isEmpty == true { throw ValidationError("--sign-key-env is empty") }
    }
}
