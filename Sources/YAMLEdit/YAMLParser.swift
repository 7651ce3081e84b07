import Support
import CYAML

/// Parses YAML with libyaml's event API into `YAMLNode` trees that carry byte ranges.
/// Aliases are kept as alias nodes (never expanded), so an alias bomb costs one node per alias.
public enum YAMLParser {
    /// Deeper nesting than this is refused rather than risking the stack of later tree walks.
    public static let maxDepth = 1000

    public static func parse(_ bytes: [UInt8]) throws(Problem) -> YAMLStream {
        let source = YAMLSource(bytes: bytes)
        if let wide = WideEncoding(detecting: bytes) { throw Problem(line: 1, column: 1, message: wide.message) }
        try source.validateUTF8()
        var builder = TreeBuilder(source: source)
        try events(of: source) { (event: yaml_event_t) throws(Problem) in try builder.handle(event) }
        return builder.finish()
    }

    /// Runs libyaml over `source` and hands every event (stream end included) to `handle`.
    static func events(of source: YAMLSource, _ handle: (yaml_event_t) throws(Problem) -> Void) throws(Problem) {
        let bytes = source.bytes
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw Problem(line: 1, column: 1, message: "libyaml could not initialise (out of memory)")
        }
        defer { yaml_parser_delete(&parser) }
        var failure: Problem?
        bytes.withUnsafeBufferPointer { buf in
            // An empty array may have no base address; libyaml needs a valid pointer either way.
            let empty: [UInt8] = [0]
            empty.withUnsafeBufferPointer { emptyBuf in
                // The BOM is skipped here: with an explicit encoding libyaml would read it as content.
                let bom = source.bomLength
                let base = buf.baseAddress.map { $0 + bom } ?? emptyBuf.baseAddress!
                yaml_parser_set_input_string(&parser, base, buf.count - bom)
                yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
                var event = yaml_event_t()
                while true {
                    guard yaml_parser_parse(&parser, &event) == 1 else {
                        failure = parserError(parser, source: source)
                        return
                    }
                    let type = event.type
                    do throws(Problem) {
                        try handle(event)
                    } catch {
                        failure = error
                        yaml_event_delete(&event)
                        return
                    }
                    yaml_event_delete(&event)
                    if type == YAML_STREAM_END_EVENT { return }
                }
            }
        }
        if let failure { throw failure }
    }

    /// libyaml's error as one message at one place. Its context mark is where the token or collection being read
    /// starts (an unclosed quote, a flow sequence's `[`): the message names it, and when the problem is only that
    /// the input ended, the error is placed there instead of at the end of the file.
    private static func parserError(_ parser: yaml_parser_t, source: YAMLSource) -> Problem {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        if parser.error == YAML_READER_ERROR {
            // Reader errors carry a byte offset, not a mark.
            let (l, c) = source.lineColumn(of: min(parser.problem_offset + source.bomLength, source.bytes.count))
            return Problem(line: l, column: c, message: problem)
        }
        let at = (line: parser.problem_mark.line + 1, column: parser.problem_mark.column + 1)
        guard let ctx = parser.context.map({ String(cString: $0) }) else {
            return Problem(line: at.line, column: at.column, message: problem)
        }
        let start = (line: parser.context_mark.line + 1, column: parser.context_mark.column + 1)
        let unset = parser.problem_mark.line == 0 && parser.problem_mark.column == 0 && parser.problem_mark.index == 0
        if unset || start == at { return Problem(line: start.line, column: start.column, message: "\(problem) \(ctx)") }
        if parser.problem_mark.index + source.bomLength >= source.bytes.count {
            return Problem(line: start.line, column: start.column,
                             message: "\(problem) (at line \(at.line), column \(at.column), the end of the file) \(ctx) that starts here")
        }
        return Problem(line: at.line, column: at.column, message: "\(problem) \(ctx) that starts at line \(start.line), column \(start.column)")
    }
}

/// Builds nodes from events, keeping a stack instead of recursing.
struct TreeBuilder {
    let source: YAMLSource
    var converter: MarkConverter
    var documents: [YAMLNode?] = []
    var stack: [YAMLNode] = []
    var currentRoot: YAMLNode?
    var nextID = 0
    var anchors: [String: YAMLNode] = [:]
    var aliasCounts: [Int: Int] = [:]
    var inDocument = false

    init(source: YAMLSource) {
        self.source = source
        self.converter = MarkConverter(source: source)
    }

    mutating func handle(_ event: yaml_event_t) throws(Problem) {
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            inDocument = true
            currentRoot = nil
            anchors = [:] // anchors are scoped to a document
        case YAML_DOCUMENT_END_EVENT:
            documents.append(currentRoot)
            inDocument = false
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let value = string(s.value, s.length)
            let style = YAMLNode.ScalarStyle(s.style)
            let node = makeNode(.scalar, value: value, style: style, tag: cstr(s.tag), anchor: cstr(s.anchor), flow: false, event: event)
            if style == .literal || style == .folded { trimBlockScalarEnd(node) }
            try attach(node)
        case YAML_ALIAS_EVENT:
            let name = cstr(event.data.alias.anchor) ?? ""
            let node = makeNode(.alias, value: name, style: .plain, tag: nil, anchor: nil, flow: false, event: event)
            guard let target = anchors[name] else {
                throw Problem(line: node.line, column: node.column, message: "alias *\(name) refers to an undefined anchor")
            }
            aliasCounts[target.id, default: 0] += 1
            node.aliasTarget = target
            try attach(node)
        case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
            let isMap = event.type == YAML_MAPPING_START_EVENT
            let flow = isMap ? event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                             : event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
            let tag = isMap ? cstr(event.data.mapping_start.tag) : cstr(event.data.sequence_start.tag)
            let anchor = isMap ? cstr(event.data.mapping_start.anchor) : cstr(event.data.sequence_start.anchor)
            let node = makeNode(isMap ? .mapping : .sequence, value: "", style: .plain, tag: tag, anchor: anchor, flow: flow, event: event)
            try attach(node)
            guard stack.count < YAMLParser.maxDepth else {
                throw Problem(line: node.line, column: node.column, message: "nesting deeper than \(YAMLParser.maxDepth) levels")
            }
            stack.append(node)
        case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
            guard let node = stack.popLast() else { return }
            if node.isFlow {
                node.end = converter.byteOffset(ofCodePoint: event.end_mark.index)
            } else if let last = node.children.last {
                node.end = last.end
            }
        default:
            break
        }
    }

    private mutating func makeNode(_ kind: YAMLNode.Kind, value: String, style: YAMLNode.ScalarStyle, tag: String?, anchor: String?,
                                   flow: Bool, event: yaml_event_t) -> YAMLNode {
        let start = converter.byteOffset(ofCodePoint: event.start_mark.index)
        let end = converter.byteOffset(ofCodePoint: event.end_mark.index)
        let node = YAMLNode(kind: kind, value: value, style: style, tag: tag, anchor: anchor, isFlow: flow,
                            start: start, end: max(start, end), line: event.start_mark.line + 1, column: event.start_mark.column + 1)
        node.id = nextID
        nextID += 1
        if anchor != nil || tag != nil, kind != .alias {
            node.valueStart = skipProperties(from: start, limit: node.end)
            if node.valueStart != start {
                // advance the start mark over the properties (scanning from the top of the file would be quadratic)
                var line = node.line, column = node.column
                for b in source.bytes[start..<node.valueStart] {
                    if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
                }
                node.line = line; node.column = column
            }
        }
        if let anchor { anchors[anchor] = node }
        return node
    }

    private mutating func attach(_ node: YAMLNode) throws(Problem) {
        if let parent = stack.last {
            node.parent = parent
            node.indexInParent = parent.children.count
            parent.children.append(node)
        } else {
            currentRoot = node
        }
    }

    /// Skips `&anchor`, `!tag`, `!<uri>` and the blanks, line breaks and comments between them.
    private func skipProperties(from start: Int, limit: Int) -> Int {
        let b = source.bytes
        var i = start
        while i < limit {
            let c = b[i]
            if c == UInt8(ascii: "&") || c == UInt8(ascii: "!") {
                if c == UInt8(ascii: "!") && i + 1 < limit && b[i + 1] == UInt8(ascii: "<") {
                    while i < limit && b[i] != UInt8(ascii: ">") { i += 1 }
                    i += 1
                } else {
                    while i < limit && !isBlankOrBreak(b[i]) && !isFlowIndicator(b[i]) { i += 1 }
                }
                // blanks, breaks and comments up to the next token
                while i < limit {
                    if isBlankOrBreak(b[i]) { i += 1 }
                    else if b[i] == UInt8(ascii: "#") { while i < limit && b[i] != 0x0A { i += 1 } }
                    else { break }
                }
            } else {
                break
            }
        }
        return min(i, limit)
    }

    /// libyaml ends a block scalar after its trailing line breaks; the value's own bytes end at its last
    /// non-blank character.
    private func trimBlockScalarEnd(_ node: YAMLNode) {
        let b = source.bytes
        var e = node.end
        while e > node.valueStart + 1 && isBlankOrBreak(b[e - 1]) { e -= 1 }
        node.end = e
    }

    mutating func finish() -> YAMLStream {
        YAMLStream(source: source, documents: documents, aliasCounts: aliasCounts)
    }

    private func string(_ p: UnsafeMutablePointer<yaml_char_t>?, _ n: Int) -> String {
        guard let p else { return "" }
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    private func cstr(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }
}

extension YAMLNode.ScalarStyle {
    init(_ style: yaml_scalar_style_t) {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: self = .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: self = .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: self = .literal
        case YAML_FOLDED_SCALAR_STYLE: self = .folded
        default: self = .plain
        }
    }
}

@inline(__always) func isBlankOrBreak(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
@inline(__always) func isFlowIndicator(_ c: UInt8) -> Bool {
    c == UInt8(ascii: ",") || c == UInt8(ascii: "[") || c == UInt8(ascii: "]") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}")
}
