import Support

/// Plans byte-level edits against a parsed stream, applies them, and proves by re-parsing that nothing but
/// the intended values changed.
public struct YAMLEditor {
    public let stream: YAMLStream
    public private(set) var edits: [ByteEdit] = []
    private var replacements: [Int: String] = [:]
    private var insertions: [Int: [(key: String, value: ExpectedValue)]] = [:]
    private var appended: [Int: [ExpectedValue]] = [:]
    private var removals: [Int: Set<Int>] = [:]
    /// Nodes whose replacement is a plain non-string token on purpose (`forcestring: true`).
    private var tokens: Set<Int> = []

    public init(stream: YAMLStream) { self.stream = stream }

    public var isEmpty: Bool { edits.isEmpty }
    private var bytes: [UInt8] { stream.source.bytes }

    /// Replaces a scalar's value, keeping its quoting style where that reads back as the same string.
    public mutating func setScalar(_ node: YAMLNode, to value: String) throws(Problem) {
        guard node.kind == .scalar else { throw refusal(node, "not a scalar value") }
        if node.value == value { return }
        try checkNotAliased(node)
        let text = ScalarQuoting.render(value, preferring: node.style, inFlow: isInFlow(node))
        try replace(node, with: text)
        replacements[node.id] = value
    }

    /// Replaces a scalar with a plain token that does not read back as a string (`true`), for fields that are
    /// not strings (Argo CD's `forcestring`).
    public mutating func setToken(_ node: YAMLNode, to token: String) throws(Problem) {
        guard node.kind == .scalar, node.tag == nil else { throw refusal(node, "not a plain scalar value") }
        if node.value == token && node.style == .plain { return }
        try checkNotAliased(node)
        try replace(node, with: token)
        replacements[node.id] = token
        tokens.insert(node.id)
    }

    /// Writes `text` over a scalar's value. An empty plain value (`tag:`, `tag:  # note`, `{tag: , …}`) has no bytes
    /// of its own: the text goes right after the `:`, one space apart, and the rest of the line (a comment) stays.
    private mutating func replace(_ node: YAMLNode, with text: String) throws(Problem) {
        if node.style == .plain && node.value.isEmpty && node.valueStart == node.end {
            guard let colon = Self.colon(before: node.valueStart, in: bytes) else {
                throw refusal(node, "cannot edit an empty value in place; give it a value first")
            }
            edits.append(ByteEdit(range: colon + 1..<colon + 1, replacement: Array((" " + text).utf8)))
        } else {
            edits.append(ByteEdit(range: node.valueStart..<node.end, replacement: Array(text.utf8)))
        }
    }

    /// Appends `key: value` to a mapping, in the mapping's own style and indentation.
    /// With `token`, the value is written plain whatever it resolves to (`forcestring: true`).
    public mutating func insertPair(into mapping: YAMLNode, key: String, value: String, token: Bool = false) throws(Problem) {
        guard mapping.kind == .mapping else { throw refusal(mapping, "not a mapping") }
        try checkNotAliased(mapping)
        let rendered = key + ": " + Self.render(value, inFlow: mapping.isFlow, plain: token)
        if mapping.isFlow {
            insertInFlow(mapping, rendered)
        } else {
            try appendToBlockMapping(mapping) { indent, newline in newline + indent + rendered }
        }
        insertions[mapping.id, default: []].append((key, token ? .token(value) : .scalar(value)))
    }

    /// Appends `key:` with a list of mappings of strings, in the mapping's own style: a block list under a
    /// block mapping, `key: [{…}, {…}]` in a flow mapping (`{}` included).
    public mutating func insertListPair(into mapping: YAMLNode, key: String, items: [[(String, String)]]) throws(Problem) {
        guard mapping.kind == .mapping, !items.isEmpty else { throw refusal(mapping, "not a mapping") }
        try checkNotAliased(mapping)
        if mapping.isFlow {
            insertInFlow(mapping, key + ": [" + items.map { renderFlowItem($0) }.joined(separator: ", ") + "]")
        } else {
            try appendToBlockMapping(mapping) { indent, newline in
                items.reduce(newline + indent + key + ":") { $0 + Self.renderBlockItem($1, indent: indent, newline: newline) }
            }
        }
        insertions[mapping.id, default: []].append((key, .sequence(items.map { .mapping($0.map { ($0.0, .scalar($0.1)) }) })))
    }

    /// Inserts `text(indent, newline)` after the line of a block mapping's last entry: `indent` is its keys'
    /// indentation, `newline` the line ending used there.
    private mutating func appendToBlockMapping(_ mapping: YAMLNode, _ text: (_ indent: String, _ newline: String) -> String) throws(Problem) {
        guard let firstKey = mapping.children.first, let last = mapping.children.last else {
            throw refusal(mapping, "empty block mapping")
        }
        let at = lineEnd(after: last.end)
        let indent = String(repeating: " ", count: firstKey.column - 1)
        let newline = stream.source.usesCRLF(near: last.end) ? "\r\n" : "\n"
        edits.append(ByteEdit(range: at..<at, replacement: Array(text(indent, newline).utf8)))
    }

    /// Appends a `- key: value…` item to a sequence (block, or flow including `[]`); the values of `plainKeys` are
    /// written as plain tokens (`forcestring: true`).
    public mutating func appendItem(to sequence: YAMLNode, pairs: [(String, String)], plainKeys: Set<String> = []) throws(Problem) {
        guard sequence.kind == .sequence, sequence.isFlow || !sequence.children.isEmpty else {
            throw refusal(sequence, "not a sequence that can take an item")
        }
        try checkNotAliased(sequence)
        if sequence.isFlow {
            if let last = sequence.children.last {
                edits.append(ByteEdit(range: last.end..<last.end, replacement: Array((", " + renderFlowItem(pairs, plainKeys)).utf8)))
            } else {
                let bracket = sequence.valueStart + 1
                edits.append(ByteEdit(range: bracket..<bracket, replacement: Array(renderFlowItem(pairs, plainKeys).utf8)))
            }
        } else {
            let last = sequence.children[sequence.children.count - 1]
            let at = lineEnd(after: last.end)
            let nl = stream.source.usesCRLF(near: last.end) ? "\r\n" : "\n"
            let indent = String(repeating: " ", count: max(0, sequence.column - 1))
            edits.append(ByteEdit(range: at..<at, replacement: Array(Self.renderBlockItem(pairs, indent: indent, newline: nl, plainKeys: plainKeys).utf8)))
        }
        appended[sequence.id, default: []].append(.mapping(pairs.map { ($0.0, plainKeys.contains($0.0) ? .token($0.1) : .scalar($0.1)) }))
    }

    private func renderFlowItem(_ pairs: [(String, String)], _ plainKeys: Set<String> = []) -> String {
        "{" + pairs.map { $0.0 + ": " + Self.render($0.1, inFlow: true, plain: plainKeys.contains($0.0)) }.joined(separator: ", ") + "}"
    }

    private static func render(_ value: String, inFlow: Bool, plain: Bool) -> String {
        plain ? value : ScalarQuoting.render(value, preferring: .plain, inFlow: inFlow)
    }

    /// `{a: b}` → `{a: b, text}`; `{}` → `{text}`
    private mutating func insertInFlow(_ mapping: YAMLNode, _ text: String) {
        if let last = mapping.children.last {
            edits.append(ByteEdit(range: last.end..<last.end, replacement: Array((", " + text).utf8)))
        } else {
            let brace = mapping.valueStart + 1
            edits.append(ByteEdit(range: brace..<brace, replacement: Array(text.utf8)))
        }
    }

    private static func renderBlockItem(_ pairs: [(String, String)], indent: String, newline: String, plainKeys: Set<String> = []) -> String {
        var text = ""
        for (i, (k, v)) in pairs.enumerated() {
            text += newline + indent + (i == 0 ? "- " : "  ") + k + ": " + render(v, inFlow: false, plain: plainKeys.contains(k))
        }
        return text
    }

    /// Removes a `key: value` pair from a mapping, together with the rest of its line(s).
    public mutating func removePair(from mapping: YAMLNode, key: YAMLNode) throws(Problem) {
        let pairs = mapping.pairs
        guard let i = pairs.firstIndex(where: { $0.key === key }) else { throw refusal(key, "key not in mapping") }
        guard pairs.count > 1 else { throw refusal(key, "cannot remove the only key of a mapping") }
        try checkNotAliased(mapping)
        let value = pairs[i].value
        let range: Range<Int>
        if mapping.isFlow {
            range = i > 0 ? pairs[i - 1].value.end..<value.end : key.start..<pairs[i + 1].key.start
        } else if i + 1 < pairs.count {
            let ls = lineStart(of: key.start)
            if bytes[ls..<key.start].allSatisfy({ $0 == 0x20 }) {
                range = ls..<nextLineStart(after: value.end)
            } else { // first key after `- `: keep the dash, pull the next key up
                range = key.start..<pairs[i + 1].key.start
            }
        } else {
            range = lineEnd(after: pairs[i - 1].value.end)..<lineEnd(after: value.end)
        }
        edits.append(ByteEdit(range: range, replacement: []))
        removals[mapping.id, default: []].insert(key.id)
    }

    /// The edited bytes, after proving that re-parsing them gives the original trees with only the intended
    /// changes. Throws when the proof fails; nothing is written by this type.
    public func apply() throws -> [UInt8] {
        if edits.isEmpty { return bytes }
        let out = try ByteSplice.apply(edits, to: bytes)
        if insertions.isEmpty && removals.isEmpty && appended.isEmpty {
            // value replacements only (the common case): compare events as they stream, no second tree
            try StreamVerifier(original: stream, replacements: replacements, tokens: tokens).verify(out)
            // same structure as the original, so the same keys
            try Self.refuseDuplicateKeys(stream)
            return out
        }
        let reparsed: YAMLStream
        do {
            reparsed = try YAMLParser.parse(out)
        } catch {
            throw Problem(message: "the edited file does not parse (\(error)); nothing written")
        }
        try verify(reparsed)
        try Self.refuseDuplicateKeys(reparsed)
        return out
    }

    /// A result with a repeated key means different things to different loaders: never written.
    private static func refuseDuplicateKeys(_ s: YAMLStream) throws(Problem) {
        guard let (a, b) = s.firstDuplicateKey() else { return }
        throw Problem(line: b.line, column: b.column,
                      message: "the key '\(CQuoting.escapingControls(a.value))' is repeated in one mapping (\(a.line):\(a.column) and \(b.line):\(b.column)); loaders disagree on which one counts; refusing to write")
    }

    private func verify(_ new: YAMLStream) throws(Problem) {
        guard new.documents.count == stream.documents.count else {
            throw Problem(message: "the edit changed the number of documents; nothing written")
        }
        for (a, b) in zip(stream.documents, new.documents) {
            switch (a, b) {
            case (nil, nil): continue
            case let (a?, b?): try compare(a, b)
            default: throw Problem(message: "the edit emptied or filled a document; nothing written")
            }
        }
    }

    private func compare(_ old: YAMLNode, _ new: YAMLNode) throws(Problem) {
        func fail(_ what: String) -> Problem {
            Problem(message: "re-reading the edit at line \(old.line) found \(what); refusing to write")
        }
        guard old.kind == new.kind, old.tag == new.tag, old.anchor == new.anchor else { throw fail("a different node") }
        switch old.kind {
        case .scalar:
            if let problem = Self.scalarProblem(old, value: new.value, style: new.style, replacement: replacements[old.id],
                                                token: tokens.contains(old.id)) {
                throw fail(problem)
            }
        case .alias:
            guard new.value == old.value else { throw fail("a changed alias") }
        case .sequence:
            let added = appended[old.id] ?? []
            guard old.children.count + added.count == new.children.count else { throw fail("a changed sequence") }
            for (a, b) in zip(old.children, new.children) { try compare(a, b) }
            for (want, got) in zip(added, new.children.dropFirst(old.children.count)) where !want.matches(got) {
                throw fail("an added item that does not read back as intended")
            }
        case .mapping:
            let removed = removals[old.id] ?? []
            let kept = old.pairs.filter { !removed.contains($0.key.id) }
            let added = insertions[old.id] ?? []
            let newPairs = new.pairs
            guard newPairs.count == kept.count + added.count else { throw fail("a changed number of keys") }
            for (a, b) in zip(kept, newPairs) {
                try compare(a.key, b.key)
                try compare(a.value, b.value)
            }
            for (want, got) in zip(added, newPairs.dropFirst(kept.count)) {
                guard got.key.kind == .scalar, got.key.value == want.key, want.value.matches(got.value) else {
                    throw fail("an inserted key '\(CQuoting.escapingControls(want.key))' that does not read back as intended")
                }
            }
        }
    }

    /// What is wrong with a re-read scalar (value and style) compared with the original and the intended
    /// replacement, or nil when it is as intended. Shared by the tree and the streaming verification.
    static func scalarProblem(_ old: YAMLNode, value: String, style: YAMLNode.ScalarStyle, replacement: String?, token: Bool = false) -> String? {
        if let expected = replacement {
            if value != expected { return "value '\(CQuoting.escapingControls(value))' instead of '\(CQuoting.escapingControls(expected))'" }
            if token { return style == .plain ? nil : "a quoted value where a plain token was intended" }
            if old.isStringLike && style == .plain && ScalarQuoting.resolvesToNonString(value) {
                return "a value that would not read back as a string"
            }
            return nil
        }
        return value == old.value && style == old.style ? nil : "an unintended change"
    }

    /// An anchored node (or one inside an anchored collection) that some alias refers to would change
    /// at every alias too: refuse.
    private func checkNotAliased(_ node: YAMLNode) throws(Problem) {
        for n in node.ancestry where n.anchor != nil {
            if let uses = stream.aliasCounts[n.id], uses > 0 {
                throw refusal(node, "value is part of anchor &\(n.anchor!) which \(uses) alias\(uses == 1 ? "" : "es") refer\(uses == 1 ? "s" : "") to; editing it would change those too")
            }
        }
    }

    /// The `:` an empty value stands after (libyaml places it there, or at the next `,`/`}` in a flow mapping).
    static func colon(before offset: Int, in bytes: [UInt8]) -> Int? {
        var i = offset
        while i > 0 && (bytes[i - 1] == 0x20 || bytes[i - 1] == 0x09) { i -= 1 }
        return i > 0 && bytes[i - 1] == UInt8(ascii: ":") ? i - 1 : nil
    }

    private func isInFlow(_ node: YAMLNode) -> Bool {
        node.parent.map { $0.isFlow } ?? false
    }

    private func refusal(_ node: YAMLNode, _ message: String) -> Problem {
        Problem(line: node.line, column: node.column, message: message)
    }

    /// Offset of the line break (or end of file) ending the line that contains `offset - 1`.
    private func lineEnd(after offset: Int) -> Int {
        var i = offset
        while i < bytes.count && bytes[i] != 0x0A { i += 1 }
        if i > offset && i <= bytes.count && i > 0 && bytes[i - 1] == 0x0D && i < bytes.count { return i - 1 }
        return i
    }

    /// Offset just past the line break that ends the line containing `offset` (or end of file).
    private func nextLineStart(after offset: Int) -> Int {
        var i = offset
        while i < bytes.count && bytes[i] != 0x0A { i += 1 }
        return min(i + 1, bytes.count)
    }

    private func lineStart(of offset: Int) -> Int {
        var i = offset
        while i > 0 && bytes[i - 1] != 0x0A { i -= 1 }
        return i
    }
}

/// What an inserted node must read back as: strings only, never re-typed.
enum ExpectedValue {
    case scalar(String)
    /// A plain scalar written as is (`true`): not a string, on purpose.
    case token(String)
    case mapping([(String, ExpectedValue)])
    case sequence([ExpectedValue])

    func matches(_ node: YAMLNode) -> Bool {
        guard node.tag == nil, node.anchor == nil else { return false }
        switch self {
        case .scalar(let v):
            return node.kind == .scalar && node.value == v && !(node.style == .plain && ScalarQuoting.resolvesToNonString(v))
        case .token(let v):
            return node.kind == .scalar && node.value == v && node.style == .plain
        case .mapping(let pairs):
            let got = node.pairs
            return node.kind == .mapping && got.count == pairs.count
                && zip(pairs, got).allSatisfy { $0.1.key.kind == .scalar && $0.1.key.value == $0.0.0 && $0.0.1.matches($0.1.value) }
        case .sequence(let items):
            return node.kind == .sequence && node.children.count == items.count && zip(items, node.children).allSatisfy { $0.matches($1) }
        }
    }
}
