/// `--registry-auth-env REGISTRY=NAME` values, parsed once for the option's validation (ImagebumpCLI) and for the
/// registry client (Forge): registry (host[:port], `docker.io`; lower-cased) → the name of the variable holding
/// USER:PASSWORD.
public enum RegistryAuthVariables {
    public static func parse(_ values: [String]) throws(Problem) -> [String: String] {
        var out: [String: String] = [:]
        for v in values {
            guard let eq = v.firstIndex(of: "="), eq != v.startIndex, v.index(after: eq) != v.endIndex,
                  v[v.index(after: eq)...].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw Problem(message: "--registry-auth-env '\(v)': expected REGISTRY=NAME, the variable NAME holding USER:PASSWORD (e.g. registry.example.com=REGISTRY_AUTH)")
            }
            let registry = v[..<eq].lowercased(), name = String(v[v.index(after: eq)...])
            if let other = out[registry], other != name {
                throw Problem(message: "--registry-auth-env names two variables for \(registry), \(other) and \(name): give one per registry")
            }
            out[registry] = name
        }
        return out
    }
}
