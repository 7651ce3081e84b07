import Support
import FoundationEssentials

/// Forge detection, default API URLs and project paths (pure functions of their inputs).
public enum ForgeDefaults {
    /// `--forge` when given; else the CI platform running the job (`CIEnvironment.platform`) when the repository is
    /// on its server (`CIEnvironment.isOnJobServer`); else the repo URL's host starting with `gitlab.` / `github.`
    /// (github.com too); else the job's platform when it cannot be told whether the repository is on its server (a
    /// repository without a host, variables naming no server). Throws when none applies.
    public static func detectForge(explicit: String?, environment: CIEnvironment, repoURL: String?) throws -> ForgeKind {
        if let explicit, !explicit.isEmpty {
            guard let kind = ForgeKind(rawValue: explicit.lowercased()) else {
                throw ForgeError(.configuration, "unknown --forge '\(explicit)': expected gitlab or github")
            }
            return kind
        }
        let onJobServer = repoURL.flatMap(environment.isOnJobServer)
        if let platform = environment.platform, onJobServer == true { return ForgeKind(platform) }
        if let repoURL, let host = RemoteURL(repoURL).host?.lowercased() {
            if host.hasPrefix("gitlab.") || host == "gitlab.com" { return .gitlab }
            if host.hasPrefix("github.") || host == "github.com" { return .github }
        }
        if let platform = environment.platform, onJobServer == nil { return ForgeKind(platform) }
        let elsewhere = environment.platform != nil && onJobServer == false
            ? "the repository is not on the server running this job, so its CI platform does not decide: " : ""
        throw ForgeError(.configuration, "cannot tell whether the repository is on GitLab or GitHub: \(elsewhere)pass --forge gitlab|github (and --api-url for a self-managed host)")
    }

    /// The CI job's API URL for this forge (`CIEnvironment.apiURL(for:)`) when it has one and the repository is on
    /// the job's server (or that cannot be told: a repository without a host); else from the repo URL's host:
    /// `https://<host>/api/v4`; `https://api.github.com` for github.com, `https://<host>/api/v3` for GHES. (The job's
    /// API for a repository elsewhere would get that repository's token and project path.)
    public static func apiURL(forge: ForgeKind, environment: CIEnvironment, repoURL: String?) throws -> String {
        if repoURL.flatMap(environment.isOnJobServer) != false, let v = environment.apiURL(for: forge.platform) { return v }
        guard let repoURL, case let parts = RemoteURL(repoURL), parts.isNetwork, let host = parts.host?.lowercased() else {
            throw ForgeError(.configuration, "cannot derive the \(forge.displayName) API URL from the repository URL: pass --api-url")
        }
        let isWeb = parts.kind == .https || parts.kind == .http
        // Keep an explicit port only for web URLs (an ssh port is not the web port).
        let portSuffix = isWeb ? (parts.explicitPort.map { ":\($0)" } ?? "") : ""
        let scheme = parts.kind == .http ? "http" : "https"
        switch forge {
        case .gitlab:
            return "\(scheme)://\(host)\(portSuffix)/api/v4"
        case .github:
            if host == "github.com" || host == "www.github.com" { return "https://api.github.com" }
            return "\(scheme)://\(host)\(portSuffix)/api/v3"
        }
    }

    /// The GraphQL endpoint for a GitHub REST base: api.github.com → /graphql; `<host>/api/v3` → `<host>/api/graphql`.
    public static func gitHubGraphQLURL(apiURL: String) -> String {
        let base = trimSlash(apiURL)
        if base.hasSuffix("/api/v3") { return String(base.dropLast("/v3".count)) + "/graphql" }
        return base + "/graphql"
    }

    /// `group/sub/project` (GitLab) or `owner/repo` (GitHub) from a remote URL. With an API URL on the same host
    /// whose path has a prefix before `/api/v4` or `/api/v3` (a relative URL root like `/gitlab`), that prefix is
    /// removed from the repository path.
    public static func projectPath(repoURL: String, apiURL: String? = nil) throws -> String {
        let parts = RemoteURL(repoURL)
        guard parts.isNetwork, let host = parts.host, !parts.projectPath.isEmpty else {
            throw ForgeError(.configuration, "cannot read a project path from the repository URL '\(redact(url: repoURL))'")
        }
        var path = parts.projectPath
        // Only web URLs carry the relative URL root; ssh clone paths never do.
        if parts.kind == .https || parts.kind == .http,
           let apiURL, case let api = RemoteURL(apiURL), api.host?.lowercased() == host.lowercased() {
            var apiPath = "/" + api.projectPath
            for suffix in ["/api/v4", "/api/v3"] where apiPath.hasSuffix(suffix) {
                apiPath = String(apiPath.dropLast(suffix.count))
            }
            let prefix = apiPath.trimming { "/".unicodeScalars.contains($0) }
            if !prefix.isEmpty, path.hasPrefix(prefix + "/") {
                path = String(path.dropFirst(prefix.count + 1))
            }
        }
        guard path.contains("/") else {
            throw ForgeError(.configuration, "repository URL '\(redact(url: repoURL))' has no group/project path")
        }
        return path
    }

    static func slugify(_ s: String) -> String {
        var out = ""
        var lastDash = false
        for scalar in s.lowercased().unicodeScalars {
            if scalar.isASCIIAlphanumeric || scalar == "." || scalar == "_" {
                out.unicodeScalars.append(scalar)
                lastDash = false
            } else if !lastDash {
                out.append("-")
                lastDash = true
            }
        }
        return out.trimming { "-.".unicodeScalars.contains($0) }
    }
}

extension ForgeKind {
    init(_ platform: CIEnvironment.Platform) {
        switch platform {
        case .gitlab: self = .gitlab
        case .github: self = .github
        }
    }

    var platform: CIEnvironment.Platform {
        switch self {
        case .gitlab: .gitlab
        case .github: .github
        }
    }
}

struct FNV1a {
    var value: UInt64 = 0xcbf29ce484222325
    mutating func add(_ s: String) {
        for b in s.utf8 { value ^= UInt64(b); value = value &* 0x100000001b3 }
        value ^= 0xff
        value = value &* 0x100000001b3
    }
}
