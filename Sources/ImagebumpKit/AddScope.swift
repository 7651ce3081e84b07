import ImageRules
import Support

/// Where `set --add` may append an image when several kustomizations are named with -f: only to those of the app
/// the image belongs to, never across apps. The apps are what imagebump.yaml tells apart (`apps:`, or what an
/// environment glob's wildcards matched); kustomizations it places in no app are one app with those they share a
/// base with. An image belongs to the apps where it already appears: a named kustomization or what it pulls in, or
/// (with imagebump.yaml) any file of the app. When it appears in none and the kustomizations are of several apps,
/// it is refused naming them: adding it to each would put it into apps it is not part of.
enum AddScope {
    /// `request` with its `addScopes` worked out (`scopes`).
    static func applied(to request: SetRequest, files: [DiscoveredFile]) throws(SetJobError) -> SetRequest {
        var r = request
        r.addScopes = try scopes(request, files: files)
        return r
    }

    /// `request.addScopes`, worked out when it is nil, `--add` is given and more than one kustomization is named.
    static func scopes(_ request: SetRequest, files: [DiscoveredFile]) throws(SetJobError) -> [String: [String]]? {
        let named = files.filter { $0.explicit && isKustomizationFile($0.displayPath) }
        guard request.add, request.addScopes == nil, named.count > 1, let root = try? RepoRoot(request.root) else {
            return request.addScopes
        }
        let apps = request.policy?.apps(root: request.root)
        let needles = request.specs.map { Array($0.lastComponent.utf8) }
        var written: [String: Set<String>] = [:] // real path -> normalised image names it holds
        func names(_ real: String, shown: String) -> Set<String> {
            if let n = written[real] { return n }
            var n = Set<String>()
            // unreadable or invalid: planning reports the file's own problem; here it holds nothing
            if let bytes = try? FileIO.read(real, shown: shown, limit: request.maxFileSize).bytes,
               needles.contains(where: { contains(bytes, $0) }),
               let found = try? ImagePlanner.images(file: shown, bytes: bytes) {
                n = Set(found.compactMap { (try? ImageName(parsing: $0.name))?.normalized })
            }
            written[real] = n
            return n
        }

        // what each named kustomization reads (itself, its resources and components), and its app
        var build = KustomizeBuild(root: root, maxFileSize: request.maxFileSize)
        var reads: [Set<String>] = []
        for k in named {
            _ = try? build.images(directory: RunningImages.parent(k.realPath)) // a render error: planning reports it
            reads.append(build.visited.union([k.realPath]))
        }
        let appOf = named.map { apps?.app(of: $0.displayPath) }
        var unit = Array(named.indices)
        func find(_ i: Int) -> Int { unit[i] == i ? i : find(unit[i]) }
        for i in named.indices {
            for j in named.indices where j > i {
                let same: Bool
                switch (appOf[i], appOf[j]) {
                case let (a?, b?): same = a == b
                case (nil, nil): same = !reads[i].subtracting([named[i].realPath]).isDisjoint(with: reads[j].subtracting([named[j].realPath]))
                default: same = false
                }
                if same { unit[find(j)] = find(i) }
            }
        }
        let units = Set(named.indices.map(find))

        // with imagebump.yaml: the apps whose files anywhere in the tree hold each image (another environment's overlay)
        var heldByApp: [String: Set<String>] = [:]
        if let apps, let all = try? FileDiscovery.discover(["."], root: root).files {
            for f in all {
                guard let app = apps.app(of: f.displayPath) else { continue }
                for n in names(f.realPath, shown: f.displayPath) { heldByApp[n, default: []].insert(app) }
            }
        }

        var scopes: [String: [String]] = [:]
        var problems: [Problem] = []
        for spec in request.specs where scopes[spec.name.normalized] == nil {
            let n = spec.name.normalized
            var owners = Set<Int>()
            for (i, k) in named.enumerated() {
                let here = reads[i].contains { names($0, shown: $0 == k.realPath ? k.displayPath : (root.relative($0) ?? $0)).contains(n) }
                if here || appOf[i].map({ heldByApp[n]?.contains($0) == true }) == true { owners.insert(find(i)) }
            }
            if owners.isEmpty && units.count == 1 { owners = units }
            if owners.isEmpty {
                let list = named.indices.map { i in PathQuoting.quoted(named[i].displayPath) + (appOf[i].map { " (app \($0))" } ?? "") }
                let looked = apps == nil ? "nor in what they pull in" : "nor in what they pull in or any other file of their apps"
                problems.append(Problem(message: "--add cannot tell which app \(spec.name.written) belongs to: the kustomizations named with -f are of \(units.count) apps (\(list.joined(separator: ", "))) and it appears in none of them, \(looked); name only the kustomization of its own app with -f"))
                continue
            }
            scopes[n] = named.indices.filter { owners.contains(find($0)) }.map { named[$0].displayPath }
        }
        if !problems.isEmpty { throw SetJobError(problems) }
        return scopes
    }
}
