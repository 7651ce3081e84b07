import FoundationEssentials
import ImagebumpKit

extension ConfigRepo {
    /// Validates the edit closure's paths: relative to the root (absolute ones under the root are converted),
    /// no `..` escapes; duplicates removed.
    func normalize(paths: [String]) throws -> [String] {
        var out: [String] = []
        for raw in paths {
            var p = raw
            if p.hasPrefix("/") {
                let std = URL(fileURLWithPath: p).standardizedFileURL.path
                let root = URL(fileURLWithPath: workdir).standardizedFileURL.path
                let realRoot = RepoRoot.resolveLinks(workdir) ?? workdir
                if std.hasPrefix(root + "/") { p = String(std.dropFirst(root.count + 1)) }
                else if std.hasPrefix(realRoot + "/") { p = String(std.dropFirst(realRoot.count + 1)) }
                else { throw GitOpsError.invalidArgument("path \(raw) is outside the repository \(displayLocation)") }
            }
            while p.hasPrefix("./") { p.removeFirst(2) }
            let comps = p.split(separator: "/")
            if p.isEmpty || comps.contains("..") || comps.first == ".git" {
                throw GitOpsError.invalidArgument("invalid path '\(raw)' (must be inside the repository)")
            }
            p = comps.joined(separator: "/")
            if !out.contains(p) { out.append(p) }
        }
        return out
    }
}
