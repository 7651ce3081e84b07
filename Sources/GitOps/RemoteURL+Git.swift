import FoundationEssentials

extension RemoteURL {
    /// Safe to print: without credentials.
    var display: String { redact(url: withoutCredentials) }

    /// `text` parsed, refusing schemes libgit2 cannot clone.
    static func gitRemote(_ text: String) throws -> RemoteURL {
        let location = RemoteURL(text)
        guard location.kind != .other else {
            throw GitOpsError.invalidArgument("unsupported URL scheme '\(location.scheme ?? "")' in \(redact(url: text))")
        }
        return location
    }
}
