/// The bot branches of the schemes before `MergeRequestKey`, whose MRs carry no key marker: set's
/// `imagebump/<image names>-<target>` and promote's `imagebump/promote-<environment>-<image names>`. An open MR under
/// one of them is this change's MR from before the upgrade: it is adopted (its branch rebuilt with this run's change,
/// its description given the marker), not left open beside a new one with older values.
extension MergeRequestKey {
    /// This key's legacy branch names. The old set scheme shortened a name over 90 characters with a hash of the
    /// references as written, which the key does not hold: such names are not found.
    public var legacyBranches: [String] {
        let names = Array(Set(images.map { String($0.split(separator: "/").last ?? Substring($0)) })).sorted()
        var out: [String] = []
        let slug = ForgeDefaults.slugify((names.isEmpty ? ["images"] : names).joined(separator: "-") + "-" + targetBranch)
        if slug.count <= 90 { out.append("imagebump/" + slug) }
        if case .environment(let env) = scope {
            let promote = (["promote", env] + names).joined(separator: "-").lowercased()
                .map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" ? $0 : "-" }
            out.append("imagebump/" + String(String(promote).prefix(90)))
        }
        return out
    }

    /// Whether an open MR from `sourceBranch` whose description is `description` is this key's MR of a legacy scheme.
    func isLegacy(sourceBranch: String, description: String) -> Bool {
        legacyBranches.contains(sourceBranch) && MergeRequestKey.canonical(inDescription: description) == nil
    }

    /// The warning of an adopted legacy MR.
    static func adopted(_ what: String, branch: String) -> String {
        "adopted \(what) (\(branch), a bot branch named before merge requests carried their key): it is updated with this run's change only and marked with its key; a change of another environment it held goes through that environment's own merge request"
    }
}
