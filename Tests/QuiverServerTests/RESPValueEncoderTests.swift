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
