import Foundation
import XCTest
import Support
@testable import ImagebumpCLI
import ImagebumpKit

/// The one command tree: every command line the CI integrations build parses, and is routed to the executable
/// that can run it; --version and subcommand suggestions.
final class CommandModelTests: XCTestCase {
    struct Recorded: Decodable {
        let source: String, mode: String, dry_run: Bool, token: Bool, scope: String, exit: Int32
        let argv: [String]?
        /// Mode update's policy input given alone (numerical, alphabetical, digest); nil: semver and the tag filter.
        let policy: String?
    }

    /// The argv of every source × mode × dry-run × token × scope combination, recorded by running the GitLab templates'
    /// job scripts and the action's entrypoint with a recorder in place of imagebump (scripts/ci_argv.py).
    func recordedCommandLines() throws -> [Recorded] {
        let script = Fixtures.repoRoot.appendingPathComponent("scripts/ci_argv.py").path
        let r = try CLI.runProgram("/usr/bin/env", ["python3", script], in: Fixtures.repoRoot)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try r.stdout.split(separator: "\n").map { try JSONDecoder().decode(Recorded.self, from: Data($0.utf8)) }
    }

    func testEveryCommandLineTheCITemplatesBuildParsesAndIsRoutedByItsMode() throws {
        let recorded = try recordedCommandLines()
        XCTAssertEqual(recorded.count, 4 * 8 * 2 * 2 * 3 + 4 * 3, "every source × mode × dry-run × token × scope was tried, and each update policy")
        let modeOf: [String: RunMode] = ["push": .push, "merge-request": .mergeRequest, "pull-request": .mergeRequest,
                                                 "check": .check, "dry-run": .dryRun, "none": .write]
        var accepted: [String: Set<String>] = [:]
        var parsed: [[String]: Result<Any, Error>] = [:] // many combinations build the same command line
        for r in recorded {
            let what = "\(r.source) mode=\(r.mode) dry-run=\(r.dry_run) token=\(r.token) scope=\(r.scope)"
            guard let argv = r.argv else {
                XCTAssertEqual(r.exit, 64, "\(what): refused by the template as a usage error")
                continue
            }
            XCTAssertNotEqual(r.scope, "none", "\(what): neither files nor environment is refused, not a run of the whole repository")
            XCTAssertFalse(argv.contains { $0.contains("PRIVATE KEY") }, "\(what): the signing key is handed over by name, never in argv")
            XCTAssertEqual(r.exit, 0, what)
            if r.scope == "env" { accepted[r.source, default: []].insert(r.dry_run ? "dry-run" : r.mode) }
            let result = parsed[argv] ?? Result { try Entry.parse(argv) }
            parsed[argv] = result
            let command: Any
            do { command = try result.get() } catch {
                XCTFail("\(what): \(argv) does not parse: \(Imagebump.message(for: error))"); continue
            }
            if let promote = command as? PromoteCommand {
                XCTAssertEqual(r.mode, "promote", what)
                XCTAssertEqual(r.scope, "env", what)
                checkInputs(r, repo: promote.repo, forge: promote.forge, run: promote.runOptions, registry: promote.registry, files: nil, what: what)
                XCTAssertEqual([promote.from, promote.to], ["staging", "production"], what)
                XCTAssertEqual(promote.runOptions.dryRun, r.dry_run, what)
                XCTAssertEqual(promote.route, .git, "\(what): \(argv)")
                continue
            }
            if let update = command as? UpdateCommand {
                checkUpdate(r, update, what: "\(what) policy=\(r.policy ?? "semver"): \(argv)")
                continue
            }
            guard let set = command as? SetCommand else { XCTFail("\(what): not a set command"); continue }
            XCTAssertEqual(set.environments.names, r.scope == "env" ? ["production"] : [], what)
            checkInputs(r, repo: set.repo, forge: set.forge, run: set.edit.runOptions, registry: set.registry, files: set.edit.files, what: what)
            XCTAssertEqual(set.mode, r.dry_run ? .dryRun : modeOf[r.mode], "\(what): \(argv)")
            // every template mode names a config repo (needs git); the action's edit of the workspace needs it for
            // the stale-run check, which reads the source repository's history (--source-repo)
            XCTAssertEqual(set.route, .git, "\(what): \(argv)")
            if r.source.hasPrefix("github-action") { XCTAssertNotNil(set.edit.runOptions.sourceRepo, "\(what): \(argv)") }
            XCTAssertEqual(set.repo.tokenEnv != nil, r.token, "\(what): the token is handed over by name only when set")
        }
        for source in ["gitlab-component", "gitlab-classic"] {
            XCTAssertEqual(accepted[source], ["push", "merge-request", "check", "dry-run", "promote", "update"], source)
        }
        for source in ["github-action", "github-action-repository"] {
            XCTAssertTrue(accepted[source, default: []].isSuperset(of: ["push", "pull-request", "check", "dry-run", "promote", "update"]), source)
        }
        XCTAssertTrue(accepted["github-action", default: []].contains("none"))
        XCTAssertFalse(accepted["github-action-repository", default: []].contains("none"), "mode none with a repository is refused")
    }

    /// Mode update: `imagebump update` with the files or environment, every shared input, and the policy inputs given.
    func checkUpdate(_ r: Recorded, _ update: UpdateCommand, what: String) {
        XCTAssertEqual(r.mode, "update", what)
        XCTAssertEqual(update.environments.names, r.scope == "env" ? ["production"] : [], what)
        checkInputs(r, repo: update.repo, forge: update.forge, run: update.runOptions, registry: update.registry, files: update.paths.files, what: what)
        XCTAssertEqual(update.setCommand.mode, r.dry_run ? .dryRun : .push, what)
        XCTAssertEqual(update.route, .git, what)
        XCTAssertEqual(update.images, r.source.hasPrefix("github") ? ["ghcr.io/acme/app"] : [], "\(what): the action's images input names the images")
        let p = update.policy
        switch r.policy {
        case nil:
            XCTAssertEqual(p.semver, "^1.2", what)
            XCTAssertEqual(p.tagRegex, "^main-(?P<v>.+)$", "\(what): the pattern as written, never expanded")
            XCTAssertEqual(p.tagExtract, "$v", "\(what): the template as written, never expanded")
        case "numerical": XCTAssertEqual(p.numerical, .asc, what)
        case "alphabetical": XCTAssertEqual(p.alphabetical, .desc, what)
        case "digest":
            XCTAssertTrue(p.digest, what)
            XCTAssertNil(p.tagRegex, what)
        default: XCTFail("\(what): unknown policy")
        }
    }

    /// Every input the recorder gave a value reaches imagebump in every mode, with and without an environment (an
    /// environment may turn a push into a merge request, so the merge request inputs are never left out).
    func checkInputs(_ r: Recorded, repo: RepoOptions, forge: ForgeOptions, run: RunOptions, registry: RegistryOptions,
                     files: [String]?, what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(registry.verify, "\(what): verify", file: file, line: line)
        XCTAssertTrue(registry.pinDigest, "\(what): pin-digest", file: file, line: line)
        if let files { XCTAssertEqual(files, ["apps"], what, file: file, line: line) }
        XCTAssertEqual(repo.branch, "release", what, file: file, line: line)
        XCTAssertEqual(repo.message, "msg {images}", what, file: file, line: line)
        XCTAssertEqual(forge.label, ["a", "b"], what, file: file, line: line)
        XCTAssertTrue(forge.autoMerge, what, file: file, line: line)
        // the signing key by name only: its value is never on the command line
        XCTAssertEqual(repo.signing.signKeyEnv, "IMAGEBUMP_SIGNING_KEY", what, file: file, line: line)
        XCTAssertNil(repo.signing.signKey, what, file: file, line: line)
        XCTAssertEqual(repo.signing.signFormat, .openpgp, what, file: file, line: line)
        if r.source.hasPrefix("gitlab") {
            XCTAssertTrue(forge.removeSourceBranch, "\(what): remove_source_branch defaults to true", file: file, line: line)
        } else {
            XCTAssertEqual(forge.reviewer, ["r"], what, file: file, line: line)
            XCTAssertEqual(forge.assignee, ["s"], what, file: file, line: line)
            XCTAssertEqual(forge.title, "t", what, file: file, line: line)
            XCTAssertTrue(forge.draft, what, file: file, line: line)
            XCTAssertEqual(forge.forge, "github", what, file: file, line: line)
            XCTAssertEqual(repo.pushBranch, "bot", what, file: file, line: line)
            XCTAssertEqual(repo.author, "A <a@b.c>", what, file: file, line: line)
            XCTAssertEqual(run.sourceRepo, "https://github.example.test/acme/app.git", what, file: file, line: line)
            XCTAssertEqual(run.sourceTokenEnv, "IMAGEBUMP_SOURCE_TOKEN", "\(what): source-token is handed over by name", file: file, line: line)
        }
    }

    func testRoutingFollowsTheParsedOptions() {
        XCTAssertEqual(Entry.route(["set", "-f", "x", "--dry-run", "a:1"]), .local)
        XCTAssertEqual(Entry.route(["set", "--check", "a:1"]), .local)
        XCTAssertEqual(Entry.route(["set", "--dotenv", "out.env", "a:1"]), .local)
        XCTAssertEqual(Entry.route(["set", "--push", "a:1"]), .git)
        XCTAssertEqual(Entry.route(["set", "--repo=x", "--dry-run", "a:1"]), .git)
        XCTAssertEqual(Entry.route(["set", "--pull-request", "a:1"]), .git)
        XCTAssertEqual(Entry.route(["set", "--", "--push"]), .local, "after -- it is an image spec")
        XCTAssertNil(Entry.route(["set", "--dry-run", "--push", "a:1"]), "a mode conflict is a usage error")
        XCTAssertEqual(Entry.route(["set", "--verify", "a:1"]), .git, "the registry is asked by imagebump-git")
        XCTAssertEqual(Entry.route(["set", "--pin-digest", "--dry-run", "a:1"]), .git)
        XCTAssertEqual(Entry.route(["promote", "--pin-digest", "dev", "prod"]), .git)
    }

    func testVersionInBothExecutablesAndSubcommandSuggestion() throws {
        for exe in ["imagebump", "imagebump-git"] {
            let path = CLI.binary.deletingLastPathComponent().appendingPathComponent(exe).path
            let r = try CLI.runProgram(path, ["--version"], in: Fixtures.repoRoot)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, BuildInfo.description + "\n", exe)
        }
        let typo = try CLI.run(["sett", "-f", "apps", "a:1"], in: Fixtures.repoRoot)
        XCTAssertEqual(typo.status, 64)
        XCTAssertTrue(typo.stderr.contains("did you mean 'set'?"), typo.stderr)
        let conflict = try CLI.run(["set", "--check", "--push", "a:1"], in: Fixtures.repoRoot)
        XCTAssertEqual(conflict.status, 64)
        XCTAssertTrue(conflict.stderr.contains("--check writes nothing, so it cannot be combined with --push"), conflict.stderr)
    }

    /// "Declare an option once": an option's help is written in one declaration, in an option group the commands that
    /// share it use, not copied into each (history and metrics each declared --env). --output's words are shared
    /// by options that print different documents (get's, history's, set's report), each described on its own.
    func testAnOptionsHelpIsDeclaredOnce() throws {
        let dir = Fixtures.repoRoot.appendingPathComponent("Sources/ImagebumpCLI")
        var places: [String: [String]] = [:]
        let help = #/help: (?:ArgumentHelp\()?"((?:[^"\\]|\\.)+)"/#
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where file.hasSuffix(".swift") {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            for m in text.matches(of: help) { places[String(m.output.1), default: []].append(file) }
        }
        let copies = places.filter { $0.value.count > 1 && $0.key != "Output format: text or json." }.map { "\($0.key): \($0.value.joined(separator: ", "))" }
        XCTAssertEqual(copies, [])
        XCTAssertGreaterThan(places.count, 50, "the declarations were found")
    }
}
