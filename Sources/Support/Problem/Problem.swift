/// One problem as reported: its message and, as fields, the place it is about (the file, and the 1-based line and
/// column in it where known). The one placed-problem type: the YAML parser's and editor's errors (their line and
/// column), the planner's and the config reader's (with the file), and a message alone. The JSON report and CI
/// annotations read these fields; they never parse the text.
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

    /// `file[:line[:column]]: message`, the form compilers print (editors and CI logs link it to the place); without a
    /// file `line:column: message` (a YAML parse error, before the planner names its file), or the message alone. The
    /// name is quoted when it needs it (`CQuoting`, as `PathQuoting` quotes names), so that a file name from the
    /// repository cannot start a log line of its own.
    public var description: String {
        guard let file else {
            guard let line, let column else { return message }
            return "\(line):\(column): \(message)"
        }
        var s = CQuoting.quoted(file)
        if let line { s += ":\(line)"; if let column { s += ":\(column)" } }
        return s + ": " + message
    }

    /// This problem placed in `file` (the YAML editor's and parser's problems know only their line and column).
    public func located(in file: String) -> Problem {
        Problem(file: file, line: line, column: column, message: message)
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
