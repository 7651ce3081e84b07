// redact(url:), redact(text:secrets:), RemoteURL: for GitOps and its users.
@_exported import Support
