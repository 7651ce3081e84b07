import Support
import GitOps
import ImagebumpCLI
import ImagebumpKit

/// The application repository the stale-run check reads: `--source-repo` (a local path, an error when it is not a
/// git repository; or a URL, whose history is fetched when a commit tag is to be replaced), else the CI job's
/// checkout (`CIEnvironment.workspace`) when it holds one and is not the config repository itself. In a CI job
/// without either, `NoHistory` says why, so the run warns once when it has a commit tag to check; outside CI, nil
/// (no check).
enum ApplicationRepository {
    static func open(explicit: String?, configLocation: String, workingDirectory cwd: String, ci: CIEnvironment,
                     credentials: GitCredentials, timeouts: NetworkTimeouts) throws -> (any CommitAncestry)? {
        if let explicit {
            if RemoteURL.isURL(explicit) { return SourceHistory(location: explicit, credentials: credentials, timeouts: timeouts) }
            let path = GitRemoteRunner.absolute(explicit, cwd: cwd)
            do { return try SourceRepository(path: path) } catch {
                throw Problem(message: "--source-repo \(explicit): not a git repository (\(error))")
            }
        }
        guard let platform = ci.platform else { return nil }
        let variable = platform == .gitlab ? "CI_PROJECT_DIR" : "GITHUB_WORKSPACE"
        guard let dir = ci.workspace else { return NoHistory("\(variable) is not set; give --source-repo") }
        if dir == configLocation { return NoHistory("\(variable) is the config repository, not the application's; give --source-repo") }
        if let repo = try? SourceRepository(path: dir) { return repo }
        return NoHistory("\(variable) holds no git checkout of the application"
                         + (platform == .gitlab ? " (the job's GIT_STRATEGY is none?)" : "; give --source-repo"))
    }
}
