import Support
import YAMLEdit

/// A key written twice in a mapping that holds (or would hold) an image value: kubectl and PyYAML use the
/// last, an edit of the first would not take effect. Refused, naming both places.
struct DuplicateKey {
    let first: YAMLNode, second: YAMLNode

    func error(file: String) -> Problem {
        Problem(file: file, line: second.line, column: second.column,
                  message: "the key '\(CQuoting.escapingControls(first.value))' is repeated (lines \(first.line):\(first.column) and \(second.line):\(second.column)); loaders keep only one of them, so nothing is edited: remove one")
    }
}

func duplicateKey(in mapping: YAMLNode, among keys: Set<String>) -> DuplicateKey? {
    var seen: [String: YAMLNode] = [:]
    for i in stride(from: 0, to: mapping.children.count - 1, by: 2) {
        let k = mapping.children[i]
        guard k.kind == .scalar, keys.contains(k.value) else { continue }
        if let first = seen[k.value] { return DuplicateKey(first: first, second: k) }
        seen[k.value] = k
    }
    return nil
}
