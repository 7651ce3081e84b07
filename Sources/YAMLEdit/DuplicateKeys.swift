/// Repeated mapping keys. YAML forbids them, but loaders disagree on what they mean (PyYAML and kubectl keep
/// the last, a first-match edit would change the first), so an edit must never touch or produce one.
extension YAMLNode {
    /// The first key of this mapping that occurs again, with its repetition. Scalar keys are compared as a
    /// loader would: by tag and value, a plain key that reads as a non-string (`1`, `true`) differing from a
    /// quoted one. Merge keys (`<<`) are left out.
    public var firstDuplicateKey: (first: YAMLNode, second: YAMLNode)? {
        guard kind == .mapping, children.count > 2 else { return nil }
        var seen: [String: YAMLNode] = [:]
        var i = 0
        while i + 1 < children.count {
            let key = children[i]
            i += 2
            guard key.kind == .scalar, !(key.style == .plain && key.value == "<<") else { continue }
            let typed = key.style == .plain && ScalarQuoting.resolvesToNonString(key.value)
            let identity = (key.tag ?? "") + (typed ? "\u{1}" : "\u{2}") + key.value
            if let first = seen[identity] { return (first, key) }
            seen[identity] = key
        }
        return nil
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
