import FoundationEssentials
import Support

/// Opens the MR/PR for `sourceBranch`, or updates the open one; checks the forge before a push (`preflight`) and closes
/// a superseded MR.
public struct MergeRequestService: Sendable {
    /// nil: a `CurlTransport` built from each request's `transportOptions`.
    public var transport: HTTPTransport?
    public var retry: RetryPolicy
    /// Progress/retry notes for a verbose log. Already redacted.
    public var log: (@Sendable (String) -> Void)?

    public init(transport: HTTPTransport? = nil, retry: RetryPolicy = .standard, log: (@Sendable (String) -> Void)? = nil) {
        self.transport = transport
        self.retry = retry
        self.log = log
    }

    /// Idempotent: finds an open MR/PR for `request.sourceBranch`; updates title, description, labels (added),
    /// assignees/reviewers (added) only where they differ; creates one when none is open; a create race
    /// (GitLab 409 / GitHub 422 "already exists") finds and updates the winner. Throws `ForgeError`
    /// whose message never contains the token.
    public func openOrUpdate(_ request: MergeRequestRequest) throws -> MergeRequestResult {
        var result = try withRedaction(request) { service, transport in
            switch request.forge {
            case .gitlab: return try service.gitLabOpenOrUpdate(request, transport: transport)
            case .github: return try service.gitHubOpenOrUpdate(request, transport: transport)
            }
        }
        if RemoteURL(request.apiURL).kind == .http {
            result.warnings.append("sent the \(request.forge.displayName) API token to \(Redactor(secrets: [request.token])(Redactor.stripQuery(request.apiURL))) over plain http:// (unencrypted); use https://")
        }
        return result
    }

    /// Runs `body` with a service whose log is redacted and the request's transport, after checking the token and
    /// the API URL; every error it throws becomes a `ForgeError` without the token.
    func withRedaction<T>(_ request: MergeRequestRequest, _ body: (MergeRequestService, HTTPTransport) throws -> T) throws -> T {
        let redact = Redactor(secrets: [request.token])
        let service = MergeRequestService(transport: transport, retry: retry,
                                          log: log.map { sink in { @Sendable message in sink(redact(message)) } })
        let transport = self.transport ?? CurlTransport(options: request.transportOptions)
        guard !request.token.isEmpty else {
            throw ForgeError(.authentication, "no \(request.forge.displayName) API token: set \(request.tokenSource ?? "the token environment variable (--token-env)")")
        }
        let api = RemoteURL(request.apiURL)
        guard api.kind == .https || api.kind == .http, api.host != nil else {
            throw ForgeError(.configuration, "invalid \(request.forge.displayName) API URL '\(redact(request.apiURL))': expected https://host/...")
        }
        do {
            return try body(service, transport)
        } catch let error as ForgeError {
            var e = error
            e.message = redact(e.message)
            throw e
        } catch {
            throw ForgeError(.invalidResponse, redact(String(describing: error)))
        }
    }
}
