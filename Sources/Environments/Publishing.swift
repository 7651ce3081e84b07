/// How a run reaches a repository: what `--repo`/`--push`/`--merge-request` (or a CI template's mode) asked for.
public enum Publishing: Equatable, Sendable {
    /// Edit the working tree only.
    case none
    /// Commit (and push when `push`).
    case commit(push: Bool)
    case mergeRequest
}

extension Environment {
    /// The publishing an environment's `mode` turns a run's request into. A run that publishes nothing stays that
    /// way whatever the mode; `mode: merge-request` turns a commit or push into a merge request (an environment
    /// behind an approval is never pushed to by accident); `mode: push` keeps what was asked, so an explicit
    /// `--merge-request` still wins.
    public func publishing(_ asked: Publishing) -> Publishing {
        switch (mode, asked) {
        case (_, .none): return .none
        case (.mergeRequest, _): return .mergeRequest
        case (.push, _): return asked
        }
    }

    /// Merge request options: the environment's, unless the command line gave its own.
    public func mergeRequestOptions(labels: [String], reviewers: [String], assignees: [String]) -> (labels: [String], reviewers: [String], assignees: [String]) {
        (labels.isEmpty ? self.labels : labels, reviewers.isEmpty ? self.reviewers : reviewers, assignees.isEmpty ? self.assignees : assignees)
    }
}
