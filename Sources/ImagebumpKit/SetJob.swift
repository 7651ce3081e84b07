import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import ImageRules
import YAMLEdit
import Support

/// What `imagebump set` is asked to do, independent of the command line.
public struct SetRequest: Sendable {
    public var specs: [ImageSpec]
    /// The directory every path is resolved against and every file must lie in (links followed): the checkout or
    /// clone for git runs, the working directory for a local edit.
    public var root: String
    /// `-f` arguments (files or directories), relative to `root`; empty: the whole root.
    public var paths: [String]
    /// `--exclude` globs: found files and directories whose root-relative path (or name) matches are skipped.
    public var excludes: [String]
    public var add: Bool
    public var allowMissing: Bool
    public var maxFileSize: Int
    /// Permit lowering a semantic-version tag or going back to an older commit (a rollback).
    public var allowDowngrade: Bool
    /// The application repository, for refusing a commit tag older than the deployed one (nil: not checked).
    public var ancestry: (any CommitAncestry)?
    /// What the repository allows (its environments); nil: anything.
    public var policy: (any ChangePolicy)?
    /// With `add`: per image (normalised name), the root-relative kustomization files an entry may be appended to
    /// (a promotion adds an image only to its own app's); nil: any kustomization named with -f.
    public var addScopes: [String: [String]]?
    /// How the change will be published (set by the publisher); nil: not published (a local edit, a preview, a commit).
    public var delivery: Delivery?

    public init(specs: [ImageSpec], root: String, paths: [String], excludes: [String] = [], add: Bool = false,
                allowMissing: Bool = false, maxFileSize: Int = 16 << 20, allowDowngrade: Bool = false,
                ancestry: (any CommitAncestry)? = nil) {
        self.specs = specs; self.root = root; self.paths = paths; self.excludes = excludes; self.add = add
        self.allowMissing = allowMissing; self.maxFileSize = maxFileSize; self.allowDowngrade = allowDowngrade
        self.ancestry = ancestry
    }
}

/// The planned result of a run: every file parsed and edited in memory, nothing written yet.
public struct SetPlan: Sendable {
    /// Files whose bytes change, in discovery order; `file` is the real path relative to the root.
    public let files: [FilePlan]
    /// Temp files written by `.stage` planning, renamed by `SetJob.write`.
    public let staged: [FileIO.Staged]
    public let changes: [PlannedChange]
    public let searchedFiles: Int
    /// Things the user should know that did not stop the run (a check that could not be made, a skipped oversized
    /// file, matches in several environments).
    public let notes: [String]
    /// Indices of the request's specs that matched something (changed or already in place), in order.
    public let matchedSpecs: [Int]
    public var changed: Bool { !files.isEmpty }
    /// The root-relative real paths written (links resolved): what a commit must stage.
    public var writtenPaths: [String] { files.map(\.file) }
}

/// Every problem a run found, each with its place where it has one (a file's parse error), in the order printed.
public struct SetJobError: ProblemError {
    public let problems: [Problem]
    public init(_ problems: [Problem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

public enum SetJob {
    /// What to keep of each changed file while planning.
    public enum Retention: Sendable {
        /// original and new bytes (for a diff)
        case preview
        /// only the changes (for --check and reports)
        case summary
        /// write each new file to a temp file beside it right away, renamed by `write` once all succeeded:
        /// memory stays flat however many files change
        case stage
    }

    /// Reads, plans and verifies every file. Throws with every problem found (all files are looked at, so one
    /// run reports all of them), or when a spec matches nothing and `allowMissing` is off. Every path is resolved
    /// and confined to the root before any file is read.
    public static func plan(_ request: SetRequest, retention: Retention = .preview) throws -> SetPlan {
        let named = request.paths.isEmpty ? ["."] : request.paths
        let discovery = try discover(request, named: named)
        let request = try AddScope.applied(to: request, files: discovery.files)
        let files = discovery.files
        let planner = ImagePlanner(specs: request.specs)
        let needles = request.specs.map { Array($0.lastComponent.utf8) }
        let results = Results(count: files.count)
        let planOne: @Sendable (Int) -> Void = { i in
            do {
                guard let one = try planFile(files[i], request, planner: planner, needles: needles, retention: retention) else { return }
                results.lock.sync { results.record(one, at: i) }
            } catch let e as FileIOError where e.kind == .tooLarge && !files[i].explicit {
                results.lock.sync { results.skipped.append((i, "\(e); skipped (name it with -f to edit it)")) }
            } catch { // FileIOError and the planner's Problem: the file's problem with its place
                results.lock.sync { results.errors.append((i, Problem.list(error))) }
            }
        }
        // Threads only pay off on larger trees; a few files are faster inline.
        if files.count < 16 {
            for i in files.indices { planOne(i) }
        } else {
            DispatchQueue.concurrentPerform(iterations: files.count, execute: planOne)
        }
        return try collect(results, request, discovery: discovery, named: named)
    }

    /// Step 1: the files to plan, every path resolved and confined to the root before any is read; the policy's
    /// scope problems (no -f and no --env in a repository with environments) first.
    private static func discover(_ request: SetRequest, named: [String]) throws -> Discovery {
        let discovery: Discovery
        do {
            let root = try RepoRoot(request.root)
            if let scope = request.policy?.scopeProblems(root: request.root, paths: request.paths), !scope.isEmpty {
                throw SetJobError(scope)
            }
            discovery = try FileDiscovery.discover(named, root: root, excludes: request.excludes)
        } catch { throw SetJobError(Problem.list(error)) }
        if request.add && !discovery.files.contains(where: \.explicit) {
            throw SetJobError([Problem(message: "--add needs the kustomization file named with -f (\(named.joined(separator: ", ")) names no file)")])
        }
        return discovery
    }

    /// What planning one file gave: its plan as `retention` keeps it (nil: unchanged), its staged file, and what matched.
    private struct FileOutcome {
        let file: String
        let kept: FilePlan?
        let staged: FileIO.Staged?
        let matchedSpecs: Set<Int>
        let imageNames: Set<String>
    }

    /// Step 2: reads and plans one file; nil when it cannot refer to any spec's image (most files of a large tree),
    /// so it is not parsed.
    private static func planFile(_ f: DiscoveredFile, _ request: SetRequest, planner: ImagePlanner, needles: [[UInt8]],
                                 retention: Retention) throws -> FileOutcome? {
        let (bytes, stamp) = try FileIO.read(f.realPath, shown: f.displayPath, limit: request.maxFileSize)
        if let wide = WideEncoding(detecting: bytes) {
            // found while walking and not mentioning any image: not ours to refuse
            guard f.explicit || needles.contains(where: { contains(wide.utf8(bytes), $0) }) else { return nil }
            throw FileIOError(path: f.displayPath, message: wide.message)
        }
        // A file that does not contain the last path component of any spec's image cannot refer to it: skip
        // parsing, except a kustomization that --add may extend.
        let addable = request.addScopes.map { scopes in
            Set(request.specs.indices.filter { scopes[request.specs[$0].name.normalized]?.contains(f.displayPath) == true })
        }
        let add = request.add && f.explicit && addable?.isEmpty != true
        if !add && !needles.contains(where: { contains(bytes, $0) }) { return nil }
        let plan = try planner.plan(file: f.displayPath, bytes: bytes, add: add, addable: addable)
        var kept: FilePlan? = nil
        var staged: FileIO.Staged? = nil
        if plan.changed {
            switch retention {
            case .preview: kept = plan
            case .summary: kept = plan.droppingContents()
            case .stage:
                staged = try FileIO.stage(plan.updated, for: f.realPath, shown: f.displayPath, stamp: stamp)
                kept = plan.droppingContents()
            }
        }
        return FileOutcome(file: f.displayPath, kept: kept, staged: staged, matchedSpecs: plan.matchedSpecs, imageNames: plan.imageNames)
    }

    /// Every file's outcome, by discovery index (files are planned in parallel).
    private final class Results: @unchecked Sendable {
        var plans: [FilePlan?]
        var staged: [FileIO.Staged?]
        var errors: [(Int, [Problem])] = []
        var skipped: [(Int, String)] = []
        var matched: Set<Int> = []
        var imageNames: Set<String> = []
        var matchedFiles: [(Int, String)] = []
        let lock = DispatchQueue(label: "imagebump.results")
        init(count: Int) {
            plans = Array(repeating: nil, count: count); staged = plans.map { _ in nil }
        }

        func record(_ one: FileOutcome, at i: Int) {
            plans[i] = one.kept
            staged[i] = one.staged
            matched.formUnion(one.matchedSpecs)
            imageNames.formUnion(one.imageNames)
            if !one.matchedSpecs.isEmpty { matchedFiles.append((i, one.file)) }
        }
    }

    /// Step 3: the plan of the whole run, or every problem found: the files' own, empty directories, specs that
    /// matched nothing, and the change guards' refusals (staged files are then removed).
    private static func collect(_ results: Results, _ request: SetRequest, discovery: Discovery, named: [String]) throws -> SetPlan {
        let files = discovery.files
        var problems = results.errors.sorted { $0.0 < $1.0 }.flatMap(\.1)
        let searched = files.count - results.skipped.count
        if !request.allowMissing {
            problems += discovery.emptyDirectories.map { Problem(message: "no YAML files under \($0)") }
            // after a file's own error or an empty directory, a "no match" would mislead: the match may be there
            let explained = !problems.isEmpty
            let unmatched = explained ? [] : request.specs.indices.filter { !results.matched.contains($0) }
            let elsewhere = MatchElsewhere.places(request, unmatched: unmatched, searched: Set(files.map(\.realPath)))
            for i in unmatched {
                let spec = request.specs[i]
                // found outside the -f paths: say where, rather than suggest a similar image of the searched files
                let hint = elsewhere[i].map { "; \(spec.name.written) is in \($0.joined(separator: ", ")), outside \(named.joined(separator: ", "))" }
                    ?? NameSuggestion.closest(to: spec.name, among: results.imageNames).map { "; did you mean \($0)?" } ?? ""
                problems.append(Problem(message: "no match for \(spec.name.written) (\(spec.text)) in \(searched) YAML file\(searched == 1 ? "" : "s") under \(named.joined(separator: ", ")); looked at kustomize images:, image: values and image volumes, Helm repository/tag, *Image keys, Argo CD kustomize.images and Flux markers (use --allow-missing to accept)" + hint))
            }
        }
        let plans = results.plans.compactMap { $0 }
        let changes = plans.flatMap(\.changes)
        let guarded = problems.isEmpty ? ChangeGuards.check(changes, request) : (refusals: [], notes: [])
        problems += guarded.refusals
        let staged = results.staged.compactMap { $0 }
        if !problems.isEmpty {
            FileIO.discard(staged)
            throw SetJobError(problems)
        }
        var notes = results.skipped.sorted { $0.0 < $1.0 }.map(\.1) + guarded.notes
        if request.paths.isEmpty, let w = EnvironmentScope.warning(matchedFiles: results.matchedFiles.map(\.1)) { notes.append(w) }
        return SetPlan(files: plans, staged: staged, changes: changes, searchedFiles: searched, notes: notes,
                       matchedSpecs: results.matched.sorted())
    }

    /// Replaces every changed file, all or nothing (see `FileIO.commit` for exactly what holds): renames the temp
    /// files that `.stage` planning wrote beside them, unless one of the files changed since it was read.
    public static func write(_ plan: SetPlan) throws {
        precondition(plan.staged.count == plan.files.count, "write() needs a plan made with retention .stage")
        do { try FileIO.commit(plan.staged) } catch { throw SetJobError(Problem.list(error)) }
    }
}

/// Whether `needle` occurs in `haystack` (memchr for the first byte, then compare).
func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard let first = needle.first else { return true }
    guard haystack.count >= needle.count else { return false }
    return haystack.withUnsafeBytes { h in
        needle.withUnsafeBytes { n in
            let base = h.baseAddress!
            var offset = 0
            let last = h.count - n.count
            while offset <= last {
                guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
                let at = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + at, n.baseAddress!, n.count) == 0 { return true }
                offset = at + 1
            }
            return false
        }
    }
}
