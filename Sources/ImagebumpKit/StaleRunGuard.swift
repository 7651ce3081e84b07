import ImageRules
import Support

/// Answers ancestry questions about the application repository (implemented with libgit2 in GitOps, so that this
/// module and the edit-only executable stay free of it).
public protocol CommitAncestry: Sendable {
    /// Whether commit `ancestor` is an ancestor of commit `descendant` (both 7–40 hex digits).
    func isAncestor(_ ancestor: String, of descendant: String) -> AncestryAnswer
}

public enum AncestryAnswer: Equatable, Sendable {
    case ancestor
    case notAncestor
    /// The history at hand cannot tell (a shallow clone, a commit it does not have); the reason says which.
    case undecidable(String)
}

/// No history to ask (a CI job without the application's checkout, a source repository that could not be fetched):
/// every question is undecidable for `reason`, so the run says once why the stale-run check was skipped.
public struct NoHistory: CommitAncestry {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public func isAncestor(_ ancestor: String, of descendant: String) -> AncestryAnswer { .undecidable(reason) }
}

/// Refuses a commit-hash tag that is older than the deployed one: the new commit is an ancestor of the commit the
/// environment runs, so this is an earlier pipeline finishing late.
public enum StaleRunGuard {
    public struct Outcome: Equatable, Sendable {
        public var refusals: [Problem] = []
        /// At most one line: why some change could not be checked.
        public var note: String?
    }

    public static func check(_ changes: [PlannedChange], ancestry: any CommitAncestry) -> Outcome {
        var out = Outcome()
        var asked: [String: AncestryAnswer] = [:]
        for c in changes {
            guard let old = ChangedTag(c.old), let new = ChangedTag(c.new), old.sameImage(as: new),
                  isCommitHash(old.tag), isCommitHash(new.tag) else { continue }
            let key = new.tag + " " + old.tag
            let answer = asked[key] ?? ancestry.isAncestor(new.tag, of: old.tag)
            asked[key] = answer
            switch answer {
            case .ancestor:
                out.refusals.append(DowngradeGuard.refusal(c, from: old.tag, to: new.tag,
                                                          why: "\(new.tag) is an ancestor of the deployed commit: an older run finishing late?"))
            case .notAncestor: break
            case .undecidable(let why):
                if out.note == nil {
                    out.note = "cannot tell whether \(new.tag) is older than the deployed \(old.tag) (\(why)); the stale-run check is skipped"
                }
            }
        }
        return out
    }

    /// 7 to 40 lowercase hex digits, as git abbreviates commit ids.
    public static func isCommitHash(_ tag: String) -> Bool {
        (7...40).contains(tag.utf8.count) && tag.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}
