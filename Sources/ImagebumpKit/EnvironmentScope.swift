import ImageRules

/// A run without `-f` searches the whole repository; when its matches lie in more than one environment
/// (`overlays/dev` and `overlays/production`), it probably changes more than the pipeline meant to.
enum EnvironmentScope {
    /// Directory names under which GitOps repositories keep one directory per environment.
    static let parents: Set<String> = ["overlays", "environments", "envs", "env", "clusters"]

    /// The environment directories (`apps/x/overlays/dev`) holding the given root-relative files, sorted.
    static func directories(_ files: [String]) -> [String] {
        var out: Set<String> = []
        for f in files {
            let parts = f.split(separator: "/")
            // the component after a parent, when it is a directory (not the file itself)
            if let i = parts.indices.dropLast(2).last(where: { parents.contains(String(parts[$0])) }) {
                out.insert(parts[...(i + 1)].joined(separator: "/"))
            }
        }
        return out.sorted()
    }

    /// The warning for matches in `files` (nil when they lie in one environment at most).
    static func warning(matchedFiles files: [String]) -> String? {
        let dirs = directories(files)
        let environments = Set(dirs.map { $0.split(separator: "/").last! })
        guard environments.count > 1 else { return nil }
        return "no -f given, and the matches lie in \(environments.count) environments: \(dirs.map(PathQuoting.quoted).joined(separator: ", ")); "
            + "name the files to change with -f (or leave some out with --exclude)"
    }
}
