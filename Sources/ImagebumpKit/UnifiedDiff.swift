import ImageRules

/// A unified diff (`--- a/path` / `+++ b/path`, 3 lines of context) built on `CollectionDifference`.
public enum UnifiedDiff {
    public struct Colors: Sendable {
        let header: String, remove: String, add: String, hunk: String, reset: String
        public static let none = Colors(header: "", remove: "", add: "", hunk: "", reset: "")
        public static let ansi = Colors(header: "\u{1B}[1m", remove: "\u{1B}[31m", add: "\u{1B}[32m", hunk: "\u{1B}[36m", reset: "\u{1B}[0m")
    }

    private enum Op { case same(Int, Int), del(Int), ins(Int) }

    public static func render(path: String, old: [UInt8], new: [UInt8], context: Int = 3, colors: Colors = .none) -> String {
        let a = lines(old), b = lines(new)
        let diff = b.difference(from: a)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in diff {
            switch change {
            case .remove(let o, _, _): removed.insert(o)
            case .insert(let o, _, _): inserted.insert(o)
            }
        }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count && removed.contains(i) { ops.append(.del(i)); i += 1 }
            else if j < b.count && inserted.contains(j) { ops.append(.ins(j)); j += 1 }
            else { ops.append(.same(i, j)); i += 1; j += 1 }
        }
        var out = "\(colors.header)--- \(PathQuoting.diffName("a/", path))\n+++ \(PathQuoting.diffName("b/", path))\(colors.reset)\n"
        var k = 0
        while k < ops.count {
            guard let firstChange = ops[k...].firstIndex(where: { if case .same = $0 { return false }; return true }) else { break }
            let start = max(k, firstChange - context)
            // extend the hunk while changes are within 2*context of each other
            var end = firstChange
            var lastChange = firstChange
            while end < ops.count {
                if case .same = ops[end] {
                    if end - lastChange > 2 * context { break }
                } else { lastChange = end }
                end += 1
            }
            end = min(ops.count, lastChange + context + 1)
            let hunk = ops[start..<end]
            var oldStart = 0, newStart = 0, oldCount = 0, newCount = 0
            var firstOld: Int?, firstNew: Int?
            for op in hunk {
                switch op {
                case .same(let x, let y): oldCount += 1; newCount += 1; firstOld = firstOld ?? x; firstNew = firstNew ?? y
                case .del(let x): oldCount += 1; firstOld = firstOld ?? x
                case .ins(let y): newCount += 1; firstNew = firstNew ?? y
                }
            }
            oldStart = (firstOld ?? position(before: hunk, inOld: true)) + (oldCount > 0 ? 1 : 0)
            newStart = (firstNew ?? position(before: hunk, inOld: false)) + (newCount > 0 ? 1 : 0)
            out += "\(colors.hunk)@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\(colors.reset)\n"
            for op in hunk {
                switch op {
                case .same(let x, _): out += " " + text(a[x])
                case .del(let x): out += colors.remove + "-" + text(a[x], colorReset: colors.reset)
                case .ins(let y): out += colors.add + "+" + text(b[y], colorReset: colors.reset)
                }
            }
            k = end
        }
        return out
    }

    private static func position(before hunk: ArraySlice<Op>, inOld: Bool) -> Int {
        // a hunk with no line on one side: the count of lines before it on that side
        for op in hunk {
            switch op {
            case .del(let x): if inOld { return x }
            case .ins(let y): if !inOld { return y }
            case .same(let x, let y): return inOld ? x : y
            }
        }
        return 0
    }

    private static func range(_ start: Int, _ count: Int) -> String { count == 1 ? "\(start)" : "\(start),\(count)" }

    private static func text(_ line: ArraySlice<UInt8>, colorReset: String = "") -> String {
        if line.last == 0x0A { return String(decoding: line.dropLast(), as: UTF8.self) + colorReset + "\n" }
        return String(decoding: line, as: UTF8.self) + colorReset + "\n\\ No newline at end of file\n"
    }

    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        for (i, c) in bytes.enumerated() where c == 0x0A {
            out.append(bytes[start...i])
            start = i + 1
        }
        if start < bytes.count { out.append(bytes[start...]) }
        return out
    }
}
