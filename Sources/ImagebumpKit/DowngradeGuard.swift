import ImageRules
import Version
import Support

/// Refuses changes that would lower a semantic-version tag (an older pipeline finishing late, a typo), unless the
/// user asks for a rollback with `--allow-downgrade`.
public enum DowngradeGuard {
    /// One line per change whose old and new tags are both semantic versions (`MAJOR.MINOR.PATCH[-PRE]`, a leading
    /// `v` allowed) and the new one is lower. Equal versions are not changes, so they never get here.
    public static func refusals(_ changes: [PlannedChange]) -> [Problem] {
        changes.compactMap { c in
            guard let old = ChangedTag(c.old), let new = ChangedTag(c.new), old.sameImage(as: new),
                  let from = semver(old.tag), let to = semver(new.tag), to < from else { return nil }
            return refusal(c, from: old.tag, to: new.tag, why: nil)
        }
    }

    /// `FILE:LINE: refusing to downgrade IMAGE from OLD to NEW (…use --allow-downgrade to roll back)`, the form
    /// shared with the stale-run guard.
    static func refusal(_ c: PlannedChange, from: String, to: String, why: String?) -> Problem {
        Problem(file: c.file, line: c.line,
                message: "refusing to downgrade \(c.image) from \(from) to \(to) (\(why.map { $0 + "; " } ?? "")use --allow-downgrade to roll back)")
    }

    /// The tag read as a semantic version; nil when it is not one. Only full `MAJOR.MINOR.PATCH` counts: tags such
    /// as `1.20` or a build number are left alone, as are commit hashes made of digits only.
    static func semver(_ tag: String) -> Version? {
        let t = tag.first == "v" ? tag.dropFirst() : Substring(tag)
        return Version(t)
    }
}

/// The tag of one side of a `PlannedChange` (`old`/`new` are `name[:tag][@digest]`, or empty for an added entry);
/// nil without a valid tag.
struct ChangedTag {
    let name: String
    let tag: String

    init?(_ text: String) {
        guard let ref = try? ImageReference(parsing: text), let tag = ref.tag else { return nil }
        name = ref.name.normalized; self.tag = tag
    }

    /// Versions of two different repositories (a rename) are not compared.
    func sameImage(as other: ChangedTag) -> Bool { name == other.name }
}
