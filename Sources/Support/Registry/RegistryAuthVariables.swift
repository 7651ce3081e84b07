/// `--registry-auth-env REGISTRY=NAME` values, parsed once for the option's validation (ImagebumpCLI) and for the
/// registry client (Forge): registry (host[:port], `docker.io`; lower-cased) → the name of the variable holding
/// USER:PASSWORD. Docker Hub's other names (`index.docker.io`, `registry-1.docker.io`) mean `docker.io`, the name the
/// client looks Docker Hub's credential up by.
public enum RegistryAuthVariables {
    public static func parse(_ values: [String]) throws(Problem) -> [String: String] {
        var out: [String: String] = [:]
        for v in values {
            guard let eq = v.firstIndex(of: "="), eq != v.startIndex, v.index(after: eq) != v.endIndex,
                  v[v.index(after: eq)...].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw Problem(message: "--registry-auth-env '\(v)': expected REGISTRY=NAME, the variable NAME holding USER:PASSWORD (e.g. registry.example.com=REGISTRY_AUTH)")
            }
            var registry = v[..<eq].lowercased()
            if registry == "index.docker.io" || registry == "registry-1.docker.io" { registry = "docker.io" }
            let name = String(v[v.index(after: eq)...])
            if let other = out[registry], other != name {
                throw Problem(message: "--registry-auth-env names two variables for \(registry), \(other) and \(name): give one per registry")
            }
            out[registry] = name
        }
        return out
    }
}
