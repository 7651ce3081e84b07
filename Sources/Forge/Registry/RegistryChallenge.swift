/// A registry's `WWW-Authenticate` answer to an anonymous request (RFC 7235 challenge, distribution's token spec):
/// `Basic realm="…"`, or `Bearer realm="https://auth…/token",service="…",scope="repository:NAME:pull"`.
struct RegistryChallenge: Equatable {
    enum Scheme: Equatable { case basic, bearer }
    var scheme: Scheme
    /// The auth-params, names lower-cased.
    var parameters: [String: String]

    var realm: String? { parameters["realm"] }
    var service: String? { parameters["service"] }
    var scope: String? { parameters["scope"] }

    /// The first Basic or Bearer challenge in `header`, nil when there is none.
    init?(header: String) {
        var rest = Substring(header)
        func skipBlanks() { rest = rest.drop(while: { $0 == " " || $0 == "\t" || $0 == "," }) }
        skipBlanks()
        let word = rest.prefix(while: { $0 != " " && $0 != "\t" && $0 != "," })
        switch word.lowercased() {
        case "basic": scheme = .basic
        case "bearer": scheme = .bearer
        default: return nil
        }
        rest = rest.dropFirst(word.count)
        var params: [String: String] = [:]
        while true {
            skipBlanks()
            let name = rest.prefix(while: { $0 != "=" && $0 != " " && $0 != "," })
            guard !name.isEmpty, rest.dropFirst(name.count).first == "=" else { break }
            rest = rest.dropFirst(name.count + 1)
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                while let c = rest.first, c != "\"" {
                    if c == "\\", let next = rest.dropFirst().first { value.append(next); rest = rest.dropFirst(2); continue }
                    value.append(c)
                    rest = rest.dropFirst()
                }
                rest = rest.dropFirst()
            } else {
                value = String(rest.prefix(while: { $0 != "," && $0 != " " }))
                rest = rest.dropFirst(value.count)
            }
            params[name.lowercased()] = value
        }
        parameters = params
    }

    /// The first scope of `scopes` (space-separated `TYPE:NAME:ACTIONS`, distribution's token scope) that names a
    /// repository other than `repository`; nil when every repository scope is for it.
    static func foreignScope(_ scopes: String, repository: String) -> String? {
        for scope in scopes.split(whereSeparator: { $0 == " " }) {
            guard let first = scope.firstIndex(of: ":"), let last = scope.lastIndex(of: ":"), first < last else { return String(scope) }
            let type = scope[..<first]
            guard type == "repository" || type.hasPrefix("repository(") else { continue }
            if scope[scope.index(after: first)..<last] != repository { return String(scope) }
        }
        return nil
    }
}
