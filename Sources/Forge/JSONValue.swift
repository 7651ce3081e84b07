import FoundationEssentials

// The forge API's JSON as plain Swift values ([String: Any], [Any], String, Int, Double, Bool, JSONNull), read and
// written with FoundationEssentials' JSONDecoder/JSONEncoder: JSONSerialization is in Foundation proper, which
// links ICU's data (~34 MB) into imagebump-git.

/// JSON's `null` in a decoded value.
struct JSONNull: Sendable, Equatable {}

/// One JSON value, the bridge between Codable and the plain values the API code reads.
private enum JSONValue: Codable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    init(plain value: Any) throws {
        switch value {
        case is JSONNull: self = .null
        case let b as Bool: self = .bool(b)
        case let i as Int: self = .int(i)
        case let d as Double: self = .double(d)
        case let s as String: self = .string(s)
        case let a as [Any]: self = .array(try a.map(JSONValue.init(plain:)))
        case let o as [String: Any]: self = .object(try o.mapValues(JSONValue.init(plain:)))
        default:
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "not a JSON value: \(type(of: value))"))
        }
    }

    var plain: Any {
        switch self {
        case .null: return JSONNull()
        case .bool(let b): return b
        case .int(let i): return i
        case .double(let d): return d
        case .string(let s): return s
        case .array(let a): return a.map(\.plain)
        case .object(let o): return o.mapValues(\.plain)
        }
    }
}

/// `value` (built from the plain types above) as JSON text with sorted keys.
func jsonData(_ value: Any) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try encoder.encode(JSONValue(plain: value))
}

/// The JSON text `data` as plain values; a top-level scalar is allowed.
func jsonObject(_ data: Data) throws -> Any {
    try JSONDecoder().decode(JSONValue.self, from: data).plain
}
