import FoundationEssentials
import ImagebumpKit
import Support

/// The application repository's history fetched from its URL (`--source-repo URL`, what the GitHub Action passes):
/// cloned into a temporary directory on the first question — only runs that replace one commit tag with another
/// ask — with nothing checked out. A clone that fails makes every answer undecidable, with the reason.
/// `close()` removes the clone. Not for concurrent use (the guards run on one thread).
public final class SourceHistory: CommitAncestry, @unchecked Sendable {
    let location: String
    let credentials: GitCredentials
    let timeouts: NetworkTimeouts
    private var clone: ConfigRepo?
    /// Once asked: the fetched history, or why there is none.
    private var history: (any CommitAncestry)?

    public init(location: String, credentials: GitCredentials, timeouts: NetworkTimeouts) {
        self.location = location
        self.credentials = credentials
        self.timeouts = timeouts
    }

    public func isAncestor(_ ancestor: String, of descendant: String) -> AncestryAnswer {
        if history == nil {
            let shown = RemoteURL(location).withoutCredentials
            do {
                // a path no repository holds: the clone writes no files, only the history is needed
                let repo = try ConfigRepo.prepare(location: location, credentials: credentials,
                                                  checkoutPaths: [".imagebump-history-only"], timeouts: timeouts,
                                                  depth: .full) // ancestry questions walk the history
                clone = repo
                history = try SourceRepository(path: repo.workdir, shown: shown)
            } catch {
                history = NoHistory("fetching \(shown) failed: \(error)")
            }
        }
        return history!.isAncestor(ancestor, of: descendant)
    }

    /// Removes the temporary clone. Idempotent.
    public func close() { clone?.close(); clone = nil }
}
