import CIEnvironment
import GitOps
import ImagebumpCLI

/// The application repository the stale-run check reads: `--source-repo PATH` (an error when it is not a git
/// repository), else the CI job's checkout (`CIEnvironment.workspace`) when it holds one and is not the config
/// repository itself; nil otherwise (the check is then not made).
enum ApplicationRepository {
    static func open(explicit: String?, configLocation: String, workingDirectory cwd: String,
                     ci: CIEnvironment) throws -> SourceRepository? {
        if let explicit {
            let path = explicit.hasPrefix("/") ? explicit : cwd + "/" + explicit
            do { return try SourceRepository(path: path) } catch {
                throw CLIError("--source-repo \(explicit): not a git repository (\(error))")
            }
        }
        guard let dir = ci.workspace, dir != configLocation else { return nil }
        return try? SourceRepository(path: dir)
    }
}
