import Foundation
import QuiverCore
import QuiverGraph
import QuiverSnapshot
import QuiverStore
import Testing
import QuiverTestSupport

@Suite("Splits and provenance reach the snapshot")
struct SplitProvenanceTests {
    @Test("Nations train/valid/test loaded with their splits, test as synthetic")
    func nationsSplits() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("splits")
        let train = try Datasets.triples("nations", "train")
        let valid = try Datasets.triples("nations", "valid")
        let test = try Datasets.triples("nations", "test")
        try store.load(graph: graph, inputs: [.file(Datasets.path("nations", "train"))], options: .init(split: .train))
        try store.load(graph: graph, inputs: [.file(Datasets.path("nations", "valid"))], options: .init(split: .valid))
        try store.load(graph: graph, inputs: [.file(Datasets.path("nations", "test"))],
                       options: .init(split: .test, provenance: .synthetic))

        var expected: [NameTriple: (split: Int8, provenance: UInt8)] = [:]
        for t in train { expected[t] = (0, 0) }
        for t in valid { expected[t] = (1, 0) }
        for t in test { expected[t] = (2, 2) }
        #expect(expected.count == 1592 + 199 + 201)

        let snap = try SnapshotLoader(store: store).build(graph: graph)
        #expect(snap.edgeCount == expected.count)
        #expect(snap.split.count == snap.edgeCount)
        #expect(snap.provenance.count == snap.edgeCount)
        var seen: Set<NameTriple> = []
        for u in 0..<Int32(snap.nodeCount) {
            for e in snap.outEdges(of: u) {
                let t = NameTriple(snap.nodeName(u), snap.relationName(snap.outRelations[e]), snap.nodeName(snap.outTargets[e]))
                seen.insert(t)
                guard let want = expected[t] else { Issue.record("unexpected edge \(t)"); continue }
                #expect(snap.split[e] == want.split, "split of \(t)")
                #expect(snap.provenance[e] == want.provenance, "provenance of \(t)")
            }
        }
        #expect(seen == Set(expected.keys))

        let all = train + valid + test
        let stats = GraphStats(snap)
        #expect(stats.graph == graph)
        #expect(stats.triples == 1992)
        #expect(stats.entities == all.entityNames.count)
        #expect(stats.relations == all.relationNames.count)
        #expect(stats.splits == ["train": 1592, "valid": 199, "test": 201, "none": 0])
        #expect(stats.provenance == ["asserted": 1791, "inferred": 0, "synthetic": 201, "corrupted": 0])
        var perRelation: [String: Int] = [:]
        for t in all { perRelation[t.p, default: 0] += 1 }
        #expect(Dictionary(uniqueKeysWithValues: stats.perRelation.map { ($0.relation, $0.triples) }) == perRelation)
        #expect(stats.outDegree.max == all.reduce(into: [String: Int]()) { $0[$1.s, default: 0] += 1 }.values.max())
    }

    @Test("A triple loaded again under another split keeps its first split; an unlabelled load has none")
    func firstLabelWins() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("splits-first")
        try store.load(graph: graph, inputs: [.bytes(name: "a.tsv", Array("a\tr\tb\nb\tr\tc\n".utf8))],
                       options: .init(split: .train))
        let second = try store.load(graph: graph, inputs: [.bytes(name: "b.tsv", Array("a\tr\tb\nc\tr\td\n".utf8))],
                                    options: .init(split: .test, provenance: .inferred))
        #expect(second.new == 1)
        #expect(second.duplicates == 1)
        try store.load(graph: graph, inputs: [.bytes(name: "c.tsv", Array("d\tr\te\n".utf8))], options: .init(provenance: .corrupted))
        let stats = GraphStats(try SnapshotLoader(store: store).build(graph: graph))
        #expect(stats.splits == ["train": 2, "valid": 0, "test": 1, "none": 1])
        #expect(stats.provenance == ["asserted": 2, "inferred": 1, "synthetic": 0, "corrupted": 1])
        #expect(stats.triples == 4)
        #expect(stats.entities == 5)
        #expect(stats.relations == 1)
    }
}
