/// The CA bundle TLS verifies against, the same for git and the forge API: `--ca-file` when given, else
/// `SSL_CERT_FILE` from `environment` when set and non-empty; nil: the library's default.
public func effectiveCAFile(explicit caFile: String?, environment: [String: String]) -> String? {
    if let caFile, !caFile.isEmpty { return caFile }
    if let env = environment["SSL_CERT_FILE"], !env.isEmpty { return env }
    return nil
}
