/// What built the image a change deploys: the CI job's (`CIEnvironment.provenance`), or the run's
/// (`CIEnvironment.provenance(overriddenBy:)`: `--source-*` over the job's). Written into every commit as trailers
/// and into the MR's description as links.
public struct Provenance: Sendable, Equatable {
    /// `Source-Repository:` — the repository that built the image: `CI_PROJECT_URL`; `GITHUB_SERVER_URL/GITHUB_REPOSITORY`.
    public var repository: String?
    /// `Source-Commit:` — the commit that was built: `CI_COMMIT_SHA` / `GITHUB_SHA`.
    public var commit: String?
    /// The commit's page: `<project>/-/commit/<sha>`; `<repository>/commit/<sha>`.
    public var commitURL: String?
    /// `Source-Pipeline:` — the pipeline (GitLab) or workflow run (GitHub): `CI_PIPELINE_URL`;
    /// `<repository>/actions/runs/GITHUB_RUN_ID`; and its id, `CI_PIPELINE_ID` / `GITHUB_RUN_ID`.
    public var pipeline: String?
    public var pipelineID: String?
    /// The job (GitLab only): `CI_JOB_URL`, `CI_JOB_NAME`.
    public var jobURL: String?
    public var jobName: String?
    /// `Source-Commit-Time:` — when the source commit was made (ISO 8601; written in UTC), what `imagebump metrics`
    /// measures lead time from: `CI_COMMIT_TIMESTAMP`; GitHub gives none.
    public var commitTime: String?
    /// `Rollback-Of:` — the config commits a rollback undoes (`imagebump rollback`).
    public var rollbackOf: [String]

    public init(repository: String? = nil, commit: String? = nil, commitURL: String? = nil, pipeline: String? = nil,
                pipelineID: String? = nil, jobURL: String? = nil, jobName: String? = nil, commitTime: String? = nil,
                rollbackOf: [String] = []) {
        self.repository = repository; self.commit = commit; self.commitURL = commitURL; self.pipeline = pipeline
        self.pipelineID = pipelineID; self.jobURL = jobURL; self.jobName = jobName; self.commitTime = commitTime
        self.rollbackOf = rollbackOf
    }
}
