import ArgumentParser
import Support
import ImageRules
import ImagebumpKit

/// Where a run's report goes, the same for every mode: stdout carries the result (the diff, the change lines and
/// the git result, or one JSON document), stderr progress and diagnostics; the platform outputs get the report.
/// A run of several targets (`--env dev,staging`) prints each one's result as it finishes, under its name, and
/// one report for all of them at the end.
public struct RunOutput {
    public let format: OutputFormat
    /// `--dotenv`, absolute.
    public let dotenv: String?
    public let console: Console
    /// Where the platform outputs go (GitHub's output and step summary files).
    let ci: CIEnvironment
    /// Masked out of every error message.
    public var secrets: [String] = []
    /// The run has more than one target: each one's text is headed by its environment.
    public var several = false
    /// The change lines were already printed (before the push).
    private var changesShown = false

    /// `dotenv` is taken against the context's working directory.
    public init(format: OutputFormat, dotenv: String?, context: CommandContext) {
        self.format = format; console = context.console; ci = context.ci
        self.dotenv = dotenv.map { $0.hasPrefix("/") ? $0 : context.workingDirectory + "/" + $0 }
    }

    /// Starts a target's part of the output: its header when the run has several.
    public mutating func begin(_ target: RunTarget) {
        changesShown = false
        if several, format == .text, let e = target.environment { Console.out("environment \(e):") }
    }

    /// Prints the change lines now (text), so that they come before the push's progress and result.
    public mutating func showChanges(_ report: RunReport, wrote: Bool) {
        guard format == .text, !changesShown, report.changed else { return }
        for l in TextReport.changeLines(report, wrote: wrote) { Console.out(l) }
        changesShown = true
    }

    /// Prints one target's result (text): the change lines, the git result.
    public mutating func show(_ report: RunReport, wrote: Bool) {
        guard format == .text else { return }
        if report.branch == nil { // no git: the change lines (or "already up to date") are the result
            for l in TextReport.changeLines(report, wrote: wrote) { Console.out(l) }
        } else {
            if report.commit != nil { showChanges(report, wrote: wrote) }
            if let l = TextReport.outcomeLine(report) { Console.out(l) }
            if let l = TextReport.mergeRequestLine(report) { Console.out(l) }
        }
    }

    /// Prints the finished run's report and writes the platform outputs; exit 2 for --check with drift.
    public mutating func finish(_ report: RunReport, wrote: Bool) throws {
        show(report, wrote: wrote)
        try complete(report)
    }

    /// Ends the run with `report` (shown already): the JSON document, the platform outputs; exit `failure` (1)
    /// when it failed, 2 for --check with drift. Platform outputs that cannot be written fail the run (exit 1).
    public func complete(_ report: RunReport, failure: ExitCode = .failure) throws {
        if report.status == .failed {
            if format == .json, let json = try? JSONOutput.encode(report) { Console.out(json) }
            try? publish(report)
            throw failure
        }
        if format == .json { Console.out(try JSONOutput.encode(report)) }
        do { try publish(report) } catch {
            _ = printed(error)
            throw ExitCode.failure
        }
        if report.status == .drift { throw ExitCode(2) }
    }

    /// Prints an error on stderr (and as annotations), secrets masked: the one place a failure is printed (every
    /// command's, through `ContextCommand.report`). Returns its problems as printed.
    public func printed(_ error: Error) -> [Problem] {
        let problems = Problem.list(error).map {
            Problem(file: $0.file.map(redact), line: $0.line, column: $0.column, message: redact($0.message))
        }
        console.error(problems)
        return problems
    }

    /// Prints a failure (`printed`). Returns `report` marked failed, saying what did happen before it.
    public func failed(_ error: Error, report: RunReport) -> RunReport {
        let problems = printed(error)
        return report.failed(message: problems.map(\.description).joined(separator: "\n"), problems: problems)
    }

    /// Reports a failure: the error on stderr (and as an annotation), with --output json one object on stdout,
    /// the platform outputs saying what did happen. Returns the error to throw (exit `exitCode`, 1 unless a usage
    /// error found late: 64).
    public func fail(_ error: Error, report: RunReport, exitCode: ExitCode = .failure) -> Error {
        do { try complete(failed(error, report: report), failure: exitCode) } catch { return error }
        return exitCode
    }

    /// Runs `body` (reading the config repo, resolving the run's targets): an error it throws is reported as `report`
    /// (exit 1), unless it was reported already (an `ExitCode`, or what `reportsItself` ran).
    public func reporting<T>(_ report: RunReport, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as ExitCode {
            throw e
        } catch let e as Reported {
            throw e.error
        } catch {
            throw fail(error, report: report)
        }
    }

    /// Runs `body`, which reports its own failures (a run of targets), inside `reporting`.
    public static func reportsItself(_ body: () throws -> Void) throws {
        do { try body() } catch { throw Reported(error: error) }
    }

    private struct Reported: Error { let error: Error }

    /// Runs `targets` one after another, each printed as it finishes, and ends with one report: a target's own, or
    /// with several, one entry each. Stops at the first target that fails (`body` throws its report, printed).
    public mutating func run(_ targets: [RunTarget], mode: RunMode,
                             _ body: (RunTarget, inout RunOutput) throws(TargetFailure) -> (report: RunReport, wrote: Bool)) throws {
        several = targets.count > 1
        var entries: [RunReport] = []
        for t in targets {
            begin(t)
            do {
                var (r, wrote) = try body(t, &self)
                r.environment = t.environment
                show(r, wrote: wrote)
                entries.append(r)
            } catch {
                var r = error.report
                r.environment = t.environment
                entries.append(r)
                break
            }
        }
        var report = several ? RunReport(mode: mode, entries: entries) : entries[0]
        // what the registries said of each target's images (update's differ by environment), each image once
        let asked = targets.compactMap(\.images)
        report.images = asked.isEmpty ? nil : asked.joined().reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        try complete(report)
    }

    private func publish(_ report: RunReport) throws {
        try PlatformOutputs.publish(report, dotenv: dotenv, ci: ci)
    }

    private func redact(_ s: String) -> String {
        secrets.filter { $0.count >= 4 }.reduce(s) { $0.replacingEvery($1, with: "***") }
    }
}

/// A target that failed: its error is printed already; `report` says what did happen.
public struct TargetFailure: Error {
    public let report: RunReport
    public init(report: RunReport) { self.report = report }
}
