import Foundation
import QuiverCore
import QuiverGraph
import Testing
@testable import QuiverPaths

/// Exact answers on a small hand-built graph:
///
///     a -knows-> b -knows-> d
///     a -likes-> b          a -knows-> c -likes-> d     d -knows-> a     e (alone: e -knows-> e)
@Suite struct PathEngineTests {
    static let triples: [(String, String, String)] = [
        ("a", "knows", "b"), ("a", "likes", "b"), ("b", "knows", "d"), ("a", "knows", "c"), ("c", "likes", "d"),
        ("d", "knows", "a"), ("e", "knows", "e"),
    ]
    let snap = makeSnapshot(triples)
    var engine: PathEngine { PathEngine(snapshot: snap, inverses: ["knownBy": "knows"]) }

    func names(_ r: PathResult) -> [String] { r.paths.map { NamedPath($0, in: snap).text } }

    @Test func shortestIsOneOfTheShortest() throws {
        let r = try engine.paths(from: "a", to: "d")
        let all = names(try engine.paths(from: "a", to: "d", mode: .allShortest))
        #expect(r.paths.count == 1)
        #expect(all.contains(names(r)[0]))
        // The same answer every time on the same snapshot.
        #expect(names(try engine.paths(from: "a", to: "d")) == names(r))
        #expect(!r.truncated)
        #expect(r.stats.edgesScanned > 0)
    }

    @Test func allShortestListsParallelEdgesAsDifferentPaths() throws {
        let r = try engine.paths(from: "a", to: "d", mode: .allShortest)
        #expect(names(r) == ["a -knows-> b -knows-> d", "a -likes-> b -knows-> d", "a -knows-> c -likes-> d"])
    }

    @Test func kShortestAndSimpleInBothDirections() throws {
        var o = PathOptions()
        o.direction = .both
        o.maxHops = 3
        let k = try engine.paths(from: "a", to: "d", mode: .kShortest, k: 4, options: o)
        #expect(names(k) == [
            "a <-knows- d", "a -knows-> b -knows-> d", "a -likes-> b -knows-> d", "a -knows-> c -likes-> d",
        ])
        let simple = try engine.paths(from: "a", to: "d", mode: .simple, options: o)
        #expect(simple.count == 4)
        #expect(!simple.truncated)
    }

    @Test func limitMarksTruncation() throws {
        var o = PathOptions()
        o.limit = 2
        let r = try engine.paths(from: "a", to: "d", mode: .allShortest, options: o)
        #expect(r.count == 2)
        #expect(r.reason == .limit)
    }

    @Test func expressionsConstrainPaths() throws {
        #expect(names(try engine.paths(from: "a", to: "d", via: "likes/knows")) == ["a -likes-> b -knows-> d"])
        #expect(names(try engine.paths(from: "a", to: "d", via: "knows+")) == ["a -knows-> b -knows-> d"])
        #expect(names(try engine.paths(from: "d", to: "b", mode: .allShortest, via: "knows/(knows|likes)"))
            == ["d -knows-> a -knows-> b", "d -knows-> a -likes-> b"])
        #expect(names(try engine.paths(from: "b", to: "a", via: "^knows")) == ["b <-knows- a"])
        #expect(names(try engine.paths(from: "b", to: "a", via: "^likes/knows")) == [])
        #expect(names(try engine.paths(from: "b", to: "a", mode: .allShortest, via: "^(knows|likes)")) == ["b <-knows- a", "b <-likes- a"])
        // An ontology inverse name stands for ^knows.
        #expect(names(try engine.paths(from: "b", to: "a", via: "knownBy")) == ["b <-knows- a"])
        #expect(names(try engine.paths(from: "a", to: "a", via: "knows{3}")) == ["a -knows-> b -knows-> d -knows-> a"])
    }

    @Test func unknownNamesAreErrorsWithSuggestions() {
        #expect(throws: PathError.unknownNode("aa", suggestions: ["a", "b", "c"])) { try engine.paths(from: "aa", to: "d") }
        #expect(throws: PathError.unknownRelation("knowz", suggestions: ["knows"])) { try engine.paths(from: "a", to: "d", via: "knowz") }
        var o = PathOptions()
        o.maxHops = 17
        #expect(throws: PathError.maxHopsAboveCeiling(requested: 17, ceiling: 16)) { try engine.paths(from: "a", to: "d", options: o) }
        #expect(throws: PathError.self) { try engine.paths(from: "a", to: "d", via: "knows/(") }
    }

    @Test func maxHopsCutIsReported() throws {
        var o = PathOptions()
        o.maxHops = 1
        let r = try engine.paths(from: "a", to: "d", options: o)
        #expect(r.paths.isEmpty)
        #expect(r.reason == .maxHops)
        let none = try engine.paths(from: "a", to: "e")
        #expect(none.paths.isEmpty && none.reason == nil)
    }

    @Test func neighborsReachHopAndCount() throws {
        var o = PathOptions()
        o.direction = .both
        let n = try engine.neighbors(of: "b", options: o)
        #expect(n.neighbors.map { "\($0.direction) \(snap.relationName($0.relation)) \(snap.nodeName($0.node))" }
            == ["out knows d", "in knows a", "in likes a"])
        let reach = try engine.reach(from: "a")
        #expect(reach.endpoints.map { "\(snap.nodeName($0.node))@\($0.distance)" } == ["b@1", "c@1", "d@2"])
        let hop = try engine.hop(from: "a", relations: ["knows", "knows"])
        #expect(hop.tails.map { snap.nodeName($0.tail) } == ["d"])
        #expect(hop.tails[0].witnesses.map { $0.map(snap.nodeName) } == [["b"]])
        var c = PathOptions()
        c.maxHops = 6
        let count = try engine.countPaths(from: "a", to: "d", options: c)
        // Lengths 2 and 5 (around the a→…→d→a cycle): 3 walks each, then 3·3.
        #expect(count.perLength == [0, 0, 3, 0, 0, 9, 0])
        #expect(count.total == 12)
    }

    @Test func provenanceAndExclusionsFilter() throws {
        let snap = makeSnapshot([("a", "r", "b"), ("b", "r", "c"), ("a", "s", "c")], provenance: [.asserted, .asserted, .inferred])
        let engine = PathEngine(snapshot: snap)
        #expect(try engine.paths(from: "a", to: "c").paths.first?.length == 2)
        var o = PathOptions()
        o.provenances = [.asserted, .inferred]
        #expect(try engine.paths(from: "a", to: "c", options: o).paths.first?.length == 1)
        o.excludedRelations = ["s"]
        #expect(try engine.paths(from: "a", to: "c", options: o).paths.first?.length == 2)
        o.excludedNodes = ["b"]
        #expect(try engine.paths(from: "a", to: "c", options: o).paths.isEmpty)
    }

    @Test func cancellationStopsTheQuery() throws {
        let token = CancellationToken()
        token.cancel()
        var o = PathOptions()
        o.cancellation = token
        let r = try engine.paths(from: "a", to: "d", options: o)
        #expect(r.reason == .cancelled)
    }

    @Test func countSaturatesInsteadOfOverflowing() throws {
        // Complete graph on 4 nodes with 8 relations: walks explode quickly.
        var t: [(String, String, String)] = []
        for u in 0..<4 { for v in 0..<4 { for r in 0..<8 { t.append(("n\(u)", "r\(r)", "n\(v)")) } } }
        let engine = PathEngine(snapshot: makeSnapshot(t))
        var o = PathOptions()
        o.maxHops = 16
        let c = try engine.countPaths(from: "n0", to: "n1", options: o)
        #expect(c.saturated)
        #expect(c.total == UInt64.max)
    }

    @Test func concurrentQueriesAgree() async throws {
        let engine = self.engine
        let expected = try engine.paths(from: "a", to: "d", mode: .allShortest).paths
        try await withThrowingTaskGroup(of: [Path].self) { group in
            for _ in 0..<16 { group.addTask { try engine.paths(from: "a", to: "d", mode: .allShortest).paths } }
            for try await r in group { #expect(r == expected) }
        }
    }
}

/// The Nations graph (`/work/shared/datasets/nations/train.txt`).
@Suite struct NationsPathTests {
    static let path = "/work/shared/datasets/nations/train.txt"

    static func load() throws -> [(String, String, String)]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "\t")
            return f.count == 3 ? (String(f[0]), String(f[1]), String(f[2])) : nil
        }
    }

    @Test func agreesWithBruteForceAndIsExact() throws {
        guard let triples = try Self.load() else { return }
        let snap = makeSnapshot(triples)
        let engine = PathEngine(snapshot: snap)
        #expect(snap.edgeCount == 1592)
        // usa and china: directly linked?
        let direct = triples.filter { $0.0 == "usa" && $0.2 == "china" }.map(\.1).sorted()
        let all = try engine.paths(from: "usa", to: "china", mode: .allShortest)
        if direct.isEmpty {
            #expect(all.paths.allSatisfy { $0.length >= 2 })
        } else {
            #expect(all.paths.map { snap.relationName($0.steps[0].relation) } == direct)
        }
        // Brute force on 2-hop composition.
        var o = PathOptions()
        o.maxHops = 2
        let reference = ReferenceSearch(triples: triples, direction: .out, expression: try PathExpression.parse("embassy/embassy"))
        let got = try engine.paths(from: "usa", to: "china", mode: .simple, via: "embassy/embassy", options: o)
        #expect(got.paths.map { NamedPath($0, in: snap) } == reference.paths(from: "usa", to: "china", mode: .simple, k: 0, maxHops: 2))
    }
}
