import ImageRules

extension MergeRequestDescription {
    /// The comment on an MR closed because its target branch overtook it: which values the target already holds.
    /// `changes` go from the MR's values (`old`) to the target's (`new`); empty: the target holds the MR's own values.
    public static func supersededNote(target: String, changes: [PlannedChange]) -> String {
        var lines = ["Closed by imagebump: \(code(target)) already holds the images this merge request would set, or newer ones."]
        if !changes.isEmpty {
            lines.append("")
            lines.append("| File | Image | This merge request | \(code(target)) |")
            lines.append("| --- | --- | --- | --- |")
            for c in changes { lines.append("| \(code(c.file)) | \(code(c.image)) | \(code(c.old)) | \(code(c.new)) |") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
