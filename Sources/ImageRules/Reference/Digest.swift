/// Content digests as the OCI image-spec defines them (descriptor.md, "Digests"):
///
///     digest              := algorithm ":" encoded
///     algorithm           := algorithm-component (algorithm-separator algorithm-component)*
///     algorithm-component := [a-z0-9]+
///     algorithm-separator := [+._-]
///     encoded             := [a-zA-Z0-9=_-]+
///
/// with the encoding of each registered algorithm pinned to lowercase hex of its hash length.
public enum Digest {
    /// The algorithms the image-spec registers and the number of lowercase hex digits each encodes to.
    public static let registered: [(algorithm: String, hexDigits: Int)] = [("sha256", 64), ("sha512", 128)]

    /// Why `d` is not a digest a new reference may carry, or nil when it is one. Digests of algorithms the
    /// spec does not register (`md5:`, `sha256+b64u:`) are refused too: registries and the kubelet reject
    /// what they cannot verify, so writing one would leave an image that cannot be pulled.
    public static func problem(_ d: String) -> String? {
        guard let colon = d.firstIndex(of: ":") else { return "expected algorithm:encoded" }
        let algorithm = String(d[..<colon]), encoded = d[d.index(after: colon)...]
        let components = algorithm.utf8.split(omittingEmptySubsequences: false, whereSeparator: { "+._-".utf8.contains($0) })
        guard components.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isLowerAlnum) }) else {
            return "the algorithm must be lowercase [a-z0-9] components joined by + . _ -"
        }
        guard !encoded.isEmpty, encoded.utf8.allSatisfy({ isLowerAlnum($0) || (65...90).contains($0) || "=_-".utf8.contains($0) }) else {
            return "the encoded part must be [a-zA-Z0-9=_-]+"
        }
        guard let hexDigits = registered.first(where: { $0.algorithm == algorithm })?.hexDigits else {
            return "unsupported algorithm '\(algorithm)' (the OCI image-spec registers " + Self.registeredList + ")"
        }
        guard encoded.utf8.count == hexDigits, encoded.utf8.allSatisfy(isLowerHex) else {
            return "\(algorithm) takes exactly \(hexDigits) lowercase hex digits"
        }
        return nil
    }

    static var registeredList: String { registered.map { "\($0.algorithm) with \($0.hexDigits) hex digits" }.joined(separator: " and ") }

    private static func isLowerAlnum(_ c: UInt8) -> Bool { (48...57).contains(c) || (97...122).contains(c) }
    private static func isLowerHex(_ c: UInt8) -> Bool { (48...57).contains(c) || (97...102).contains(c) }
}
