import YAMLEdit
import Support

/// The result of planning one file: its new bytes (verified) and what changed.
public struct FilePlan: Sendable {
    public let file: String
    public let original: [UInt8]
    public let updated: [UInt8]
    /// Values that change.
    public let changes: [PlannedChange]
    /// Indices into the planner's specs that matched something in this file (changed or already up to date).
    public let matchedSpecs: Set<Int>
    /// Every image name the rules found in this file (as written), for "did you mean" when a spec matches nothing.
    public let imageNames: Set<String>
    public let changed: Bool

    init(file: String, original: [UInt8], updated: [UInt8], changes: [PlannedChange], matchedSpecs: Set<Int>, imageNames: Set<String>) {
        self.file = file; self.original = original; self.updated = updated; self.changes = changes
        self.matchedSpecs = matchedSpecs; self.imageNames = imageNames; self.changed = updated != original
    }

    private init(_ p: FilePlan, contents: Bool) {
        file = p.file; original = []; updated = []; changes = p.changes; matchedSpecs = p.matchedSpecs
        imageNames = p.imageNames; changed = p.changed
    }

    /// Only what changed, without any file contents.
    public func droppingContents() -> FilePlan { FilePlan(self, contents: false) }
}

/// Finds every image reference the specs address in a YAML file and plans a byte-exact edit.
public struct ImagePlanner: Sendable {
    public let specs: [ImageSpec]

    public init(specs: [ImageSpec]) { self.specs = specs }

    /// - Parameters:
    ///   - file: path used in messages and to recognise `kustomization.yaml`.
    ///   - add: append a kustomize `images:` entry for specs that match nothing in this kustomization.
    ///   - addable: the specs (indices) that may be appended here; nil: every one.
    public func plan(file: String, bytes: [UInt8], add: Bool = false, addable: Set<Int>? = nil) throws(Problem) -> FilePlan {
        let stream = try parse(file: file, bytes: bytes)
        var writer = SiteWriter(editor: YAMLEditor(stream: stream), file: file, bytes: bytes)
        var changes: [PlannedChange] = []
        var matched = Set<Int>()
        var names = Set<String>()
        var kustomization: (host: YAMLNode, lists: [YAMLNode])?
        do {
            for root in stream.documents.compactMap({ $0 }) {
                guard let document = DocumentScan(file: file, bytes: bytes, root: root) else { continue }
                if add, kustomization == nil, let k = KustomizeImagesRule.images(in: document), k.addable { kustomization = (k.host, k.lists) }
                for site in ImageRules.sites(in: document) {
                    for s in site.selectors { names.insert(s.written) }
                    guard let i = specs.firstIndex(where: { spec in site.selectors.contains { $0.normalized == spec.name.normalized } }) else {
                        continue
                    }
                    for (m, keys) in site.uniqueKeys {
                        if let dup = duplicateKey(in: m, among: keys) { throw dup.error(file: file) }
                    }
                    matched.insert(i)
                    let new = try writer.write(specs[i], to: site)
                    let old = site.current.description, now = new.description
                    if old != now {
                        changes.append(PlannedChange(file: file, line: site.line, kind: site.kind, image: specs[i].name.written, old: old, new: now))
                    }
                }
            }
            if add, let kustomization {
                let missing = specs.indices.filter { !matched.contains($0) && addable?.contains($0) != false }
                changes += try AddKustomizeEntry.add(missing.map { specs[$0] }, to: kustomization, file: file, editor: &writer.editor)
                matched.formUnion(missing)
            }
        } catch let p as Problem {
            throw p.file == nil ? p.located(in: file) : p // the editor's refusals know only their line and column
        } catch {
            throw Problem(file: file, message: "\(error)")
        }
        let updated: [UInt8]
        do { updated = try writer.editor.apply() } catch let p as Problem {
            throw p.located(in: file)
        } catch {
            throw Problem(file: file, message: "\(error)")
        }
        return FilePlan(file: file, original: bytes, updated: updated, changes: changes, matchedSpecs: matched, imageNames: names)
    }
}

func parse(file: String, bytes: [UInt8]) throws(Problem) -> YAMLStream {
    do { return try YAMLParser.parse(bytes) } catch { throw error.located(in: file) }
}
