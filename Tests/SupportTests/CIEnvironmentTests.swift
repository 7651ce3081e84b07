import XCTest
@testable import Support

/// The one reader of the CI platform's variables.
final class CIEnvironmentTests: XCTestCase {
    let gitLabJob = [
        "GITLAB_CI": "true", "GITLAB_USER_NAME": "Jane Dev", "GITLAB_USER_EMAIL": "jane@example.test",
        "CI_PROJECT_URL": "https://gitlab.example.test/team/app/", "CI_COMMIT_SHA": "0123456789abcdef0123456789abcdef01234567",
        "CI_PIPELINE_URL": "https://gitlab.example.test/team/app/-/pipelines/42", "CI_PIPELINE_ID": "42",
        "CI_JOB_URL": "https://gitlab.example.test/team/app/-/jobs/7", "CI_JOB_NAME": "deploy",
        "CI_API_V4_URL": "https://gitlab.example.test/api/v4/", "CI_PROJECT_DIR": "/builds/team/app",
    ]
    let gitHubJob = [
        "GITHUB_ACTIONS": "true", "GITHUB_ACTOR": "octo", "GITHUB_ACTOR_ID": "583231",
        "GITHUB_SERVER_URL": "https://github.example.test", "GITHUB_REPOSITORY": "octo/app", "GITHUB_SHA": "feedface",
        "GITHUB_RUN_ID": "99", "GITHUB_API_URL": "https://github.example.test/api/v3", "GITHUB_WORKSPACE": "/home/runner/work/app/app",
        "GITHUB_OUTPUT": "/runner/out", "GITHUB_STEP_SUMMARY": "/runner/summary",
    ]

    /// Each platform's server, by its own variables; whether a location is on the job's server (nil: cannot tell).
    func testTheServersAndWhetherARepositoryIsOnTheJobs() {
        var gitlab = gitLabJob
        gitlab["CI_SERVER_HOST"] = "GitLab.Example.Test"
        gitlab["CI_SERVER_SHELL_SSH_HOST"] = "ssh.gitlab.example.test"
        let ci = CIEnvironment(gitlab.merging(gitHubJob.filter { $0.key != "GITHUB_ACTIONS" }) { a, _ in a })
        XCTAssertEqual(ci.servers[.gitlab]?.webHosts, ["gitlab.example.test"])
        XCTAssertEqual(ci.servers[.gitlab]?.sshHost, "ssh.gitlab.example.test")
        XCTAssertEqual(ci.servers[.github]?.webHosts, ["github.example.test"])
        XCTAssertEqual(ci.isOnJobServer("https://gitlab.example.test:8443/team/config.git"), true)
        XCTAssertEqual(ci.isOnJobServer("git@ssh.gitlab.example.test:team/config.git"), true)
        XCTAssertEqual(ci.isOnJobServer("https://ssh.gitlab.example.test/team/config.git"), false)
        XCTAssertEqual(ci.isOnJobServer("https://github.example.test/octo/config"), false, "the GitHub variables are not this job's")
        XCTAssertNil(ci.isOnJobServer("/srv/config"))
        XCTAssertNil(ci.isOnJobServer("file:///srv/config.git"))
        let github = CIEnvironment(["GITHUB_ACTIONS": "true", "GITHUB_API_URL": "https://api.github.com"])
        XCTAssertEqual(github.servers[.github]?.webHosts, ["github.com"])
        XCTAssertEqual(github.isOnJobServer("git@github.com:octo/config.git"), true)
        XCTAssertNil(CIEnvironment(["GITLAB_CI": "true"]).isOnJobServer("https://gitlab.com/t/c"), "no server named")
    }

    func testAGitLabJob() {
        let ci = CIEnvironment(gitLabJob)
        XCTAssertEqual(ci.platform, .gitlab)
        XCTAssertEqual(ci.source, .gitlab)
        XCTAssertEqual(ci.actor, .init(name: "Jane Dev", email: "jane@example.test"))
        XCTAssertEqual(ci.provenance, .init(
            repository: "https://gitlab.example.test/team/app", commit: "0123456789abcdef0123456789abcdef01234567",
            commitURL: "https://gitlab.example.test/team/app/-/commit/0123456789abcdef0123456789abcdef01234567",
            pipeline: "https://gitlab.example.test/team/app/-/pipelines/42", pipelineID: "42",
            jobURL: "https://gitlab.example.test/team/app/-/jobs/7", jobName: "deploy"))
        XCTAssertEqual(ci.apiURL, "https://gitlab.example.test/api/v4")
        XCTAssertEqual(ci.apiURL(for: .gitlab), "https://gitlab.example.test/api/v4")
        XCTAssertNil(ci.apiURL(for: .github))
        XCTAssertEqual(ci.workspace, "/builds/team/app")
        XCTAssertNil(ci.outputFile)
        XCTAssertNil(ci.stepSummaryFile)
    }

    func testAGitHubJob() {
        let ci = CIEnvironment(gitHubJob)
        XCTAssertEqual(ci.platform, .github)
        XCTAssertEqual(ci.actor, .init(name: "octo", email: "583231+octo@users.noreply.github.com"))
        XCTAssertEqual(ci.provenance, .init(
            repository: "https://github.example.test/octo/app", commit: "feedface",
            commitURL: "https://github.example.test/octo/app/commit/feedface",
            pipeline: "https://github.example.test/octo/app/actions/runs/99", pipelineID: "99"))
        XCTAssertEqual(ci.apiURL(for: .github), "https://github.example.test/api/v3")
        XCTAssertNil(ci.apiURL(for: .gitlab))
        XCTAssertEqual(ci.workspace, "/home/runner/work/app/app")
        XCTAssertEqual(ci.outputFile, "/runner/out")
        XCTAssertEqual(ci.stepSummaryFile, "/runner/summary")
    }

    func testGitHubDefaultsAndAnActorIDThatIsNoNumber() {
        var env = gitHubJob
        env["GITHUB_SERVER_URL"] = nil
        env["GITHUB_ACTOR_ID"] = "12ab"
        let ci = CIEnvironment(env)
        XCTAssertEqual(ci.provenance.repository, "https://github.com/octo/app")
        XCTAssertEqual(ci.actor?.email, "octo@users.noreply.github.com")
    }

    func testNoCI() {
        for ci in [CIEnvironment([:]), CIEnvironment.none, CIEnvironment(["PATH": "/usr/bin", "HOME": "/root", "CI": "true"])] {
            XCTAssertNil(ci.platform)
            XCTAssertNil(ci.source)
            XCTAssertNil(ci.actor)
            XCTAssertEqual(ci.provenance, .init())
            XCTAssertNil(ci.apiURL)
            XCTAssertNil(ci.workspace)
            XCTAssertNil(ci.outputFile)
        }
    }

    func testEmptyValuesAreAbsent() {
        let emptied = CIEnvironment(gitLabJob.mapValues { _ in "" })
        XCTAssertEqual(emptied, CIEnvironment.none)
        var env = gitLabJob
        env["GITLAB_USER_EMAIL"] = ""
        env["CI_COMMIT_SHA"] = ""
        env["CI_PROJECT_DIR"] = ""
        let ci = CIEnvironment(env)
        XCTAssertEqual(ci.actor, .init(name: "Jane Dev", email: nil))
        XCTAssertNil(ci.provenance.commit)
        XCTAssertNil(ci.provenance.commitURL, "no commit page without a commit")
        XCTAssertEqual(ci.provenance.repository, "https://gitlab.example.test/team/app")
        XCTAssertNil(ci.workspace)
        env = gitHubJob
        env["GITHUB_ACTOR"] = ""
        env["GITHUB_RUN_ID"] = ""
        XCTAssertNil(CIEnvironment(env).actor)
        XCTAssertNil(CIEnvironment(env).provenance.pipeline)
        XCTAssertNil(CIEnvironment(env).provenance.pipelineID)
        // an empty GitLab checkout variable does not hide GitHub's (the stale-run check's checkout took it)
        XCTAssertEqual(CIEnvironment(["CI_PROJECT_DIR": "", "GITHUB_WORKSPACE": "/w"]).workspace, "/w")
    }

    /// The platform is what its marker says, exactly `true` as both platforms set it. (Forge detection used to take
    /// also `1`/`yes`/`TRUE`, the log sections and step outputs only `true`.)
    func testOnlyTheMarkerValueTrueMakesAPlatform() {
        for value in ["1", "yes", "TRUE", "false", ""] {
            XCTAssertNil(CIEnvironment(["GITLAB_CI": value]).platform, value)
            XCTAssertNil(CIEnvironment(["GITHUB_ACTIONS": value]).platform, value)
        }
        XCTAssertEqual(CIEnvironment(["GITLAB_CI": "true"]).platform, .gitlab)
        XCTAssertEqual(CIEnvironment(["GITHUB_ACTIONS": "true"]).platform, .github)
        XCTAssertEqual(CIEnvironment(["GITHUB_ACTIONS": "true", "GITLAB_CI": "true"]).platform, .gitlab)
        XCTAssertNil(CIEnvironment(["GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": "/o"]).stepSummaryFile)
        XCTAssertNil(CIEnvironment(["GITHUB_OUTPUT": "/o"]).outputFile, "step outputs on GitHub Actions only")
    }

    /// On a platform every answer comes from that platform's variables: a GitHub job that also has GitLab's
    /// variables (exported by hand, or inherited) is described by GitHub's. (The commit trailers and the author
    /// used to prefer GitLab's variables whenever they were set, the forge and the outputs followed the marker.)
    func testTheMarkedPlatformsVariablesWin() {
        let both = gitLabJob.merging(gitHubJob) { _, github in github }.filter { $0.key != "GITLAB_CI" }
        let ci = CIEnvironment(both)
        XCTAssertEqual(ci.platform, .github)
        XCTAssertEqual(ci.source, .github)
        XCTAssertEqual(ci.actor?.name, "octo")
        XCTAssertEqual(ci.provenance.repository, "https://github.example.test/octo/app")
        XCTAssertNil(ci.provenance.jobURL)
        XCTAssertEqual(ci.workspace, "/home/runner/work/app/app")
        XCTAssertNil(ci.apiURL(for: .gitlab), "a GitHub job's API is not GitLab's")
    }

    /// Outside CI (no marker) a platform's variables given by hand still describe the run, GitLab's first.
    func testWithoutAMarkerTheVariablesThatAreSet() {
        let gitHubByHand = CIEnvironment(["GITHUB_REPOSITORY": "o/app", "GITHUB_RUN_ID": "5", "GITHUB_ACTOR": "octo"])
        XCTAssertNil(gitHubByHand.platform)
        XCTAssertEqual(gitHubByHand.source, .github)
        XCTAssertEqual(gitHubByHand.provenance.pipeline, "https://github.com/o/app/actions/runs/5")
        XCTAssertEqual(gitHubByHand.actor?.email, "octo@users.noreply.github.com")
        XCTAssertNil(gitHubByHand.outputFile)
        let apiOnly: CIEnvironment = ["CI_API_V4_URL": "https://gl.example.test/api/v4/"]
        XCTAssertEqual(apiOnly.apiURL(for: .gitlab), "https://gl.example.test/api/v4")
        let mixed = CIEnvironment(["CI_PIPELINE_URL": "https://gl.example.test/p/-/pipelines/1", "GITHUB_REPOSITORY": "o/r"])
        XCTAssertEqual(mixed.source, .gitlab)
        XCTAssertEqual(mixed.provenance.pipeline, "https://gl.example.test/p/-/pipelines/1")
        XCTAssertNil(mixed.provenance.repository)
    }
}
