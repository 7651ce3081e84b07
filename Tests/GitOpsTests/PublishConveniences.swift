@testable import GitOps
import Support
import ImageRules

// Shorthands the tests use; the product calls the general forms.
extension ConfigRepo {
    /// `publish` with a fixed message.
    func publish(pushBranch: String? = nil, pushBranchCheck: ((String) throws -> Void)? = nil, author: GitAuthor = .fallback,
                 signing: CommitSigning? = nil, push: Bool = true, retries: Int = 5, backoff: RetryBackoff = .default,
                 message: String, edit: (String) throws -> [String]) throws -> PublishResult {
        try publish(pushBranch: pushBranch, pushBranchCheck: pushBranchCheck, author: author, signing: signing, push: push,
                    retries: retries, backoff: backoff, message: { _ in message }, edit: edit)
    }
}

extension CommitMessage {
    /// `build` in the CI environment `env`.
    static func build(images: [String], files: [String], changes: [PlannedChange], environment env: [String: String]) -> String {
        build(images: images, files: files, changes: changes, ci: CIEnvironment(env))
    }
}
