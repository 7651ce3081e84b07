import Support
import Foundation
import XCTest
@testable import Forge
import TestSupport
import ImageRules

final class HelpersTests: XCTestCase {
    func testForgeDetection() throws {
        XCTAssertEqual(try ForgeDefaults.detectForge(explicit: "GitHub", environment: ["GITLAB_CI": "true"], repoURL: nil), .github)
        XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: ["GITLAB_CI": "true"], repoURL: "https://gitlab.corp/a/b"), .gitlab)
        XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: ["GITHUB_ACTIONS": "true"], repoURL: nil), .github)
        XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: [:], repoURL: "git@gitlab.example.com:g/p.git"), .gitlab)
        XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: [:], repoURL: "https://github.example.com/o/r"), .github)
        XCTAssertThrowsError(try ForgeDefaults.detectForge(explicit: nil, environment: [:], repoURL: "https://git.example.com/o/r"))
        XCTAssertThrowsError(try ForgeDefaults.detectForge(explicit: "bitbucket", environment: [:], repoURL: nil))
    }

    func testDefaultAPIURL() throws {
        XCTAssertEqual(try ForgeDefaults.apiURL(forge: .gitlab, environment: ["CI_API_V4_URL": "https://gl.corp/api/v4/"], repoURL: nil), "https://gl.corp/api/v4")
        XCTAssertEqual(try ForgeDefaults.apiURL(forge: .github, environment: ["GITHUB_API_URL": "https://ghe.corp/api/v3"], repoURL: nil), "https://ghe.corp/api/v3")
        XCTAssertEqual(try ForgeDefaults.apiURL(forge: .gitlab, environment: [:], repoURL: "git@gitlab.example.com:g/s/p.git"), "https://gitlab.example.com/api/v4")
        XCTAssertEqual(try ForgeDefaults.apiURL(forge: .gitlab, environment: [:], repoURL: "ssh://git@gitlab.example.com:2222/g/p.git"), "https://gitlab.example.com/api/v4")
        XCTAssertEqual(try ForgeDefaults.apiURL(forge: .gitlab, environment: [:], repoURL: "https://gitlab.example.com:8443/g/p.git"), "https://gitlab.example.com:8443/api/v4")
        XCTAssertEqual(try ForgeDefaults.apiURL(forge: .github, environment: [:], repoURL: "https://github.com/o/r.git"), "https://api.github.com")
        XCTAssertEqual(try ForgeDefaults.apiURL(forge: .github, environment: [:], repoURL: "git@github.com:o/r.git"), "https://api.github.com")
        XCTAssertEqual(try ForgeDefaults.apiURL(forge: .github, environment: [:], repoURL: "https://github.corp.example/o/r"), "https://github.corp.example/api/v3")
        XCTAssertThrowsError(try ForgeDefaults.apiURL(forge: .github, environment: [:], repoURL: "/local/path"))
    }

    func testGraphQLURL() {
        XCTAssertEqual(ForgeDefaults.gitHubGraphQLURL(apiURL: "https://api.github.com"), "https://api.github.com/graphql")
        XCTAssertEqual(ForgeDefaults.gitHubGraphQLURL(apiURL: "https://ghe.corp/api/v3/"), "https://ghe.corp/api/graphql")
    }

    func testProjectPath() throws {
        XCTAssertEqual(try ForgeDefaults.projectPath(repoURL: "https://gitlab.com/group/sub/proj.git"), "group/sub/proj")
        XCTAssertEqual(try ForgeDefaults.projectPath(repoURL: "https://user:secret@gitlab.com/group/proj"), "group/proj")
        XCTAssertEqual(try ForgeDefaults.projectPath(repoURL: "git@gitlab.com:group/sub/proj.git"), "group/sub/proj")
        XCTAssertEqual(try ForgeDefaults.projectPath(repoURL: "ssh://git@gitlab.com:2222/group/proj.git"), "group/proj")
        XCTAssertEqual(try ForgeDefaults.projectPath(repoURL: "https://host/gitlab/group/proj.git", apiURL: "https://host/gitlab/api/v4"), "group/proj")
        XCTAssertEqual(try ForgeDefaults.projectPath(repoURL: "git@host:gitlab/group/proj.git", apiURL: "https://host/gitlab/api/v4"), "gitlab/group/proj",
                       "ssh paths carry no relative URL root")
        XCTAssertEqual(try ForgeDefaults.projectPath(repoURL: "https://other/gitlab/group/proj.git", apiURL: "https://host/gitlab/api/v4"), "gitlab/group/proj")
        XCTAssertEqual(try ForgeDefaults.projectPath(repoURL: "https://github.com/octo/config/"), "octo/config")
        XCTAssertThrowsError(try ForgeDefaults.projectPath(repoURL: "https://github.com/onlyone"))
        do {
            _ = try ForgeDefaults.projectPath(repoURL: "https://u:hunter2pass@github.com/")
            XCTFail("expected an error")
        } catch {
            XCTAssertFalse("\(error)".contains("hunter2pass"))
        }
    }

    func testURLEncodedProjectID() {
        XCTAssertEqual(percentEncode("group/sub/project"), "group%2Fsub%2Fproject")
        XCTAssertEqual(percentEncode("a b+c"), "a%20b%2Bc")
    }

    func testMergeRequestKeyBranchAndMarker() {
        let key = MergeRequestKey(targetBranch: "release/1.x", scope: .files(["./apps/web/", "apps/api", "apps/web"]),
                                  images: ["registry.example.com/team/web", "nginx"])
        XCTAssertEqual(key, MergeRequestKey(targetBranch: "release/1.x", scope: .files(["apps/api", "apps/web"]), images: ["nginx", "registry.example.com/team/web"]),
                       "the -f set and the images are normalised")
        XCTAssertTrue(key.branch.hasPrefix("imagebump/release-1.x/apps-api-apps-web/nginx-web-"), key.branch)
        XCTAssertNotEqual(key.branch, MergeRequestKey(targetBranch: "release/1.x", scope: .files(["apps/api-apps/web"]), images: key.images).branch,
                          "equal slugs, different keys: different branches")
        let env = MergeRequestKey(targetBranch: "main", scope: .environment("prod-->x"), images: ["a/b"])
        XCTAssertEqual(env.marker, "<!-- imagebump-key: v1;target=main;env=prod--%3Ex;images=a/b -->", "a value never ends the comment")
        let text = env.marking("table\n")
        XCTAssertEqual(MergeRequestKey.canonical(inDescription: text), env.canonical)
        XCTAssertEqual(env.marking(text), text, "marked once")
        let long = MergeRequestKey(targetBranch: "main", scope: .environment("production"), images: (1...30).map { "reg/very-long-image-name-\($0)" })
        XCTAssertLessThanOrEqual(long.branch.count, 170)
        // the schemes before keys, whose open MRs are adopted
        XCTAssertEqual(MergeRequestKey(targetBranch: "main", scope: .environment("production"), images: ["registry.example.com/team/sample-app", "docker.io/library/nginx"]).legacyBranches,
                       ["imagebump/nginx-sample-app-main", "imagebump/promote-production-nginx-sample-app"])
        XCTAssertEqual(key.legacyBranches, ["imagebump/nginx-web-release-1.x"], "set's scheme only, without an environment")
        XCTAssertTrue(env.isLegacy(sourceBranch: "imagebump/b-main", description: "old table"))
        XCTAssertFalse(env.isLegacy(sourceBranch: "imagebump/b-main", description: text), "a marked MR is another key's, or found by its own")
        XCTAssertFalse(env.isLegacy(sourceBranch: "feature/b-main", description: "old table"))
    }

    func testProvenanceLinksDropURLCredentials() {
        let gitlab = MergeRequestDescription.provenanceLinks(environment: [
            "CI_PIPELINE_URL": "https://ci:hunter2pass@gl.example/p/-/pipelines/9",
            "CI_PROJECT_URL": "https://bot:hunter2pass@gl.example/p", "CI_COMMIT_SHA": "0123456789abcdef0123"])
        let github = MergeRequestDescription.provenanceLinks(environment: [
            "GITHUB_SERVER_URL": "https://u:hunter2pass@ghe.example", "GITHUB_REPOSITORY": "o/r", "GITHUB_RUN_ID": "4"])
        let links = gitlab + github
        XCTAssertEqual(links.map(\.url), ["https://***@gl.example/p/-/pipelines/9", "https://***@gl.example/p/-/commit/0123456789abcdef0123",
                                          "https://***@ghe.example/o/r/actions/runs/4"])
        XCTAssertFalse(MergeRequestDescription.render(changes: [], provenance: links).contains("hunter2"))
    }

    /// One run, one platform: a GitHub job's description links its workflow run only, even with GitLab's variables
    /// set too, as its commit trailers do. (It used to link both platforms' pipelines.)
    func testProvenanceLinksAreTheRunningPlatformsOnly() {
        let env = ["GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/r", "GITHUB_RUN_ID": "4",
                   "CI_PIPELINE_URL": "https://gl.example/p/-/pipelines/9", "CI_JOB_URL": "https://gl.example/p/-/jobs/1"]
        XCTAssertEqual(MergeRequestDescription.provenanceLinks(environment: CIEnvironment(env)),
                       [ProvenanceLink(title: "Workflow run 4", url: "https://github.com/o/r/actions/runs/4")])
        var gitlab = env
        gitlab["GITHUB_ACTIONS"] = nil
        gitlab["GITLAB_CI"] = "true"
        gitlab["CI_JOB_NAME"] = "bump"
        XCTAssertEqual(MergeRequestDescription.provenanceLinks(environment: CIEnvironment(gitlab)),
                       [ProvenanceLink(title: "Pipeline", url: "https://gl.example/p/-/pipelines/9"),
                        ProvenanceLink(title: "Job bump", url: "https://gl.example/p/-/jobs/1")])
    }

    /// The forge is the one whose CI runs the job only when its marker is exactly `true`, as both platforms set it
    /// (this used to also take `1`/`yes`, while the log sections and outputs took only `true`); else the repo's host.
    func testForgeFromTheCIMarkerTrueOnly() throws {
        XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: ["GITLAB_CI": "1"], repoURL: "https://github.com/o/r"), .github)
        XCTAssertThrowsError(try ForgeDefaults.detectForge(explicit: nil, environment: ["GITHUB_ACTIONS": "yes"], repoURL: nil))
        XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: ["GITHUB_ACTIONS": "true"], repoURL: "https://git.corp/g/p"), .github)
        // the API URL a GitLab job names is not used for GitHub, nor the other way round
        XCTAssertEqual(try ForgeDefaults.apiURL(forge: .github, environment: ["GITLAB_CI": "true", "CI_API_V4_URL": "https://gl.corp/api/v4"],
                                                repoURL: "https://github.com/o/r"), "https://api.github.com")
    }

    // A GitLab job on gitlab.corp.example (the variables a real job has), and a GitHub job on github.com.
    static let gitLabJob: CIEnvironment = [
        "GITLAB_CI": "true", "CI_SERVER_HOST": "gitlab.corp.example", "CI_SERVER_SHELL_SSH_HOST": "ssh.gitlab.corp.example",
        "CI_API_V4_URL": "https://gitlab.corp.example/api/v4"]
    static let gitHubJob: CIEnvironment = [
        "GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_API_URL": "https://api.github.com"]

    /// The job's platform and API are the forge's only for a repository on the job's own server: by web host
    /// (CI_SERVER_HOST, CI_API_V4_URL's) and, for SSH clone URLs, CI_SERVER_SHELL_SSH_HOST. Ports do not matter.
    func testAGitLabJobsForgeAndAPIForARepositoryOnItsServer() throws {
        let job = Self.gitLabJob
        for repo in ["https://gitlab.corp.example/team/config.git", "https://GitLab.Corp.Example:8443/team/config",
                     "git@ssh.gitlab.corp.example:team/config.git", "ssh://git@ssh.gitlab.corp.example:2222/team/config.git",
                     "git@gitlab.corp.example:team/config.git"] {
            XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: job, repoURL: repo), .gitlab, repo)
            XCTAssertEqual(try ForgeDefaults.apiURL(forge: .gitlab, environment: job, repoURL: repo), "https://gitlab.corp.example/api/v4", repo)
        }
        // the server named by CI_API_V4_URL alone (no CI_SERVER_HOST) still counts; the job's relative URL root is
        // removed from the project path of a repository on it
        let relative: CIEnvironment = ["GITLAB_CI": "true", "CI_API_V4_URL": "https://host.example/gitlab/api/v4"]
        let repo = "https://host.example/gitlab/team/config.git"
        XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: relative, repoURL: repo), .gitlab)
        let api = try ForgeDefaults.apiURL(forge: .gitlab, environment: relative, repoURL: repo)
        XCTAssertEqual(api, "https://host.example/gitlab/api/v4")
        XCTAssertEqual(try ForgeDefaults.projectPath(repoURL: repo, apiURL: api), "team/config")
    }

    /// A GitLab job whose config repository is on github.com or on another GitLab: the repository's host decides and
    /// its own API is used (the job's API used to get the request, that repository's token and project path).
    func testAGitLabJobsRepositoryElsewhereUsesTheRepositorysHost() throws {
        let job = Self.gitLabJob
        for repo in ["https://github.com/octo/config.git", "git@github.com:octo/config.git"] {
            XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: job, repoURL: repo), .github, repo)
            XCTAssertEqual(try ForgeDefaults.apiURL(forge: .github, environment: job, repoURL: repo), "https://api.github.com", repo)
        }
        for (repo, api) in [("https://gitlab.com/team/config.git", "https://gitlab.com/api/v4"),
                            ("git@gitlab.other.example:team/config.git", "https://gitlab.other.example/api/v4"),
                            ("https://gitlab.other.example:8443/team/config", "https://gitlab.other.example:8443/api/v4")] {
            XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: job, repoURL: repo), .gitlab, repo)
            XCTAssertEqual(try ForgeDefaults.apiURL(forge: .gitlab, environment: job, repoURL: repo), api, repo)
        }
        // the job's SSH host is where its SSH clone URLs point, not its web or API host
        XCTAssertEqual(job.isOnJobServer("https://ssh.gitlab.corp.example/team/config"), false)
        // another host without a forge-like name: no guess from the job, the error says why
        XCTAssertThrowsError(try ForgeDefaults.detectForge(explicit: nil, environment: job, repoURL: "https://git.other.example/team/config")) {
            XCTAssertTrue("\($0)".contains("not on the server running this job"), "\($0)")
            XCTAssertTrue("\($0)".contains("--forge"), "\($0)")
        }
        XCTAssertEqual(try ForgeDefaults.apiURL(forge: .gitlab, environment: job, repoURL: "https://git.other.example/team/config"),
                       "https://git.other.example/api/v4")
        // explicit --forge wins (and --api-url is taken as given by the caller)
        XCTAssertEqual(try ForgeDefaults.detectForge(explicit: "gitlab", environment: job, repoURL: "https://github.com/octo/config"), .gitlab)
    }

    /// A GitHub job (github.com) whose config repository is on gitlab.com; a GHES job with its repository on it.
    func testAGitHubJobsRepositoryOnGitLabAndGHES() throws {
        let repo = "https://gitlab.com/team/config.git"
        XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: Self.gitHubJob, repoURL: repo), .gitlab)
        XCTAssertEqual(try ForgeDefaults.apiURL(forge: .gitlab, environment: Self.gitHubJob, repoURL: repo), "https://gitlab.com/api/v4")
        for github in ["https://github.com/octo/config", "git@github.com:octo/config.git"] {
            XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: Self.gitHubJob, repoURL: github), .github)
            XCTAssertEqual(try ForgeDefaults.apiURL(forge: .github, environment: Self.gitHubJob, repoURL: github), "https://api.github.com")
        }
        // api.github.com alone names github.com
        let apiOnly: CIEnvironment = ["GITHUB_ACTIONS": "true", "GITHUB_API_URL": "https://api.github.com"]
        XCTAssertEqual(apiOnly.isOnJobServer("git@github.com:octo/config.git"), true)
        let ghes: CIEnvironment = ["GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://ghes.corp.example",
                                   "GITHUB_API_URL": "https://ghes.corp.example/api/v3"]
        for onIt in ["https://ghes.corp.example/octo/config.git", "git@ghes.corp.example:octo/config.git"] {
            XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: ghes, repoURL: onIt), .github, onIt)
            XCTAssertEqual(try ForgeDefaults.apiURL(forge: .github, environment: ghes, repoURL: onIt), "https://ghes.corp.example/api/v3", onIt)
        }
        // a GHES job's repository on github.com: github.com's API, not the GHES one
        XCTAssertEqual(try ForgeDefaults.apiURL(forge: .github, environment: ghes, repoURL: "https://github.com/octo/config"), "https://api.github.com")
        XCTAssertEqual(try ForgeDefaults.apiURL(forge: .github, environment: ghes, repoURL: "https://github.other.example/o/r"),
                       "https://github.other.example/api/v3")
    }

    /// What cannot be told keeps the job's platform and API: a repository without a host, a job whose variables
    /// name no server. A repository named after a forge still goes to that forge.
    func testUnknownServerOrLocalRepositoryKeepsTheJobsPlatform() throws {
        for repo in ["/srv/config", "file:///srv/config.git"] {
            XCTAssertNil(Self.gitLabJob.isOnJobServer(repo))
            XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: Self.gitLabJob, repoURL: repo), .gitlab)
            XCTAssertEqual(try ForgeDefaults.apiURL(forge: .gitlab, environment: Self.gitLabJob, repoURL: repo), "https://gitlab.corp.example/api/v4")
            XCTAssertThrowsError(try ForgeDefaults.projectPath(repoURL: repo), "no project on any forge")
        }
        let bare: CIEnvironment = ["GITLAB_CI": "true"]
        XCTAssertNil(bare.isOnJobServer("https://git.corp.example/team/config"))
        XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: bare, repoURL: "https://git.corp.example/team/config"), .gitlab)
        XCTAssertEqual(try ForgeDefaults.detectForge(explicit: nil, environment: bare, repoURL: "https://github.com/octo/config"), .github)
    }

    func testDescriptionRenderer() {
        let text = MergeRequestDescription.render(
            changes: [PlannedChange(file: "apps/web/values.yaml", line: 2, kind: .helm, image: "registry.example.com/web", old: "1.2.3", new: "1.2.4"),
                      PlannedChange(file: "a|b.yaml", line: 1, kind: .kustomize, image: "nginx", old: "", new: "1.27")],
            provenance: MergeRequestDescription.provenanceLinks(environment: [
                "CI_PIPELINE_URL": "https://gl/p/-/pipelines/9", "CI_PIPELINE_ID": "9",
                "CI_PROJECT_URL": "https://gl/p", "CI_COMMIT_SHA": "0123456789abcdef0123"]))
        XCTAssertTrue(text.hasPrefix(MergeRequestDescription.marker))
        XCTAssertTrue(text.contains("| File | Image | Change |\n| --- | --- | --- |\n"), text)
        XCTAssertTrue(text.contains("| `apps/web/values.yaml` | `registry.example.com/web` | `1.2.3` → `1.2.4` |"), text)
        XCTAssertTrue(text.contains("| `a\\|b.yaml` | `nginx` | — → `1.27` |"), text)
        XCTAssertTrue(text.contains("- [Pipeline 9](https://gl/p/-/pipelines/9)"), text)
        XCTAssertTrue(text.contains("- [Commit 0123456789ab](https://gl/p/-/commit/0123456789abcdef0123)"), text)
        XCTAssertTrue(text.hasSuffix("\n\n<sub>imagebump \(BuildInfo.description)</sub>\n"), text)
        XCTAssertTrue(MergeRequestDescription.render(changes: [], version: "9.8.7 (0123456789ab)")
            .hasSuffix("\n\n<sub>imagebump 9.8.7 (0123456789ab)</sub>\n"))
        let gh = MergeRequestDescription.provenanceLinks(environment: ["GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/r", "GITHUB_RUN_ID": "42"])
        XCTAssertEqual(gh, [ProvenanceLink(title: "Workflow run 42", url: "https://github.com/o/r/actions/runs/42")])
    }

    func testBackoffIsExponentialBoundedAndJittered() {
        var p = RetryPolicy(baseDelay: 1, maxDelay: 8, jitter: 0.25, random: { 0.5 })
        XCTAssertEqual((1...6).map { p.backoff(retry: $0) }, [1, 2, 4, 8, 8, 8])
        p.random = { 0 }
        XCTAssertEqual(p.backoff(retry: 1), 0.75)
        p.random = { 0.999999 }
        XCTAssertLessThanOrEqual(p.backoff(retry: 10), 8)
    }

    func testRateLimitParsing() {
        let now = Date(timeIntervalSince1970: 1_000)
        let p = RetryPolicy(now: { now })
        XCTAssertEqual(p.rateLimitWait(HTTPResponse(status: 429, headers: ["Retry-After": "12"])), 12)
        XCTAssertEqual(p.rateLimitWait(HTTPResponse(status: 429, headers: ["retry-after": "Thu, 01 Jan 1970 00:17:00 GMT"])), 20)
        XCTAssertEqual(p.rateLimitWait(HTTPResponse(status: 403, headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1010"])), 11)
        XCTAssertNil(p.rateLimitWait(HTTPResponse(status: 403, headers: ["x-ratelimit-remaining": "10"])))
        XCTAssertEqual(p.rateLimitWait(HTTPResponse(status: 403, body: Data("secondary rate limit".utf8))), 60)
        XCTAssertNil(p.rateLimitWait(HTTPResponse(status: 500, headers: ["Retry-After": "1"])))
    }

    func testRedaction() {
        let r = Redactor(secrets: ["s3cr3t/token"])
        XCTAssertEqual(r("a s3cr3t/token b s3cr3t%2Ftoken"), "a *** b ***")
        XCTAssertEqual(r.excerpt(Data(String(repeating: "y", count: 1000).utf8), limit: 10), "yyyyyyyyyy…")
    }

    func testCAFileOptionAndSSLCertFile() {
        func options(caFile: String? = nil, _ environment: [String: String]) -> TransportOptions {
            var o = TransportOptions(caFile: caFile)
            o.environment = environment
            return o
        }
        XCTAssertEqual(options(caFile: "/a.pem", ["SSL_CERT_FILE": "/b.pem"]).effectiveCAFile, "/a.pem")
        XCTAssertEqual(options(["SSL_CERT_FILE": "/b.pem"]).effectiveCAFile, "/b.pem")
        XCTAssertNil(options([:]).effectiveCAFile)
    }

    func testMissingTokenAndBadURL() {
        let s = MergeRequestService(retry: RetryPolicy(sleep: { _ in }))
        let r = MergeRequestRequest(forge: .gitlab, apiURL: "https://x/api/v4", project: "g/p", sourceBranch: "b",
                                    targetBranch: "main", title: "t", description: "d", token: "", tokenSource: "GITLAB_TOKEN")
        XCTAssertThrowsError(try s.openOrUpdate(r)) { XCTAssertTrue("\($0)".contains("GITLAB_TOKEN")) }
        var bad = r
        bad.token = "tok-1234"
        bad.apiURL = "gitlab.example.com"
        XCTAssertThrowsError(try s.openOrUpdate(bad)) { XCTAssertEqual(($0 as? ForgeError)?.kind, .configuration) }
    }

    func testDescriptionComparisonIgnoresLineEndings() {
        XCTAssertTrue(sameText("a\r\nb\n", "a\nb"))
        XCTAssertFalse(sameText("a\nb", "a\nc"))
    }

    func testResultJSONShape() throws {
        let data = try JSONEncoder().encode(MergeRequestResult(url: "u", number: 3, created: true, updated: false, forge: .github))
        let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        XCTAssertEqual(obj?["url"] as? String, "u")
        XCTAssertEqual(obj?["number"] as? Int, 3)
        XCTAssertEqual(obj?["created"] as? Bool, true)
        XCTAssertEqual(obj?["forge"] as? String, "github")
        XCTAssertNil(obj?["autoMergeEnabled"], "not asked for: left out")
        XCTAssertNil(obj?["warnings"], "none: left out")
        let refused = MergeRequestResult(url: "u", number: 3, created: true, updated: false, forge: .gitlab, autoMergeEnabled: false,
                                         warnings: ["refused"])
        let back = try JSONDecoder().decode(MergeRequestResult.self, from: try JSONEncoder().encode(refused))
        XCTAssertEqual(back, refused)
    }
}
