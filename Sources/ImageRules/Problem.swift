/// One problem as reported: its message and, as fields, the place it is about (the file, and the 1-based line and
/// column in it where known). The JSON report and CI annotations read these fields; they never parse the text.
public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String?
    public let line: Int?
    public let column: Int?
    public let message: String

    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }

    /// The file and line it points at, when it has both: the place a report or annotation carries (a file alone,
    /// one too large to read say, is only named in the text).
    public var place: (file: String, line: Int, column: Int?)? {
        guard let file, let line else { return nil }
        return (file, line, column)
    }

    /// `file[:line[:column]]: message`, the form compilers print (editors and CI logs link it to the place), or the
    /// message alone without a file. The name is quoted when it needs it (`PathQuoting`), so that a file name from
    /// the repository cannot start a log line of its own.
    public var description: String {
        guard let file else { return message }
        var s = PathQuoting.quoted(file)
        if let line { s += ":\(line)"; if let column { s += ":\(column)" } }
        return s + ": " + message
    }
}

/// An error that is one or more problems, each with its own place; its text is theirs, one after the other.
public protocol ProblemError: Error, CustomStringConvertible {
    var problems: [Problem] { get }
}

/// A problem thrown on its own (the planner's and the config reader's typed throws) is the one problem it reports.
extension Problem: ProblemError {
    public var problems: [Problem] { [self] }
}

extension Problem {
    /// The problems `error` reports: its own when it knows them, else one without a place, its text.
    public static func list(_ error: any Error) -> [Problem] {
        (error as? any ProblemError)?.problems ?? [Problem(message: "\(error)")]
    }
}
