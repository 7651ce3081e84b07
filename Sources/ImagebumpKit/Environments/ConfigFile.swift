#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ImageRules
import Support

/// Finding and reading `imagebump.yaml`. Paths are resolved against explicit directories, never the process's cwd.
public enum ConfigFile {
    /// Names looked for at the repository root, in this order.
    public static let names = ["imagebump.yaml", ".imagebump.yaml"]

    /// The config file for a run: `explicit` (`--config`, relative to `workingDirectory`) or one of `names` at
    /// `root`; nil when there is none. Both names present at once is an error (which one wins would be a guess),
    /// and so is one that is a link leading out of the repository: the repository may be someone else's clone.
    public static func locate(root: String, explicit: String?, workingDirectory: String) throws(Problem) -> String? {
        if let explicit {
            let path = join(workingDirectory, explicit)
            guard isRegularFile(path) else { throw Problem(message: "--config \(explicit): no such file") }
            return path
        }
        let found = names.filter { isRegularFile(join(root, $0)) }
        if found.count > 1 { throw Problem(message: "both \(names.joined(separator: " and ")) exist in \(root); keep one") }
        guard let name = found.first else { return nil }
        if let real = RepoRoot.resolveLinks(join(root, name)), let realRoot = RepoRoot.resolveLinks(root), !isInside(real, realRoot) {
            throw Problem(message: "\(name) leads outside the repository (to \(real))")
        }
        return join(root, name)
    }

    /// Reads and validates the config at `path`, and checks that every environment's files exist inside `root`
    /// (a symlink that leads out of the repository is refused too) unless `checkFiles` is off (a sparse clone holds
    /// only some of them).
    /// - Parameter display: the path shown in messages.
    public static func load(path: String, display: String, root: String, checkFiles: Bool = true) throws(Problem) -> EnvironmentsConfig {
        let bytes: [UInt8]
        do { bytes = try readAll(path) } catch { throw Problem(message: "\(display): \(error.text)") }
        let config = try EnvironmentsConfig(parsing: bytes, file: display)
        if checkFiles { try config.checkFiles(inside: root) }
        return config
    }

    /// The repository a local run works in: the nearest directory at or above `directory` holding `.git`, else
    /// `directory` itself.
    public static func repositoryRoot(from directory: String) -> String {
        var dir = directory
        for _ in 0..<256 {
            if access(join(dir, ".git"), F_OK) == 0 { return dir }
            guard let slash = dir.lastIndex(of: "/"), dir != "/" else { break }
            dir = slash == dir.startIndex ? "/" : String(dir[..<slash])
        }
        return directory
    }

    /// `path` against `base` (an absolute `path` as it is).
    public static func join(_ base: String, _ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path == "." { return base }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }

    public static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    struct ReadError: Error { let text: String }

    static func readAll(_ path: String) throws(ReadError) -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw ReadError(text: String(cString: strerror(errno))) }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n > 0 { out.append(contentsOf: buf[0..<n]) }
            if n < buf.count {
                if ferror(f) != 0 { throw ReadError(text: "read error") }
                return out
            }
            // a config file is a few hundred bytes; anything this large is not one
            if out.count > 1 << 20 { throw ReadError(text: "larger than 1 MiB; not a config file") }
        }
    }
}

extension EnvironmentsConfig {
    /// Every environment's files exist under `root`, and resolve (symlinks followed) to paths inside it.
    public func checkFiles(inside root: String) throws(Problem) {
        guard let realRoot = RepoRoot.resolveLinks(root) else { throw Problem(message: "\(root): cannot resolve the repository root") }
        for env in environments {
            for (path, site) in zip(env.files, env.fileSites) {
                let at = { (m: String) in Problem(file: self.file, line: site.line, column: site.column, message: m) }
                let pattern = PathPattern(path)
                if pattern.isGlob {
                    let found = pattern.expand(root: root)
                    guard !found.isEmpty else { throw at("\(PathQuoting.quoted(path)) (environment \(env.name)) matches nothing in the repository") }
                    for f in found {
                        guard let real = RepoRoot.resolveLinks(ConfigFile.join(root, f.path)), isInside(real, realRoot) else {
                            throw at("\(PathQuoting.quoted(f.path)) (\(path), environment \(env.name)) leads outside the repository")
                        }
                    }
                    continue
                }
                guard let real = RepoRoot.resolveLinks(ConfigFile.join(root, path)) else {
                    throw at("\(PathQuoting.quoted(path)) (environment \(env.name)) does not exist in the repository")
                }
                guard isInside(real, realRoot) else {
                    throw at("\(PathQuoting.quoted(path)) (environment \(env.name)) leads outside the repository (to \(PathQuoting.quoted(real)))")
                }
            }
        }
    }
}

/// Whether the resolved path `real` is the resolved root or lies under it.
private func isInside(_ real: String, _ realRoot: String) -> Bool {
    real == realRoot || real.hasPrefix(realRoot == "/" ? "/" : realRoot + "/")
}

