/// Repeated mapping keys. YAML forbids them, but loaders disagree on what they mean (PyYAML and kubectl keep
/// the last, a first-match edit would change the first), so an edit must never touch or produce one.
extension YAMLNode {
    /// The first key of this mapping that occurs again, with its repetition. Scalar keys are compared as a
    /// loader would: by tag and value, a plain key that reads as a non-string (`1`, `true`) differing from a
    /// quoted one. Merge keys (`<<`) are left out.
    public var firstDuplicateKey: (first: YAMLNode, second: YAMLNode)? {
        guard kind == .mapping, children.count > 2 else { return nil }
        func candidate(_ k: YAMLNode) -> Bool { k.kind == .scalar && !(k.style == .plain && k.value == "<<") }
        if children.count <= 24 { // small mappings (nearly all): compare pairwise, no allocation
            for i in stride(from: 2, to: children.count - 1, by: 2) where candidate(children[i]) {
                for j in stride(from: 0, to: i, by: 2) where children[j].value == children[i].value && candidate(children[j])
                    && Self.sameKey(children[j], children[i]) {
                    return (children[j], children[i])
                }
            }
            return nil
        }
        // by value (tag and typing only decide between equal values, which are rare)
        var seen: [String: YAMLNode] = [:]
        var sameValueOtherType: [YAMLNode] = []
        var i = 0
        while i + 1 < children.count {
            let key = children[i]
            i += 2
            guard candidate(key) else { continue }
            guard let earlier = seen[key.value] else { seen[key.value] = key; continue }
            if Self.sameKey(earlier, key) { return (earlier, key) }
            if let first = sameValueOtherType.first(where: { $0.value == key.value && Self.sameKey($0, key) }) { return (first, key) }
            sameValueOtherType.append(key)
        }
        return nil
    }

    private static func sameKey(_ a: YAMLNode, _ b: YAMLNode) -> Bool {
        func typed(_ n: YAMLNode) -> Bool { n.style == .plain && ScalarQuoting.resolvesToNonString(n.value) }
        return a.tag == b.tag && typed(a) == typed(b)
    }
}

extension YAMLStream {
    /// The first mapping anywhere in the stream that repeats a key.
    public func firstDuplicateKey() -> (first: YAMLNode, second: YAMLNode)? {
        for root in documents.compactMap({ $0 }) {
            var stack: [YAMLNode] = [root]
            while let n = stack.popLast() {
                if let dup = n.firstDuplicateKey { return dup }
                stack.append(contentsOf: n.children)
            }
        }
        return nil
    }
}
