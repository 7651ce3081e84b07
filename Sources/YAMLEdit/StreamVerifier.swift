import Support
import CYAML

/// Verifies an edit that only replaced scalar values, without building a second tree: the new bytes' libyaml
/// events are compared one by one with the original tree in document order. (Edits that insert or remove
/// keys are verified by `YAMLEditor`'s tree comparison instead.)
struct StreamVerifier {
    enum Expected { case documentStart, documentEnd, node(YAMLNode), end(YAMLNode) }

    let original: YAMLStream
    let replacements: [Int: String]
    /// Replacements written as plain tokens on purpose (see `YAMLEditor.setToken`).
    var tokens: Set<Int> = []

    /// The original stream as the sequence of events libyaml produced for it.
    private func expectedEvents() -> [Expected] {
        var out: [Expected] = []
        for root in original.documents {
            out.append(.documentStart)
            if let root {
                var stack: [(YAMLNode, Bool)] = [(root, false)]
                while let (n, closing) = stack.popLast() {
                    if closing { out.append(.end(n)); continue }
                    out.append(.node(n))
                    if n.kind == .mapping || n.kind == .sequence {
                        stack.append((n, true))
                        for c in n.children.reversed() { stack.append((c, false)) }
                    }
                }
            }
            out.append(.documentEnd)
        }
        return out
    }

    func verify(_ bytes: [UInt8]) throws(Problem) {
        let expected = expectedEvents()
        var i = 0
        var mismatch: String?
        func fail(_ what: String, _ n: YAMLNode?) -> Problem {
            mismatch = n.map { "re-reading the edit at line \($0.line) found \(what); refusing to write" }
                ?? "re-reading the edit found \(what); refusing to write"
            return Problem(line: 0, column: 0, message: "")
        }
        do {
            try YAMLParser.events(of: YAMLSource(bytes: bytes)) { (e: yaml_event_t) throws(Problem) in
                switch e.type {
                case YAML_STREAM_START_EVENT, YAML_STREAM_END_EVENT:
                    return
                default:
                    break
                }
                guard i < expected.count else { throw fail("more content than before", nil) }
                let want = expected[i]
                i += 1
                switch (e.type, want) {
                case (YAML_DOCUMENT_START_EVENT, .documentStart), (YAML_DOCUMENT_END_EVENT, .documentEnd):
                    return
                case (YAML_SCALAR_EVENT, .node(let n)) where n.kind == .scalar:
                    let s = e.data.scalar
                    guard cstr(s.tag) == n.tag, cstr(s.anchor) == n.anchor else { throw fail("a different node", n) }
                    let value = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                    if let problem = YAMLEditor.scalarProblem(n, value: value, style: YAMLNode.ScalarStyle(s.style),
                                                              replacement: replacements[n.id], token: tokens.contains(n.id)) {
                        throw fail(problem, n)
                    }
                case (YAML_ALIAS_EVENT, .node(let n)) where n.kind == .alias:
                    guard cstr(e.data.alias.anchor) == n.value else { throw fail("a changed alias", n) }
                case (YAML_MAPPING_START_EVENT, .node(let n)) where n.kind == .mapping:
                    guard cstr(e.data.mapping_start.tag) == n.tag, cstr(e.data.mapping_start.anchor) == n.anchor else {
                        throw fail("a different mapping", n)
                    }
                case (YAML_SEQUENCE_START_EVENT, .node(let n)) where n.kind == .sequence:
                    guard cstr(e.data.sequence_start.tag) == n.tag, cstr(e.data.sequence_start.anchor) == n.anchor else {
                        throw fail("a different sequence", n)
                    }
                case (YAML_MAPPING_END_EVENT, .end(let n)) where n.kind == .mapping,
                     (YAML_SEQUENCE_END_EVENT, .end(let n)) where n.kind == .sequence:
                    return
                default:
                    if case .node(let n) = want { throw fail("a different structure", n) }
                    if case .end(let n) = want { throw fail("a different structure", n) }
                    throw fail("a different number of documents", nil)
                }
            }
        } catch {
            if let mismatch { throw Problem(message: mismatch) }
            throw Problem(message: "the edited file does not parse (\(error)); nothing written")
        }
        guard i == expected.count else {
            throw Problem(message: "re-reading the edit found less content than before; refusing to write")
        }
    }

    private func cstr(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? { p.map { String(cString: $0) } }
}
