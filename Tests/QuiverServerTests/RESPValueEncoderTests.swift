import QuiverCore
import QuiverGraph
import QuiverKernels
import QuiverPaths
import QuiverProtocol
@testable import QuiverServer
import QuiverService
import Testing

/// The daemon encodes answers straight into RESP; it must give exactly what reading the CLI's
/// `--json` text gives (the path it replaced).
@Suite struct RESPValueEncoderTests {
    func viaJSON<T: Encodable>(_ value: T) throws -> RESPValue {
        var reader = JSONToRESP(bytes: try jsonBytes(value))
        return try reader.value()
    }

    func check<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try RESPValueEncoder().encode(value) == viaJSON(value), sourceLocation: sourceLocation)
    }

    struct Numbers: Encodable {
        var whole = 2.0, big = 1e16, fraction = 0.1, negativeZero = -0.0, large = 123456789012345.0, tiny = 1e-7
        var float: Float = 0.1, int = -7, int64 = Int64.max, uint: UInt64 = UInt64.max, flag = true
        var text = "a \"quoted\"\ttab / slash é", empty = ""
        var missing: String? = nil
        var nested: [[Int]] = [[1, 2], [], [3]]
        var keys = ["hits@10": 1, "hits@3": 2, "B": 3, "a": 4, "a_b": 5]
    }

    struct ExplicitNull: Encodable {
        var reason: String? = nil
        func encode(to encoder: Encoder) throws {
            enum K: String, CodingKey { case reason }
            var c = encoder.container(keyedBy: K.self)
            try c.encode(reason, forKey: .reason)
        }
    }

    @Test func numbersStringsAndKeysMatchTheJSONReading() throws {
        try check(Numbers())
        try check(ExplicitNull())
        try check([Numbers(), Numbers()])
    }

    @Test func everyAnswerShapeMatches() throws {
        var b = SnapshotBuilder(graph: "g", changeSeq: 3)
        for (s, p, o) in [("a", "r", "b"), ("b", "r", "c"), ("a", "s", "c"), ("c", "r", "a")] {
            b.add(Triple(.name(s), .name(p), .name(o)))
        }
        let snap = b.build()
        try check(GraphStats(snap))
        try check(TimedStatsJSON(stats: GraphStats(snap), snapshot_seconds: 0.25, snapshot_adjacency_bytes: 1024))
        let engine = PathEngine(snapshot: snap)
        let paths = try engine.paths(from: "a", to: "c", mode: .simple)
        try check(PathsJSON(paths, in: snap))
        try check(PathsJSON(paths: [], count: 0, truncated: true, reason: "timeout", micros: 5.0, from: "a", to: "c", error: nil))
        try check(NeighborsJSON(try engine.neighbors(of: "a", options: { var o = PathOptions(); o.direction = .both; return o }()), in: snap))
        try check(ReachJSON(try engine.reach(from: "a"), in: snap, countOnly: false))
        try check(ReachJSON(try engine.reach(from: "a"), in: snap, countOnly: true))
        try check(HopJSON(try engine.hop(from: "a", relations: ["r", "r"]), in: snap))
        try check(PathCountJSON(try engine.countPaths(from: "a", to: "c")))
        try check(try PPRQuery(seeds: ["a"]).run(on: snap, timing: true))
        try check(GraphListJSON([]))
        try check(DroppedJSON(graph: "g"))
    }
}

/// Reads the JSON that `JSONEncoder` wrote (well-formed by construction) into a `RESPValue`: the
/// oracle that `RESPValueEncoder` must agree with (the daemon once sent answers this way).
struct JSONToRESP {
    struct Malformed: Error {}
    let bytes: [UInt8]
    var i = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 32 || bytes[i] == 10 || bytes[i] == 13 || bytes[i] == 9 { i += 1 }
    }

    mutating func value() throws -> RESPValue {
        skipSpace()
        guard i < bytes.count else { throw Malformed() }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var pairs: [RESPPair] = []
            skipSpace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1; return .map(pairs) }
            while true {
                skipSpace()
                let key = try string()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Malformed() }
                i += 1
                pairs.append(RESPPair(.bulkString(key), try value()))
                skipSpace()
                guard i < bytes.count else { throw Malformed() }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .map(pairs) }
                throw Malformed()
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [RESPValue] = []
            skipSpace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                items.append(try value())
                skipSpace()
                guard i < bytes.count else { throw Malformed() }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw Malformed()
            }
        case UInt8(ascii: "\""):
            return .bulkString(try string())
        case UInt8(ascii: "t"): i += 4; return .boolean(true)
        case UInt8(ascii: "f"): i += 5; return .boolean(false)
        case UInt8(ascii: "n"): i += 4; return .null
        default:
            let start = i
            var isInteger = true
            while i < bytes.count, let c = Optional(bytes[i]),
                  c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: "e")
                    || c == UInt8(ascii: "E") || (c >= 48 && c <= 57) {
                if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { isInteger = false }
                i += 1
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if isInteger, let n = Int64(text) { return .integer(n) }
            guard let d = Double(text) else { throw Malformed() }
            return .double(d)
        }
    }

    mutating func string() throws -> [UInt8] {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Malformed() }
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { i += 1; return out }
            if c == UInt8(ascii: "\\") && i + 1 < bytes.count {
                let e = bytes[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    guard i + 4 <= bytes.count, var code = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else { throw Malformed() }
                    i += 4
                    // A surrogate pair: \uD83D\uDE00.
                    if code >= 0xD800 && code < 0xDC00, i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"),
                       let low = UInt32(String(decoding: bytes[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                    out += Array(String(UnicodeScalar(code).map(Character.init) ?? "\u{FFFD}").utf8)
                default: out.append(e)
                }
                continue
            }
            out.append(c)
            i += 1
        }
        throw Malformed()
    }
}
