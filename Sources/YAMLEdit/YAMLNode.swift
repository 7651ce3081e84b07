/// A node of a parsed YAML document with the exact byte ranges it came from.
public final class YAMLNode {
    public enum Kind: Equatable, Sendable { case scalar, mapping, sequence, alias }
    public enum ScalarStyle: Equatable, Sendable { case plain, singleQuoted, doubleQuoted, literal, folded }

    public let kind: Kind
    /// Scalar value (decoded), or the alias name for `.alias`.
    public let value: String
    public let style: ScalarStyle
    public let tag: String?
    public let anchor: String?
    /// Flow collection (`{}` / `[]`) rather than block.
    public let isFlow: Bool
    /// Byte range of the node including its properties (anchor, tag).
    public internal(set) var start: Int
    public internal(set) var end: Int
    /// Byte offset where the value itself starts (after `&anchor` / `!tag`).
    public internal(set) var valueStart: Int
    /// 1-based line and column of `valueStart`.
    public internal(set) var line: Int
    public internal(set) var column: Int
    /// Mapping: key, value, key, value…; sequence: items.
    public internal(set) var children: [YAMLNode] = []
    // unowned(unsafe): a node never outlives its stream (which owns every node through the roots), and weak
    // references made parsing twice as slow through side-table refcounting.
    public internal(set) unowned(unsafe) var parent: YAMLNode?
    /// For an alias, the anchored node it refers to (same lifetime rule as `parent`).
    public internal(set) unowned(unsafe) var aliasTarget: YAMLNode?
    /// Pre-order index within its stream, stable between two parses of the same bytes.
    public internal(set) var id: Int = 0

    init(kind: Kind, value: String = "", style: ScalarStyle = .plain, tag: String?, anchor: String?, isFlow: Bool = false,
         start: Int, end: Int, line: Int, column: Int) {
        self.kind = kind; self.value = value; self.style = style; self.tag = tag; self.anchor = anchor; self.isFlow = isFlow
        self.start = start; self.end = end; self.valueStart = start; self.line = line; self.column = column
    }

    /// Key/value pairs of a mapping.
    public var pairs: [(key: YAMLNode, value: YAMLNode)] {
        guard kind == .mapping else { return [] }
        return stride(from: 0, to: children.count - 1, by: 2).map { (children[$0], children[$0 + 1]) }
    }

    /// The value of a plain string key in a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard kind == .mapping else { return nil }
        var i = 0
        while i + 1 < children.count {
            if children[i].kind == .scalar && children[i].value == key { return children[i + 1] }
            i += 2
        }
        return nil
    }

    /// Position among the parent's children (set while parsing).
    public internal(set) var indexInParent = 0

    /// A mapping key (as opposed to a value or a sequence item).
    public var isMappingKey: Bool { parent?.kind == .mapping && indexInParent % 2 == 0 }

    /// The key node under which this node is a mapping value, if any.
    public var keyInParent: YAMLNode? {
        guard let parent, parent.kind == .mapping, indexInParent % 2 == 1 else { return nil }
        return parent.children[indexInParent - 1]
    }

    /// A scalar whose tag (if any) leaves it a string: `!!str`, `!` (non-specific) or none.
    public var isStringLike: Bool {
        kind == .scalar && (tag == nil || tag == "!" || tag == "tag:yaml.org,2002:str")
    }

    /// Nodes of the subtree in pre-order.
    public func walk(_ visit: (YAMLNode) -> Void) {
        var stack: [YAMLNode] = [self]
        while let n = stack.popLast() {
            visit(n)
            stack.append(contentsOf: n.children.reversed())
        }
    }

    /// Self and all ancestors.
    public var ancestry: [YAMLNode] {
        var out: [YAMLNode] = []
        var n: YAMLNode? = self
        while let x = n { out.append(x); n = x.parent }
        return out
    }
}

/// All documents of a YAML stream, with the source bytes they index into.
public struct YAMLStream {
    public let source: YAMLSource
    /// Root node of each document (nil for an empty document).
    public let documents: [YAMLNode?]
    /// Number of alias references per anchor name, with the anchor's definition order resolved as YAML does
    /// (a redefined anchor: the count is per definition id).
    public let aliasCounts: [Int: Int]
}
