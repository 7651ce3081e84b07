extension Environment {
    /// Merge request options: the environment's, unless the command line gave its own.
    public func mergeRequestOptions(labels: [String], reviewers: [String], assignees: [String]) -> (labels: [String], reviewers: [String], assignees: [String]) {
        (labels.isEmpty ? self.labels : labels, reviewers.isEmpty ? self.reviewers : reviewers, assignees.isEmpty ? self.assignees : assignees)
    }
}
