import Foundation

/// A bare git repository in a temporary directory, built with plumbing (hash-object, update-index, write-tree,
/// commit-tree), for the fake forge's repository emulator. Links, submodules and executables are real tree entries.
public final class BareRepo {
    public let path: String

    /// One commit on `branch` (HEAD) holding `files` (100644), `executables` (100755: path → content),
    /// `symlinks` (120000: path → target) and `submodules` (160000: path → URL, with a .gitmodules naming it);
    /// then `history` commits that change nothing (a long history: what `log -- path` and a clone must walk).
    public init(files: [String: String], executables: [String: String] = [:], symlinks: [String: String] = [:],
                submodules: [String: String] = [:], branch: String = "main", history: Int = 0) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imagebump-bare-\(UUID().uuidString).git")
        path = dir.path
        try git("init", "-q", "--bare", path)
        try git("symbolic-ref", "HEAD", "refs/heads/\(branch)")
        var modules = ""
        for (p, url) in submodules.sorted(by: { $0.key < $1.key }) {
            modules += "[submodule \"\(p)\"]\n\tpath = \(p)\n\turl = \(url)\n"
        }
        var entries: [(mode: String, path: String, content: String)] =
            files.map { ("100644", $0.key, $0.value) } + executables.map { ("100755", $0.key, $0.value) }
            + symlinks.map { ("120000", $0.key, $0.value) }
        if !modules.isEmpty { entries.append(("100644", ".gitmodules", modules)) }
        // one git fast-import stream: thousands of files cost one process
        func data(_ text: String) -> String { "data \(text.utf8.count)\n\(text)\n" }
        var stream = "commit refs/heads/\(branch)\ncommitter Fixture <fixture@example.invalid> 1700000000 +0000\n" + data("initial\n")
        for e in entries.sorted(by: { $0.path < $1.path }) { stream += "M \(e.mode) inline \(e.path)\n" + data(e.content) }
        // a submodule's entry names a commit that is not in this repository, as a real one's does
        for (i, p) in submodules.keys.sorted().enumerated() { stream += "M 160000 \(String(repeating: "\(i % 9 + 1)", count: 40)) \(p)\n" }
        for i in 0..<history {
            stream += "\ncommit refs/heads/\(branch)\ncommitter Fixture <fixture@example.invalid> \(1700000001 + i) +0000\n" + data("history \(i)\n")
        }
        try git("fast-import", "--quiet", input: stream + "\n")
        // as a forge keeps one (Gitaly does): `log -- path` over a long history reads Bloom filters, not trees
        if history > 0 { try git("commit-graph", "write", "--reachable", "--changed-paths") }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Runs git on this repository (GIT_DIR); its standard output, trimmed. Throws with its standard error.
    @discardableResult
    public func git(_ args: String..., input: String? = nil, env: [String: String] = [:]) throws -> String {
        try exec(args, input: input, env: env)
    }

    public func hashObject(_ content: String) throws -> String { try git("hash-object", "-w", "--stdin", input: content) }

    /// A commit on `branch`'s head with `git update-index --index-info` lines applied (mode sha\tpath; mode 0 deletes).
    @discardableResult
    public func commit(branch: String = "main", indexInfo: String, message: String) throws -> String {
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("bare-index-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: index) }
        let env = ["GIT_INDEX_FILE": index, "GIT_AUTHOR_NAME": "Fixture", "GIT_AUTHOR_EMAIL": "fixture@example.invalid",
                   "GIT_COMMITTER_NAME": "Fixture", "GIT_COMMITTER_EMAIL": "fixture@example.invalid"]
        let parent = try head(branch)
        if let parent { try git("read-tree", parent, env: env) }
        try git("update-index", "--index-info", input: indexInfo, env: env)
        let tree = try git("write-tree", env: env)
        let sha = try exec(["commit-tree", tree] + (parent.map { ["-p", $0] } ?? []), input: message, env: env)
        try git("update-ref", "refs/heads/\(branch)", sha, parent ?? String(repeating: "0", count: 40))
        return sha
    }

    /// Writes `files` (100644) on `branch` in one commit; its id.
    @discardableResult
    public func commit(branch: String = "main", files: [String: String], message: String = "change\n") throws -> String {
        var info = ""
        for (p, c) in files.sorted(by: { $0.key < $1.key }) { info += "100644 \(try hashObject(c))\t\(p)\n" }
        return try commit(branch: branch, indexInfo: info, message: message)
    }

    public func head(_ branch: String = "main") throws -> String? {
        let out = try? git("rev-parse", "--verify", "-q", "refs/heads/\(branch)")
        return out.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The file's content at `ref`; nil if there is none.
    public func read(_ file: String, at ref: String = "main") throws -> String? { try? exec(["cat-file", "blob", "\(ref):\(file)"], trim: false) }

    /// The tree entry's mode (100644, 100755, 120000, 160000, 040000) at `ref`; nil if there is none.
    public func mode(_ file: String, at ref: String = "main") throws -> String? {
        let out = try git("ls-tree", ref, "--", file, env: ["GIT_LITERAL_PATHSPECS": "1"])
        return out.isEmpty ? nil : String(out.prefix(6))
    }

    /// Commit ids from `ref` back to the root, first parents only.
    public func log(_ ref: String = "main") throws -> [String] {
        try git("rev-list", "--first-parent", ref).split(separator: "\n").map(String.init)
    }

    /// Every commit reachable from `ref` with its parents: "sha parent…".
    public func parents(_ ref: String = "main") throws -> [String] {
        try git("rev-list", "--parents", ref).split(separator: "\n").map(String.init)
    }

    /// The blob ids of every file at `ref` (path → blob), for checking what a client downloaded.
    public func blobs(at ref: String = "main") throws -> [String: String] {
        var out: [String: String] = [:]
        for line in try git("ls-tree", "-r", ref).split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            out[String(parts[1])] = String(parts[0].split(separator: " ")[2])
        }
        return out
    }

    /// `git fsck --strict` (a submodule's commit is not looked for, as in any superproject); throws when not clean.
    public func fsck() throws { try git("fsck", "--strict", "--no-dangling") }

    private func exec(_ args: [String], input: String? = nil, env: [String: String] = [:], trim: Bool = true) throws -> String {
        try BareRepo.run(["git"] + args, input: input, env: ["GIT_DIR": path].merging(env) { $1 }, trim: trim)
    }

    static func run(_ args: [String], input: String? = nil, env: [String: String] = [:], trim: Bool = true) throws -> String {
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        proc.arguments = args
        var environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        proc.environment = environment
        let out = Pipe(), err = Pipe(), inp = Pipe()
        proc.standardOutput = out
        proc.standardError = err
        proc.standardInput = inp
        try proc.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        proc.waitUntilExit()
        guard proc.terminationStatus == 0 else {
            throw NSError(domain: "BareRepo", code: Int(proc.terminationStatus), userInfo: [NSLocalizedDescriptionKey:
                "\(args.joined(separator: " ")): \(String(decoding: errData, as: UTF8.self))"])
        }
        let text = String(decoding: data, as: UTF8.self)
        return trim ? text.trimmingCharacters(in: .whitespacesAndNewlines) : text
    }
}
