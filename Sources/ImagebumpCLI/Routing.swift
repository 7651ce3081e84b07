import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// Which executable runs a parsed command: `imagebump` itself, or `imagebump-git` (libgit2/libcurl).
public enum Route: String, Sendable { case local, git }

/// A command whose parsed values decide whether it needs git or a forge API. Commands that do not conform run
/// in `imagebump` itself.
public protocol RoutedCommand: ParsableCommand {
    var route: Route { get }
}

/// The entry point of both executables: parse with the full command tree, then either run here or — when the
/// parsed command needs git and this executable has no git runner — replace the process with `imagebump-git`.
public enum Entry {
    public static func main(gitRunner: RemoteRunner?) -> Never {
        RemoteHook.runner = gitRunner
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parse(arguments)
            if gitRunner == nil, let routed = command as? any RoutedCommand, routed.route == .git {
                try RemoteHook.handOver()
            }
            try command.run()
            Imagebump.exit()
        } catch {
            Imagebump.exit(withError: error)
        }
    }

    /// Parses `arguments` (without argv[0]) into a command; a mistyped subcommand gets "did you mean".
    public static func parse(_ arguments: [String]) throws -> ParsableCommand {
        do {
            return try Imagebump.parseAsRoot(arguments)
        } catch {
            if let first = arguments.first, !first.hasPrefix("-"), let suggestion = Subcommands.suggestion(for: first) {
                throw ValidationError("unknown command '\(first)'; did you mean '\(suggestion)'?")
            }
            throw error
        }
    }

    /// Routes `arguments` as `imagebump` would: nil when they do not parse (or ask for help/version).
    public static func route(_ arguments: [String]) -> Route? {
        guard let command = try? parse(arguments) else { return nil }
        return (command as? any RoutedCommand)?.route ?? .local
    }
}

/// The root's subcommand names, from the command tree.
enum Subcommands {
    static var names: [String] {
        Imagebump.configuration.subcommands.map { $0.configuration.commandName ?? $0._commandName }
    }

    /// The subcommand closest to `word` (edit distance at most 2), unless `word` is one.
    static func suggestion(for word: String) -> String? {
        if names.contains(word) { return nil }
        return names.map { ($0, editDistance($0, word)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}

/// How `imagebump-git` runs a `set` that needs git.
public protocol RemoteRunner {
    /// Runs `command`, its --env environments read from the config repo.
    func run(_ command: SetCommand) throws
    /// Runs `targets`, resolved already from `command` (a promotion's).
    func run(_ targets: [RunTarget], of command: SetCommand) throws
    /// Runs `body` in a read-only checkout of the config repo `repo` names (a URL is cloned into a temporary directory,
    /// removed afterwards): where `promote` reads imagebump.yaml and the environments' images before its `set`, and
    /// what `get --repo` reads. A relative path in `repo` is taken against `cwd`.
    func withConfigCheckout<T>(_ repo: RepoAccessOptions, workingDirectory cwd: String, _ body: (String) throws -> T) throws -> T
}

public enum RemoteHook {
    /// Set by `imagebump-git` before parsing; nil in the plain `imagebump` executable.
    nonisolated(unsafe) public static var runner: RemoteRunner?

    /// Replaces this process with `imagebump-git` from the same directory, with the same arguments.
    public static func handOver() throws -> Never {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let exe = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
        let dir = exe.lastIndex(of: "/").map { String(exe[..<$0]) } ?? "."
        let helper = dir + "/imagebump-git"
        let args = [helper] + CommandLine.arguments.dropFirst()
        var cargs = args.map { strdup($0) } + [nil]
        execv(helper, &cargs)
        Console.error("--repo/--commit/--push/--merge-request need \(helper), which could not be run: \(String(cString: strerror(errno)))")
        throw ExitCode.failure
    }
}

