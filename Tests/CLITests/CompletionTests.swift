import Foundation
import XCTest

/// Shell completion: the scripts ArgumentParser generates offer --output's and --forge's values, and ask the binary
/// for environment names, which it reads from the imagebump.yaml of the repository it runs in.
final class CompletionTests: XCTestCase {
    /// What the binary answers a completion script's request for `argument` of `command` with `words` typed so far
    /// (the last one being completed, cursor at its end).
    func complete(_ command: [String], _ argument: String, _ words: [String], in dir: URL) throws -> [String] {
        let r = try CLI.run(["---completion"] + command + ["--", argument, "\(words.count - 1)", "\(words.last!.count)"] + words, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n").map(String.init)
    }

    func testEnvironmentNamesComeFromImagebumpYAML() throws {
        let repo = try Fixtures.copyExamples()
        try Git.run(["init", "-q", repo.path])
        let sub = repo.appendingPathComponent("apps/sample-app") // from a subdirectory, as the config is found
        XCTAssertEqual(try complete(["set"], "--env", ["set", "--env", ""], in: sub), ["dev", "staging", "production"])
        XCTAssertEqual(try complete(["set"], "--env", ["set", "--env", "st"], in: sub), ["staging"])
        XCTAssertEqual(try complete(["get"], "--env", ["get", "--env", "p"], in: repo), ["production"])
        XCTAssertEqual(try complete(["promote"], "positional@0", ["promote", "d"], in: repo), ["dev"])
        XCTAssertEqual(try complete(["promote"], "positional@1", ["promote", "dev", ""], in: repo), ["dev", "staging", "production"])
        // no imagebump.yaml: nothing, and no error
        XCTAssertEqual(try complete(["set"], "--env", ["set", "--env", ""], in: try Fixtures.scratch()), [])
    }

    /// The bash script as a user's shell runs it: sourced, then asked to complete typed words (bash is what the
    /// test machines have; zsh and fish get their scripts from the same tree).
    func testBashCompletesForgesOutputsAndEnvironments() throws {
        let script = try CLI.run(["--generate-completion-script", "bash"], in: try Fixtures.scratch())
        XCTAssertEqual(script.status, 0, script.stderr)
        let repo = try Fixtures.copyExamples()
        try Git.run(["init", "-q", repo.path])
        let file = try Fixtures.scratch().appendingPathComponent("imagebump.bash")
        try Fixtures.write(script.stdout, to: file)
        func bash(_ words: [String]) throws -> [String] {
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let snippet = """
                source "$1"; COMP_WORDS=(\(quoted)); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="${COMP_WORDS[*]}"
                COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _imagebump imagebump "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let path = CLI.binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            let r = try CLI.runProgram("/bin/bash", ["-c", snippet, "bash", file.path], in: repo, env: ["PATH": path])
            XCTAssertEqual(r.status, 0, r.stderr)
            return r.stdout.split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(try bash(["imagebump", "set", "--forge", ""]), ["gitlab", "github"])
        XCTAssertEqual(try bash(["imagebump", "set", "--output", ""]), ["text", "json"])
        XCTAssertEqual(try bash(["imagebump", "set", "--env", "s"]), ["staging"])
        XCTAssertEqual(try bash(["imagebump", "promote", "dev", "p"]), ["production"])
    }
}
