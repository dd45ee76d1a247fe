/// Writes replies in RESP2 (the default) or RESP3 (after `HELLO 3`).
///
/// ```swift
/// var out: [UInt8] = []
/// ReplyEncoder(protocolVersion: 2).encode(.array([.bulk("a"), .integer(1)]), into: &out)
/// // "*2\r\n$1\r\na\r\n:1\r\n"
/// ```
public struct ReplyEncoder: Sendable {
    /// 2 or 3.
    public var protocolVersion: Int

    public init(protocolVersion: Int = 2) {
        self.protocolVersion = protocolVersion
    }

    public func encode(_ value: RESPValue) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, into: &out)
        return out
    }

    public func encode(_ value: RESPValue, into out: inout [UInt8]) {
        switch value {
        case .simpleString(let s):
            out.append(UInt8(ascii: "+"))
            appendLine(s, to: &out)
        case .error(let s):
            out.append(UInt8(ascii: "-"))
            appendLine(s, to: &out)
        case .integer(let n):
            out.append(UInt8(ascii: ":"))
            appendInteger(n, to: &out)
            out += crlf
        case .bulkString(let bytes):
            out.append(UInt8(ascii: "$"))
            appendInteger(Int64(bytes.count), to: &out)
            out += crlf
            out += bytes
            out += crlf
        case .null:
            out += protocolVersion >= 3 ? Array("_\r\n".utf8) : Array("$-1\r\n".utf8)
        case .array(let items):
            out.append(UInt8(ascii: "*"))
            appendInteger(Int64(items.count), to: &out)
            out += crlf
            for item in items { encode(item, into: &out) }
        case .map(let pairs):
            out.append(UInt8(ascii: protocolVersion >= 3 ? "%" : "*"))
            appendInteger(Int64(protocolVersion >= 3 ? pairs.count : pairs.count * 2), to: &out)
            out += crlf
            for pair in pairs {
                encode(pair.key, into: &out)
                encode(pair.value, into: &out)
            }
        case .double(let d):
            let text = Self.doubleText(d)
            if protocolVersion >= 3 {
                out.append(UInt8(ascii: ","))
                out += Array(text.utf8)
                out += crlf
            } else {
                encode(.bulk(text), into: &out)
            }
        case .boolean(let b):
            if protocolVersion >= 3 {
                out += Array((b ? "#t\r\n" : "#f\r\n").utf8)
            } else {
                encode(.integer(b ? 1 : 0), into: &out)
            }
        }
    }

    /// RESP3's spelling of a double: `inf`, `-inf`, `nan`, else the shortest exact decimal.
    static func doubleText(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }

    private var crlf: [UInt8] { [13, 10] }

    /// A status or error line: CR and LF inside would end the line early, so they become spaces.
    private func appendLine(_ s: String, to out: inout [UInt8]) {
        let utf8 = s.utf8
        if utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            for b in utf8 { out.append(b == 13 || b == 10 ? 32 : b) }
        } else {
            out.append(contentsOf: utf8)
        }
        out.append(13)
        out.append(10)
    }

    private func appendInteger(_ n: Int64, to out: inout [UInt8]) {
        if n == 0 { out.append(UInt8(ascii: "0")); return }
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var m = n.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            while m > 0 {
                buf[count] = UInt8(ascii: "0") + UInt8(m % 10)
                m /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(buf[i]) }
        }
    }
}
