internal import CGit2
import FoundationEssentials
internal import Glibc

// Swift ↔ C argument helpers for libgit2 calls.

func withOptionalStrArray<R>(_ strings: [String]?, _ body: (UnsafePointer<git_strarray>?) -> R) -> R {
    guard let strings else { return body(nil) }
    return withStrArray(strings) { body($0) }
}

func withOptionalCString<R>(_ s: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let s else { return body(nil) }
    return s.withCString { body($0) }
}

/// Calls `body` with a `git_strarray` of `strings` (valid only during the call).
func withStrArray<R>(_ strings: [String], _ body: (UnsafePointer<git_strarray>) -> R) -> R {
    var cStrings: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { cStrings.forEach { free($0) } }
    return cStrings.withUnsafeMutableBufferPointer { buf in
        var arr = git_strarray(strings: buf.baseAddress, count: buf.count)
        return body(&arr)
    }
}
