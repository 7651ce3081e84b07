import Foundation
import ImageRules
import TestSupport
import XCTest

/// Issue 16, "Done when": manifests of the shared corpus with hostile payloads (line breaks of every kind, other
/// control characters, workflow commands, quick actions, mentions, backticks, `|`, skip directives) in their tags,
/// image names and directory names (also in a git history that `history` reads back), in imagebump.yaml's
/// environment names and paths, in the MR URL the fake forge answers and in its error message, in the values a
/// `promote` replaces; the real binaries' every output read the way its reader reads it
/// (`RunnerParsing`, `Markdown`): no payload starts a line, adds an output or variable, runs a command or a quick
/// action, mentions anyone or skips a pipeline. A fixed seed: the same files and payloads on every run.
final class OutputFuzzTests: XCTestCase {
    let token = "fuzz-token-5e0c11"
    let app = "ghcr.io/fuzz/app"

    /// What a payload puts after its line break: each must never start a line of any output.
    static let tails = ["::warning::INJ", "##[error]INJ", "/approve", "/assign @x", "commit=INJ", "IMAGEBUMP_COMMIT=INJ",
                        "::add-mask::INJ", "`INJ`|", "| INJ |", "[skip ci] INJ", "skip-checks: true", "$CI_JOB_TOKEN"]
    static let breaks = ["\n", "\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}", "\u{0B}", "\u{0C}", "\u{1B}[2K", "\t",
                         "\u{7F}", "\u{07}", "\u{1B}]8;;x\u{07}", "\u{9B}"]

    /// Hand-written manifests in the corpus's layout, for a clone without ../shared/corpus.
    static let sampleCorpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/sample-corpus")

    var rng = SplitMix(seed: 0x16_2026_0c0f)

    /// `head`, then one or two of a random break and a random tail (which may hold a `/`).
    func payload(_ head: String) -> String {
        var s = head
        for _ in 0..<Int.random(in: 1...2, using: &rng) {
            s += Self.breaks.randomElement(using: &rng)! + Self.tails.randomElement(using: &rng)!
        }
        return s
    }

    func testHostileValuesFromTheCorpusReachNoOutputAsCode() throws {
        // the shared corpus where it is beside the clone, else the small sample in Fixtures/, so that every clone runs it
        let corpus = corpusDirectory() ?? Self.sampleCorpus
        let manifests = corpus.appendingPathComponent("manifests")
        let tree = try Fixtures.scratch("fuzz").appendingPathComponent("tree")
        var specs: Set<String> = [], files: [String: String] = [:], listed: [String] = []
        // a few files of each kind, picked by the seed; their tags replaced by payloads, each in a hostile directory
        for (kind, count, key) in [("kustomize", 4, "newTag"), ("helm-values", 3, "tag"), ("workloads", 2, nil)] {
            let all = try FileManager.default.contentsOfDirectory(atPath: manifests.appendingPathComponent(kind).path).sorted()
            var picked = 0
            for name in all.shuffled(using: &rng) where picked < count {
                guard let text = String(data: try Data(contentsOf: manifests.appendingPathComponent(kind + "/" + name)), encoding: .utf8) else { continue }
                let injected = key.map { inject(text, key: $0) } ?? text
                let base = name.hasSuffix("kustomization.yaml") ? "kustomization.yaml" : String(name.split(separator: "_").last ?? "values.yaml")
                let path = payload("f\(files.count)-\(kind)") + "/" + base
                guard let found = try? ImagePlanner.images(file: base, bytes: Array(injected.utf8)),
                      key == nil || found.contains(where: { f in (f.tag ?? "").unicodeScalars.contains(where: Self.isBreakStart) })
                else { continue }
                for f in found where (try? ImageName(parsing: f.name)) != nil { specs.insert(f.name + ":9.9.9-fuzz") }
                files[path] = injected
                if kind != "kustomize" { listed.append(path) } // `get` renders a kustomization's bases, outside the tree
                picked += 1
            }
        }
        // image names no spec matches, and one close to a spec's, for the "did you mean" hint
        let names = payload("f\(files.count)-names") + "/kustomization.yaml"
        files[names] = "images:\n"
            + (0..<3).map { _ in "  - name: \(yamlQuoted(payload(app)))\n    newTag: \(yamlQuoted(payload("1.0")))\n" }.joined()
        for (path, text) in files { try Fixtures.write(text, to: tree.appendingPathComponent(path)) }
        XCTAssertGreaterThanOrEqual(files.count, 8, "corpus files picked")
        let sorted = specs.sorted()
        var runs = 0

        // local runs: a preview with the diff, a JSON preview, a write, the no-match hint, and `get`
        for args in [["set", "--dry-run"], ["set", "--dry-run", "--output", "json"], ["set", "--output", "json"]] {
            let json = args.contains("json")
            let r = try run(args + ["--allow-missing"] + sorted, in: try copy(tree), json: json)
            runs += 1
            if json {
                let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
                let changes = doc["changes"] as? [[String: Any]] ?? []
                let hostile = changes.filter { c in ["old", "file"].allSatisfy { k in (c[k] as? String ?? "").unicodeScalars.contains { Self.isBreakStart($0) } } }
                XCTAssertGreaterThanOrEqual(hostile.count, 3, "payloads in old values and file names reached the report: \(changes)")
            }
        }
        try run(["set", app + "x:1.0"], in: tree, json: false, status: 1)
        runs += 1
        for json in [false, true] {
            try run(["get"] + (listed + [names]).flatMap { ["-f", $0] } + (json ? ["--output", "json"] : []), in: tree, json: json, reports: false)
        }
        runs += 2

        // imagebump.yaml: a hostile environment name (refused) and a valid one with hostile paths (not found)
        for yaml in ["environments:\n  \(yamlQuoted(payload("env"))): {files: [a]}\n",
                     "environments:\n  prod: {files: [\(yamlQuoted(payload("apps/p"))), \(yamlQuoted(payload("apps/q")))]}\n"] {
            let dir = try copy(tree)
            try Fixtures.write(yaml, to: dir.appendingPathComponent("imagebump.yaml"))
            try run(["set", "--env", "prod", "\(app):2.0"], in: dir, json: false, status: 1)
            runs += 1
        }

        // history: the tree committed, bumped and committed again; both deployments read back from the commits
        let checkout = try copy(tree)
        try Fixtures.write("environments:\n  prod: {files: [\".\"]}\n", to: checkout.appendingPathComponent("imagebump.yaml"))
        try Git.run(["init", "-q", "-b", "main", checkout.path])
        try commitAll(checkout, "seed")
        try run(["set", "-f", ".", "--allow-missing"] + sorted, in: checkout, json: false)
        try commitAll(checkout, "bump")
        for json in [false, true] {
            let r = try run(["history"] + (json ? ["--output", "json"] : []), in: checkout, json: json, reports: false)
            XCTAssertTrue(r.stdout.contains("9.9.9-fuzz"), r.stdout)
        }
        runs += 3

        // a merge request on a real git server, the forge answering a hostile URL; then its error message
        let server = try GitDaemonRepo(files: files, name: "team/config.git")
        defer { server.stop() }
        let forge = try FakeForge(token: token)
        defer { forge.stop() }
        let hostileURL = payload("https://forge.test/mr/1")
        try forge.reset(["gitlab_projects": ["team/config"], "web_url": hostileURL])
        let mr = ["set", "--merge-request", "--repo", server.url, "--forge", "gitlab", "--api-url", forge.baseURL + "/api/v4",
                  "--message", "deploy {images}\n\n{files}\n\n{changes}", "--title", "bump {files}", "--allow-missing"]
        try run(mr + sorted, in: try Fixtures.scratch(), json: false, gitlab: true)
        let mrs = try forge.mergeRequests(gitlab: "team/config")
        XCTAssertEqual(mrs.count, 1)
        for field in ["title", "description"] { checkMarkdown(mrs.first?[field] as? String ?? "", field) }
        let branch = try XCTUnwrap(mrs.first?["source_branch"] as? String)
        checkMarkdown(try server.git(["log", "-1", "--format=%B", branch]), "commit message")
        try forge.reset(["gitlab_projects": ["team/config"]])
        try forge.fault(method: "POST", path: "/merge_requests$", status: 422, body: ["message": payload("refused")])
        try run(mr + sorted, in: try Fixtures.scratch(), json: false, status: 1, gitlab: true)
        runs += 2
        // promote on a config repo of its own: staging's image into prod's hostile tags, behind a merge request with
        // the default texts ({changes} in the commit message and the description)
        let promoteRepo = try GitDaemonRepo(files: [
            "imagebump.yaml": "environments:\n  staging: {files: [apps/staging]}\n  prod: {files: [apps/prod], mode: merge-request}\n",
            "apps/staging/kustomization.yaml": "images:\n" + (0..<4).map { "  - name: \(app)\($0)\n    newTag: \"2.0\"\n" }.joined(),
            "apps/prod/kustomization.yaml": "images:\n" + (0..<4).map { i in
                "  - name: \(app)\(i)\n    newTag: \(yamlQuoted(i == 0 ? "1.0\n/approve" : payload("1.0")))\n" }.joined(),
        ], name: "team/promote.git")
        defer { promoteRepo.stop() }
        try forge.reset(["gitlab_projects": ["team/promote"]])
        try run(["promote", "staging", "prod", "--repo", promoteRepo.url, "--forge", "gitlab", "--api-url", forge.baseURL + "/api/v4"],
                in: try Fixtures.scratch(), json: false, gitlab: true)
        let promoted = try forge.mergeRequests(gitlab: "team/promote")
        XCTAssertEqual(promoted.count, 1)
        for field in ["title", "description"] { checkMarkdown(promoted.first?[field] as? String ?? "", "promote: " + field) }
        XCTAssertTrue((promoted.first?["description"] as? String ?? "").contains(":1.0\\"), "prod's hostile tag in the description")
        let promotedBranch = try XCTUnwrap(promoted.first?["source_branch"] as? String)
        checkMarkdown(try promoteRepo.git(["log", "-1", "--format=%B", promotedBranch]), "promote: commit message")
        runs += 1
        print("output fuzz: \(files.count) files, \(sorted.count) specs, \(runs) runs")
    }

    /// One run of the binary on GitHub Actions (or GitLab CI), every output checked.
    @discardableResult
    func run(_ args: [String], in cwd: URL, json: Bool, status: Int32 = 0, gitlab: Bool = false, reports: Bool = true,
             file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        let files = try Fixtures.scratch("fuzz-out")
        let out = files.appendingPathComponent("output"), summary = files.appendingPathComponent("summary")
        let dotenv = files.appendingPathComponent("out.env")
        let platform = gitlab ? ["GITLAB_CI": "true", "CI_JOB_NAME": "deploy"]
                              : ["GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": out.path, "GITHUB_STEP_SUMMARY": summary.path]
        let r = try CLI.run(args + (reports ? ["--dotenv", dotenv.path] : []), in: cwd,
                            env: platform.merging(["IMAGEBUMP_TOKEN": token, "NO_COLOR": "1"]) { a, _ in a })
        let what = args.prefix(3).joined(separator: " ")
        XCTAssertEqual(r.status, status, "\(what): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(GitHubRunner.foreignCommands(in: r.stdout + "\n" + r.stderr, secret: token), [], "\(what): \(r.stdout)\(r.stderr)", file: file, line: line)
        checkLines(GitHubRunner.logLines(r.stdout) + GitHubRunner.logLines(r.stderr), "\(what): log", file: file, line: line)
        if json {
            XCTAssertEqual(GitHubRunner.logLines(r.stdout).count, 1, "\(what): one JSON line", file: file, line: line)
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)), "\(what): \(r.stdout)", file: file, line: line)
        }
        if reports {
            let env = try GitLabDotenv.parse(try String(contentsOf: dotenv, encoding: .utf8))
            XCTAssertEqual(env.map(\.key), ReportNames.dotenv, "\(what): dotenv", file: file, line: line)
            for (k, v) in env { XCTAssertFalse(GitLabDotenv.references(in: v), "\(what): \(k)=\(v)", file: file, line: line) }
            checkLines(env.map(\.value), "\(what): dotenv values", file: file, line: line)
        }
        if reports, !gitlab {
            let gh = try GitHubRunner.outputs(try String(contentsOf: out, encoding: .utf8))
            XCTAssertEqual(gh.map(\.name), ReportNames.github, "\(what): $GITHUB_OUTPUT", file: file, line: line)
            if let md = try? String(contentsOf: summary, encoding: .utf8) { checkMarkdown(md, "\(what): step summary", skips: false, file: file, line: line) }
        }
        return r
    }

    /// The first scalar of a break: a payload's break survived in a value.
    static func isBreakStart(_ s: Unicode.Scalar) -> Bool { breaks.contains { $0.unicodeScalars.first == s } }

    /// No line, after what a reader skips before a command (blanks, control and format characters), starts with a tail.
    func checkLines(_ lines: [String], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for l in lines {
            let start = String(String.UnicodeScalarView(l.unicodeScalars.drop {
                $0.properties.isWhitespace || [.control, .format].contains($0.properties.generalCategory)
            }))
            if let tail = Self.tails.first(where: start.hasPrefix) {
                XCTFail("\(what): a line starts with \(tail.debugDescription): \(l.debugDescription)", file: file, line: line)
            }
        }
    }

    /// MR/PR text, a commit message or the step summary: as GitLab splits lines for quick actions, no quick action,
    /// no line starting with a tail, no mention outside a code span, no skip directive (the template has none).
    func checkMarkdown(_ text: String, _ what: String, skips: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(text.isEmpty, what, file: file, line: line)
        XCTAssertEqual(GitLabQuickActions.actions(in: text), [], "\(what): \(text.debugDescription)", file: file, line: line)
        checkLines(GitLabQuickActions.lines(text), what, file: file, line: line)
        XCTAssertFalse(Markdown.outsideCodeSpans(text).contains("@x"), "\(what): a mention: \(text.debugDescription)", file: file, line: line)
        if skips {
            XCTAssertEqual(CISkip.gitlab(text) + CISkip.github(text), [], "\(what): \(text.debugDescription)", file: file, line: line)
        }
    }

    /// Every `KEY: value` line's value replaced by a payload (as a YAML double-quoted scalar).
    func inject(_ text: String, key: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { l -> String in
            guard let r = l.range(of: #"^\s*(- )?\#(key): "#, options: .regularExpression) else { return String(l) }
            return l[..<r.upperBound] + yamlQuoted(payload("1.0")) + (l.hasSuffix("\r") ? "\r" : "")
        }.joined(separator: "\n")
    }

    func commitAll(_ dir: URL, _ message: String) throws {
        try Git.run(["-C", dir.path, "add", "-A"])
        try Git.run(["-C", dir.path, "-c", "user.name=fuzz", "-c", "user.email=fuzz@localhost", "commit", "-qm", message])
    }

    func copy(_ dir: URL) throws -> URL {
        let to = try Fixtures.scratch("fuzz-copy").appendingPathComponent("tree")
        try FileManager.default.copyItem(at: dir, to: to)
        return to
    }
}

