#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import Support
import Forge
import ImagebumpKit
import ImageRules

/// The files a run reads, fetched through the forge's API at one commit into a private temporary directory, where
/// the edit engine reads and writes them as it does a clone's: the `-f` files, the YAML files of the `-f`
/// directories (listed with the tree API) and the policy's files (imagebump.yaml). Nothing else is downloaded.
/// What the API cannot keep is refused: a link or a submodule where a YAML file is read, and (when it would change)
/// a file with another mode than 100644.
final class APISnapshot {
    let root: String
    let commit: String
    /// The files written here, by path, as read.
    private(set) var files: [String: (entry: RepoEntry, blob: RepoBlob)] = [:]
    /// Non-fatal notes (a link that is not followed).
    private(set) var notes: [String] = []
    private let registration: TempCleanup.Registration
    private var listings: [String: [RepoEntry]?] = [:]

    private init(root: String, registration: TempCleanup.Registration, commit: String) {
        self.root = root; self.registration = registration; self.commit = commit
    }

    deinit {
        TempCleanup.removeTree(root)
        TempCleanup.unregister(registration)
    }

    /// Reads `paths` (`-f`, relative to the repository root; "." or none: the whole repository; nil: nothing) and the
    /// optional files `optional` (at the root, read when present) of `commit`.
    static func read(_ api: any RepositoryAPI, commit: String, paths: [String]?, optional: [String] = []) throws -> APISnapshot {
        let base = FileManager.default.temporaryDirectory.path
        guard let made = TempCleanup.create({
            var template = Array((base + "/imagebump-api-XXXXXX").utf8CString)
            return template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) }
        }) else {
            throw Problem(message: "cannot create a temporary directory in \(base): \(String(cString: strerror(errno)))")
        }
        let snapshot = APISnapshot(root: made.path, registration: made.registration, commit: commit)
        if let paths {
            let named = paths.map(normalized)
            for path in named.isEmpty ? [""] : named { try snapshot.fetch(path, api: api) }
        }
        for name in optional where !snapshot.files.keys.contains(name) {
            if let e = try snapshot.entry(name, api: api), e.kind == .file || e.kind == .executable { try snapshot.download(e, api: api) }
        }
        return snapshot
    }

    /// Runs `body` with the directory's path; the directory lives (is not removed) until `body` returns.
    func within<T>(_ body: (String) throws -> T) rethrows -> T {
        try withExtendedLifetime(self) { try body(root) }
    }

    /// `-f` as given, in the form tree paths have: no `./`, no trailing or doubled `/`; "" for the root.
    static func normalized(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    /// One `-f` path: a file, or every YAML file below a directory. A path that is not there is left out (the
    /// edit then says so, as it does for a clone).
    private func fetch(_ path: String, api: any RepositoryAPI) throws {
        if path.split(separator: "/").contains("..") { return } // the edit refuses a path leaving the root
        guard let e = path.isEmpty ? RepoEntry(path: "", kind: .directory, id: commit) : try entry(path, api: api) else {
            // not there: behind a link to a directory, which the API does not follow, it is refused naming the link
            let parts = path.split(separator: "/")
            for n in 1..<max(1, parts.count) {
                if let up = try entry(parts.prefix(n).joined(separator: "/"), api: api), up.kind == .link || up.kind == .submodule {
                    throw Self.refusal(up)
                }
            }
            return // the edit then says that it is missing, as it does for a clone
        }
        switch e.kind {
        case .file, .executable:
            try download(e, api: api)
        case .directory:
            try makeDirectory(path)
            guard let all = try api.entries(under: path, at: commit, recursive: true) else { return }
            for item in all where Self.discoverable(item.path, under: path) {
                try Self.checkPath(item.path, under: path)
                switch item.kind {
                case .file, .executable: try download(item, api: api)
                case .link:
                    guard FileDiscovery.isYAMLName(Self.name(item.path)) else {
                        notes.append("\(item.path) is a link: --via api does not follow links (use --via git to search behind it)")
                        continue
                    }
                    throw Self.refusal(item)
                case .submodule, .directory: continue // a submodule is another repository; directories are made as needed
                }
            }
        case .link, .submodule:
            throw Self.refusal(e)
        }
    }

    /// A path a directory walk reads: a YAML name, not under a hidden directory below the `-f` one.
    static func discoverable(_ path: String, under dir: String) -> Bool {
        let rest = dir.isEmpty ? path : String(path.dropFirst(dir.count + 1))
        let parts = rest.split(separator: "/")
        guard let last = parts.last, FileDiscovery.isYAMLName(String(last)) else { return false }
        return !parts.dropLast().contains { $0.hasPrefix(".") }
    }

    static func name(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

    /// A path the server listed under `dir`: refused unless it is plainly inside it (the answer is untrusted).
    static func checkPath(_ path: String, under dir: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }), !path.utf8.contains(0),
              dir.isEmpty || path.hasPrefix(dir + "/") else {
            throw Problem(message: "the forge listed \(PathQuoting.quoted(path)) under \(dir.isEmpty ? "the repository root" : PathQuoting.quoted(dir)): not a path inside it; nothing was read")
        }
    }

    static func refusal(_ e: RepoEntry) -> Problem {
        let why: String
        switch e.kind {
        case .link: why = "is a symbolic link: a commit through the forge API cannot keep a link, and imagebump does not follow it there"
        case .submodule: why = "is a submodule (a repository of its own): imagebump edits only files of this repository"
        case .executable: why = "has file mode 100755: a commit through the forge API cannot keep a file mode"
        default: why = "is not a regular file"
        }
        return Problem(file: e.path, message: "\(why); use --via git")
    }

    /// The entry of `path` in its parent's listing (each parent listed once); nil when it is not there.
    private func entry(_ path: String, api: any RepositoryAPI) throws -> RepoEntry? {
        let parent = path.split(separator: "/").dropLast().joined(separator: "/")
        if listings[parent] == nil { listings[parent] = .some(try api.entries(under: parent, at: commit, recursive: false)) }
        return listings[parent]!?.first { $0.path == path }
    }

    private func download(_ e: RepoEntry, api: any RepositoryAPI) throws {
        guard files[e.path] == nil else { return }
        try Self.checkPath(e.path, under: "")
        let blob = try api.read(e, at: commit)
        let dir = e.path.split(separator: "/").dropLast().joined(separator: "/")
        try makeDirectory(dir)
        try write(blob.content, to: root + "/" + e.path)
        files[e.path] = (e, blob)
    }

    private func makeDirectory(_ relative: String) throws {
        var path = root
        for part in relative.split(separator: "/") {
            path += "/" + part
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw Problem(message: "cannot create \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    private func write(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Problem(message: "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let ok = data.withUnsafeBytes { raw -> Bool in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
        if !ok { throw Problem(message: "cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    /// The files of `paths` (as the edit wrote them here) that differ from what was read, with their locks; a
    /// changed file the API cannot keep (not mode 100644) is refused.
    func changes(_ paths: [String]) throws -> [APICommitRequest.File] {
        try paths.compactMap { p in
            let rel = p.hasPrefix(root + "/") ? String(p.dropFirst(root.count + 1)) : p
            guard let read = files[rel] else {
                throw Problem(file: rel, message: "the edit wrote a file that was not read through the API")
            }
            guard let now = FileManager.default.contents(atPath: root + "/" + rel) else {
                throw Problem(file: rel, message: "cannot read the edited file back")
            }
            if now == read.blob.content { return nil }
            if read.entry.kind != .file { throw Self.refusal(read.entry) }
            return APICommitRequest.File(path: rel, content: now, lastCommitID: read.blob.lastCommitID)
        }
    }
}
