import ArgumentParser
import ImageRules
import ImagebumpKit

/// Where a run's report goes, the same for every mode: stdout carries the result (the diff, the change lines and
/// the git result, or one JSON document), stderr progress and diagnostics; the platform outputs get the report.
public struct RunOutput {
    public let format: OutputFormat
    public let dotenv: String?
    /// Masked out of every error message.
    public var secrets: [String] = []
    /// The change lines were already printed (before the push).
    private var changesShown = false

    public init(format: OutputFormat, dotenv: String?) { self.format = format; self.dotenv = dotenv }

    /// Prints the change lines now (text), so that they come before the push's progress and result.
    public mutating func showChanges(_ report: RunReport, wrote: Bool) {
        guard format == .text, !changesShown, report.changed else { return }
        for l in TextReport.changeLines(report, wrote: wrote) { Console.out(l) }
        changesShown = true
    }

    /// Prints the finished run's report and writes the platform outputs; exit 2 for --check with drift.
    public mutating func finish(_ report: RunReport, wrote: Bool) throws {
        switch format {
        case .json:
            Console.out(try JSONOutput.encode(report))
        case .text:
            if report.branch == nil { // no git: the change lines (or "already up to date") are the result
                for l in TextReport.changeLines(report, wrote: wrote) { Console.out(l) }
            } else {
                if report.commit != nil { showChanges(report, wrote: wrote) }
                if let l = TextReport.outcomeLine(report) { Console.out(l) }
                if let l = TextReport.mergeRequestLine(report) { Console.out(l) }
            }
        }
        try publish(report)
        if report.status == .drift { throw ExitCode(2) }
    }

    /// Reports a failure: the error on stderr (and as an annotation), with --output json one object on stdout,
    /// the platform outputs saying what did happen. Returns the error to throw (exit 1).
    public func fail(_ error: Error, report: RunReport) -> Error {
        let problems = Problem.list(error).map {
            Problem(file: $0.file.map(redact), line: $0.line, column: $0.column, message: redact($0.message))
        }
        Console.error(problems)
        let failed = report.failed(message: problems.map(\.description).joined(separator: "\n"), problems: problems)
        if format == .json, let json = try? JSONOutput.encode(failed) { Console.out(json) }
        try? publish(failed)
        return ExitCode.failure
    }

    private func publish(_ report: RunReport) throws {
        try PlatformOutputs.publish(report, dotenv: dotenv)
    }

    private func redact(_ s: String) -> String {
        secrets.filter { $0.count >= 4 }.reduce(s) { $0.replacing($1, with: "***") }
    }
}
