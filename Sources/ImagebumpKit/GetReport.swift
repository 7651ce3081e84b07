import Support
import ImageRules

/// `imagebump get`: what each environment (or each `-f` path) runs. Its JSON is schema/get.schema.json.
public struct GetReport: Encodable, Equatable, Sendable {
    public struct Entry: Encodable, Equatable, Sendable {
        /// The environment, or the `-f` path as given.
        public var name: String
        public var images: [RunningImage]
        public init(name: String, images: [RunningImage]) { self.name = name; self.images = images }
    }

    public var environments: [Entry]
    public init(environments: [Entry]) { self.environments = environments }

    static let headers = ["OVERLAY", "IMAGE", "SET AT"]

    /// A table with a header line: one row per image, the first column titled `first` (ENVIRONMENT, or PATH for
    /// `-f` runs); an entry without images gets one row saying so. Columns are padded, the last is not. A path and
    /// a reference are quoted as `set`'s change lines quote them (a tag is whatever the file holds), so a line break
    /// in one cannot start a row of its own.
    public func text(first: String) -> String {
        var rows = [[first] + Self.headers]
        for e in environments {
            let name = PathQuoting.quoted(e.name)
            if e.images.isEmpty { rows.append([name, "-", "(no images)", "-"]) }
            for i in e.images { rows.append([name, PathQuoting.quoted(i.overlay), PathQuoting.quoted(i.found.reference), i.found.place]) }
        }
        return TextTable.render(rows) + "\n"
    }
}
