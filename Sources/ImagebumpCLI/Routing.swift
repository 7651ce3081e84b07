import ArgumentParser
import Support

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

/// The entry point of both executables: parse with the full command tree, then either run here, with the context
/// read once from the process, or — when the parsed command needs git and this executable has no git backend —
/// replace the process with `imagebump-git`.
public enum Entry {
    public static func main(git: (any GitBackend)?) -> Never {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parse(arguments)
            let context = CommandContext.current(git: git)
            do {
                if git == nil, let routed = command as? any RoutedCommand, routed.route == .git { try handOver() }
                if let command = command as? any ContextCommand {
                    try command.run(in: context)
                } else {
                    try command.run()
                }
            } catch let e as ExitCode { // reported already
                throw e
            } catch let e where command is any ContextCommand {
                throw (command as! any ContextCommand).report(e, in: context)
            }
            Imagebump.exit()
        } catch {
            Imagebump.exit(withError: error)
        }
    }

    /// Replaces this process with `imagebump-git` from the same directory, with the same arguments.
    static func handOver() throws -> Never {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let exe = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
        let dir = exe.lastIndex(of: "/").map { String(exe[..<$0]) } ?? "."
        let helper = dir + "/imagebump-git"
        let args = [helper] + CommandLine.arguments.dropFirst()
        var cargs = args.map { strdup($0) } + [nil]
        execv(helper, &cargs)
        throw Problem(message: "--repo/--commit/--push/--merge-request need \(helper), which could not be run: \(String(cString: strerror(errno)))")
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
}
