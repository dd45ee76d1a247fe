/// Reads replies (RESP2 and RESP3) from a byte stream: the client side of `ReplyEncoder`, for
/// tests and tools. Feed bytes in any pieces; `next()` returns a reply once one is complete.
public struct ReplyDecoder: Sendable {
    public struct Malformed: Error, Sendable, Equatable { public var offset: Int }

    private var buffer: [UInt8] = []

    public init() {}

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    /// The next whole reply, or nil when more bytes are needed.
    public mutating func next() throws(Malformed) -> RESPValue? {
        var i = 0
        guard let value = try parse(&i) else { return nil }
        buffer.removeFirst(i)
        return value
    }

    private func line(_ i: inout Int) -> String? {
        var j = i
        while j + 1 < buffer.count {
            if buffer[j] == 13 && buffer[j + 1] == 10 {
                let s = String(decoding: buffer[i..<j], as: UTF8.self)
                i = j + 2
                return s
            }
            j += 1
        }
        return nil
    }

    private func parse(_ i: inout Int) throws(Malformed) -> RESPValue? {
        guard i < buffer.count else { return nil }
        let type = buffer[i]
        let start = i
        i += 1
        guard let text = line(&i) else { return nil }
        func count() throws(Malformed) -> Int {
            guard let n = Int(text) else { throw Malformed(offset: start) }
            return n
        }
        switch type {
        case UInt8(ascii: "+"): return .simpleString(text)
        case UInt8(ascii: "-"): return .error(text)
        case UInt8(ascii: ":"): guard let n = Int64(text) else { throw Malformed(offset: start) }; return .integer(n)
        case UInt8(ascii: "_"): return .null
        case UInt8(ascii: "#"): return .boolean(text == "t")
        case UInt8(ascii: ","): return .double(Double(text) ?? .nan)
        case UInt8(ascii: "$"), UInt8(ascii: "="):
            let n = try count()
            if n < 0 { return .null }
            guard buffer.count >= i + n + 2 else { return nil }
            let bytes = Array(buffer[i..<(i + n)])
            i += n + 2
            return .bulkString(bytes)
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"):
            let n = try count()
            if n < 0 { return .null }
            var items: [RESPValue] = []
            for _ in 0..<n {
                guard let item = try parse(&i) else { return nil }
                items.append(item)
            }
            return .array(items)
        case UInt8(ascii: "%"):
            let n = try count()
            var pairs: [RESPPair] = []
            for _ in 0..<n {
                guard let k = try parse(&i), let v = try parse(&i) else { return nil }
                pairs.append(RESPPair(k, v))
            }
            return .map(pairs)
        default:
            throw Malformed(offset: start)
        }
    }
}
