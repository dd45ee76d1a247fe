/// A reply as the server means it, before it is written for the client's protocol version.
///
/// RESP3 types (maps, doubles, booleans, null) are written in their RESP2 forms to a client that
/// has not sent `HELLO 3`: a map becomes a flat array of keys and values, a double a bulk string,
/// a boolean the integer 1 or 0, and null `$-1`.
public enum RESPValue: Sendable, Equatable {
    case simpleString(String)
    /// An error line without the leading `-`, starting with its code: `"ERR unknown command"`.
    case error(String)
    case integer(Int64)
    case bulkString([UInt8])
    case null
    case array([RESPValue])
    case map([RESPPair])
    case double(Double)
    case boolean(Bool)

    /// A bulk string holding UTF-8 text.
    public static func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }

    /// `+OK`.
    public static let ok = RESPValue.simpleString("OK")

    /// A map with text keys, in the given order.
    public static func map(_ pairs: KeyValuePairs<String, RESPValue>) -> RESPValue {
        .map(pairs.map { RESPPair(.bulk($0.key), $0.value) })
    }

    /// The text of a bulk or simple string (for tests and logs).
    public var text: String? {
        switch self {
        case .bulkString(let b): String(decoding: b, as: UTF8.self)
        case .simpleString(let s), .error(let s): s
        default: nil
        }
    }
}

/// One entry of a RESP3 map.
public struct RESPPair: Sendable, Equatable {
    public var key: RESPValue
    public var value: RESPValue
    public init(_ key: RESPValue, _ value: RESPValue) {
        self.key = key
        self.value = value
    }
}
