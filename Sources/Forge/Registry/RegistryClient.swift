import FoundationEssentials
import Support
import ImageRules

/// What a registry says a manifest reference points at.
public struct ManifestDescriptor: Sendable, Equatable {
    /// The top-level digest (an index or manifest list's own, never a child's).
    public var digest: String
    public var mediaType: String?
}

/// An OCI distribution-spec client (v1.1) for the two questions imagebump asks: does `NAME:REF` exist and what is
/// its digest (HEAD, which Docker Hub does not count as a pull), and which tags does `NAME` have. Requests go
/// through the forge client's transport and retry rules (timeouts, proxy, back-off, 429); authentication is
/// anonymous first, then what the registry's `WWW-Authenticate` asks for: Basic with the registry's own
/// credential, or a Bearer token fetched from the realm it names (sent the registry's credential, nothing else, and
/// only to an https realm the registry's answer cannot aim at this machine: `realmRefusal`), for pull on the one
/// repository asked about. `log` gets the retries, and a line when the realm is on another host than the registry.
public final class RegistryClient {
    /// Every manifest type, so that a registry answers for an index too (it says 404 for one that was not asked
    /// for) and never rewrites a manifest list into one child.
    static let manifestTypes = [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
    static let pageSize = 1000
    /// Pages of tags read at most (a million tags); tests lower it.
    var maxPages = 1000

    let transport: HTTPTransport
    let retry: RetryPolicy
    let credentials: RegistryCredentialSources
    let log: (@Sendable (String) -> Void)?
    /// Called with each secret the client comes to hold (a credential's, a token's) before anything is sent with it
    /// or could print it: on GitHub Actions, `::add-mask::`.
    let mask: (@Sendable (String) -> Void)?
    /// Gets a line per request (method, URL without its query, the kind of credential, the status), secrets masked.
    let debug: (@Sendable (String) -> Void)?
    /// `Authorization` values that worked, per API host and repository: a run asks a registry many questions.
    private var authorizations: [String: String] = [:]
    /// Secrets used so far, masked in every message (and by the caller in its report).
    public private(set) var secrets: [String] = []
    /// The credential lookup's result per registry: config.json is read and a credential helper run once per
    /// registry, however many repositories the run asks about.
    private var credentialByRegistry: [String: Result<RegistryCredential?, Error>] = [:]
    /// Registry and realm host pairs already named in the log (once each).
    private var announcedRealms: Set<String> = []

    public init(transport: HTTPTransport, retry: RetryPolicy = .standard, credentials: RegistryCredentialSources,
                log: (@Sendable (String) -> Void)? = nil, mask: (@Sendable (String) -> Void)? = nil,
                debug: (@Sendable (String) -> Void)? = nil) {
        self.transport = transport; self.retry = retry; self.credentials = credentials; self.log = log; self.mask = mask
        self.debug = debug
    }

    /// The manifest `reference` (a tag or a digest) of `location`'s repository. HEAD by default; GET reads the body
    /// and checks `Docker-Content-Digest` against it (also the fallback when a HEAD answer names no digest).
    public func manifest(_ location: RegistryLocation, reference: String, get: Bool = false) throws -> ManifestDescriptor {
        let url = location.url("manifests/" + reference)
        let what = "look up \(location.repository):\(reference) on \(location.registry)"
        let headers = [("Accept", Self.manifestTypes.joined(separator: ", "))]
        let response = try send(get ? "GET" : "HEAD", url, headers: headers, location: location, what: what)
        if response.status == 404 && !get {
            return try manifest(location, reference: reference, get: true) // a HEAD answer has no body to say why
        }
        guard response.status == 200 else { throw failure(response, location: location, reference: reference, url: url) }
        let mediaType = response.header("content-type")
        let named = response.header("docker-content-digest")?.trimmingBlanks()
        if !get {
            guard let named, !named.isEmpty else { return try manifest(location, reference: reference, get: true) }
            // the digest is written into files and reports as it is: only one the image-spec allows
            if let why = Digest.problem(named) {
                throw ForgeError(.invalidResponse, "registry \(location.apiHost) named \(Self.shown(named)) as the digest of \(location.repository):\(reference) (Docker-Content-Digest), which is not a digest: \(why); refused")
            }
            return ManifestDescriptor(digest: named, mediaType: mediaType)
        }
        let computed = SHA256.digest(response.body)
        if let named, !named.isEmpty, named != computed {
            throw ForgeError(.invalidResponse, "registry \(location.apiHost) sent a manifest for \(location.repository):\(reference) whose bytes hash to \(computed), not the \(Self.shown(named)) its Docker-Content-Digest names: refused")
        }
        return ManifestDescriptor(digest: computed, mediaType: mediaType)
    }

    struct TagList: Decodable { var tags: [String]? }

    /// Every tag of `location`'s repository, sorted (ASCII), without repeats and without names that are not tags
    /// (`ImageReference.isValidTag`): pages followed through `Link:
    /// <…>; rel="next"` (on the registry's own origin only), and a server that ignores `n` and `last` gives all
    /// at once.
    public func tags(_ location: RegistryLocation) throws -> [String] {
        var tags: Set<String> = []
        let what = "list the tags of \(location.repository) on \(location.registry)"
        let complete = try Pages.walk(from: location.url("tags/list?n=\(Self.pageSize)"), maxPages: maxPages) { url in
            let response = try send("GET", url, headers: [("Accept", "application/json")], location: location, what: what)
            guard response.status == 200 else { throw failure(response, location: location, reference: nil, url: url) }
            guard let page = try? JSONDecoder().decode(TagList.self, from: response.body) else {
                throw ForgeError(.invalidResponse, "registry \(location.apiHost) sent a tag list that is not JSON {\"tags\": [...]} while trying to \(what): \(redact.excerpt(response.body))")
            }
            tags.formUnion(page.tags ?? [])
            guard let next = response.header("link").flatMap({ Pages.nextLink($0, after: url) }) else { return nil }
            guard Pages.sameOrigin(next, url) else {
                throw ForgeError(.redirect, "registry \(location.apiHost) pointed the next page of tags at \(Self.shown(Redactor.stripQuery(next))), another origin: not followed, so that its credentials stay with it")
            }
            return next
        }
        // a partial list would make update choose among some of the tags only
        guard complete else {
            throw ForgeError(.invalidResponse, "registry \(location.apiHost) named more than \(maxPages) pages of tags for \(location.repository) while trying to \(what): not all were read, so none is used")
        }
        // a name the distribution spec does not allow as a tag names no image, and would be written as it is
        let valid = tags.filter(ImageReference.isValidTag)
        if valid.count < tags.count {
            debug?("registry \(location.apiHost): left out \(tags.count - valid.count) of the tags of \(location.repository), which are not tags ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})")
        }
        return valid.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private var redact: Redactor { Redactor(secrets: secrets) }

    /// The credential for `registry` (nil: anonymous), looked up on its first challenge; its secret held.
    private func credential(for registry: String) throws -> RegistryCredential? {
        let key = registry.lowercased()
        if let known = credentialByRegistry[key] { return try known.get() }
        let found = Result { try credentials.credential(for: registry) }
        credentialByRegistry[key] = found
        if case .success(let credential?) = found { hold(credential.secret) }
        return try found.get()
    }

    /// Keeps `secret` to mask it in every message, and has the caller mask it (once each).
    private func hold(_ secret: String) {
        guard !secret.isEmpty, !secrets.contains(secret) else { return }
        secrets.append(secret)
        mask?(secret)
    }

    /// Sends one request with the authorization that worked before; on 401 answers the challenge once.
    private func send(_ method: String, _ url: String, headers: [(String, String)], location: RegistryLocation, what: String) throws -> HTTPResponse {
        let key = location.apiHost + "/" + location.repository
        var request = HTTPRequest(method: method, url: url, headers: headers)
        if let auth = authorizations[key] { request.headers.append(("Authorization", auth)) }
        let service = "registry \(location.apiHost)"
        var response = try send(request, to: service, what: what, credential: "")
        guard response.status == 401 else { return response } // (a token that expired is renewed from this challenge)
        guard let challenge = response.header("www-authenticate").flatMap(RegistryChallenge.init(header:)) else { return response }
        let credential = try credential(for: location.registry)
        let auth: String
        switch challenge.scheme {
        case .basic:
            guard let credential else {
                throw ForgeError(.authentication, "\(service) needs a user name and password to \(what) (Basic) and none was found: \(Self.credentialHint(location))", status: 401)
            }
            auth = credential.basic
        case .bearer:
            auth = "Bearer " + (try token(challenge, location: location, credential: credential, what: what))
        }
        authorizations[key] = auth
        request.headers = headers + [("Authorization", auth)]
        response = try send(request, to: service, what: what, credential: challenge.scheme == .basic ? credential.map { " (from \($0.source))" } ?? "" : " (a token)")
        if response.status == 401 {
            let whose = credential.map { "the credential from \($0.source)" } ?? "anonymous access"
            authorizations[key] = nil
            throw ForgeError(.authentication, "\(service) refused \(whose) to \(what) (401 Unauthorized): \(Self.errorText(response, redact))\(credential == nil ? "; " + Self.credentialHint(location) : "")", status: 401)
        }
        return response
    }

    private func sender(_ service: String) -> RetryingSender {
        RetryingSender(retry: retry, redact: redact, log: log, service: service)
    }

    /// Sends `request` (with retries) and says so in the debug log.
    private func send(_ request: HTTPRequest, to service: String, what: String, credential: String) throws -> HTTPResponse {
        let response = try sender(service).send(request, what: what, through: transport.send)
        if let debug {
            let scheme = request.headers.first { $0.0 == "Authorization" }?.1.split(separator: " ").first.map(String.init) ?? "no Authorization"
            debug(redact("\(service): \(request.method) \(Redactor.stripQuery(request.url)) with \(scheme)\(credential) → \(response.status)"))
        }
        return response
    }

    struct TokenAnswer: Decodable { var token: String?; var access_token: String? }

    /// The token flow of distribution's auth spec: GET realm?service=…&scope=…, Basic with the registry's credential
    /// when it has one; the answer's `token`, else `access_token`.
    private func token(_ challenge: RegistryChallenge, location: RegistryLocation, credential: RegistryCredential?, what: String) throws -> String {
        let realm = challenge.realm ?? ""
        if let refusal = Self.realmRefusal(realm, registryHost: location.apiHost) {
            throw ForgeError(.configuration, "registry \(location.apiHost) names a token realm \(Self.shown(Support.redact(url: realm.isEmpty ? "(none)" : realm))), \(refusal): nothing is sent there")
        }
        let realmHost = RemoteURL(realm).host?.lowercased() ?? realm
        if let credential, realmHost != RemoteURL("https://" + location.apiHost).host?.lowercased(),
           announcedRealms.insert(location.apiHost + " " + realmHost).inserted {
            log?("registry \(location.apiHost) names a token service on another host, \(realmHost): it is sent the credential from \(credential.source) for \(location.registry)")
        }
        // imagebump only reads: whatever the challenge names, the token asked for is pull on this repository
        // (a registry must not use the user's credential to get push, or another repository)
        if let asked = challenge.scope, let other = RegistryChallenge.foreignScope(asked, repository: location.repository) {
            throw ForgeError(.invalidResponse, "registry \(location.apiHost) asked for a token for \(Self.shown(other)) while trying to \(what), not for \(location.repository): refused, nothing was sent to its token service")
        }
        var query: [(String, String)] = []
        if let service = challenge.service { query.append(("service", service)) }
        query.append(("scope", "repository:\(location.repository):pull"))
        let url = realm + (realm.contains("?") ? "&" : "?") + queryString(query)
        var request = HTTPRequest(method: "GET", url: url, headers: [("Accept", "application/json")])
        if let credential { request.headers.append(("Authorization", credential.basic)) }
        let realmService = "token server \(RemoteURL(realm).origin ?? realm) (for registry \(location.apiHost))"
        let response = try send(request, to: realmService, what: what, credential: credential.map { " (from \($0.source))" } ?? "")
        guard response.status == 200 else {
            let whose = credential.map { "the credential from \($0.source)" } ?? "anonymous access"
            throw ForgeError(response.status == 401 || response.status == 403 ? .authentication : .http,
                             "\(realmService) refused \(whose) (\(response.status) \(APIClient.reason(response.status))): \(Self.errorText(response, redact))", status: response.status)
        }
        guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: response.body),
              let token = [answer.token, answer.access_token].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            throw ForgeError(.invalidResponse, "\(realmService) sent no token (JSON with token or access_token): \(redact.excerpt(response.body, limit: 120))")
        }
        hold(token)
        return token
    }

    /// Why the token realm a challenge names gets no request (nil: it may be asked, with the registry's credential):
    /// not https (the credential would travel in clear), a user name or password in it, a scope in its query (the
    /// scope asked for is imagebump's), or on this machine or a link-local address (a metadata service) when the
    /// registry is not: a registry's answer must not aim the credential at what only this machine can reach.
    static func realmRefusal(_ realm: String, registryHost: String) -> String? {
        let url = RemoteURL(realm)
        guard url.kind == .https, let host = url.host, !host.isEmpty else { return "not an https URL" }
        if url.hasUserinfo { return "which holds a user name or password" }
        let query = realm.split(separator: "?", maxSplits: 1).dropFirst().first?.split(separator: "#").first ?? ""
        if query.split(separator: "&").contains(where: { $0.lowercased().hasPrefix("scope=") }) { return "whose query names a scope" }
        if (url.isLoopback || url.isLinkLocal) && !RemoteURL("https://" + registryHost).isLoopback {
            return "on a loopback or link-local address while the registry is not"
        }
        return nil
    }

    /// A registry's refusal: the status and what its `errors` say (`MANIFEST_UNKNOWN: manifest unknown`).
    private func failure(_ response: HTTPResponse, location: RegistryLocation, reference: String?, url: String) -> ForgeError {
        let subject = reference.map { "\(location.repository):\($0)" } ?? location.repository
        let head = "registry \(location.apiHost) answered \(response.status) \(APIClient.reason(response.status)) for \(subject)"
        let kind: ForgeError.Kind = response.status == 404 ? .notFound : (response.status == 403 ? .permission : .http)
        return ForgeError(kind, "\(head): \(Self.errorText(response, redact))", status: response.status)
    }

    struct ErrorList: Decodable {
        struct Entry: Decodable { var code: String?; var message: String? }
        var errors: [Entry]?
    }

    /// What a registry's error body says, on one line (its `errors[].code: message`, else an excerpt).
    static func errorText(_ response: HTTPResponse, _ redact: Redactor) -> String {
        if let list = try? JSONDecoder().decode(ErrorList.self, from: response.body), let errors = list.errors, !errors.isEmpty {
            let text = errors.map { [$0.code, $0.message].compactMap { $0 }.joined(separator: ": ") }.joined(separator: "; ")
            return redact.excerpt(Data(text.utf8), limit: 200)
        }
        let body = redact.excerpt(response.body, limit: 200)
        return body.isEmpty ? "no details" : body
    }

    /// A value from the server shown in a message: one line, short.
    static func shown(_ text: String) -> String { Redactor(secrets: []).excerpt(Data(text.utf8), limit: 120) }

    static func credentialHint(_ location: RegistryLocation) -> String {
        "log in with docker login \(location.registry) (config.json or a credential helper), or give --registry-auth-env \(location.registry)=VARIABLE holding USER:PASSWORD"
    }
}
