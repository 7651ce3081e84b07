/// The signature a signed commit carries: ssh (`ssh-keygen -Y sign`, git's gpg.format=ssh) or openpgp (gpg). One
/// type for `--sign-format`, a checkout's gpg.format and the signer.
public enum SigningFormat: String, Sendable, CaseIterable { case ssh, openpgp }
