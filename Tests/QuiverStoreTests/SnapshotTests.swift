import Foundation
import QuiverCore
@testable import QuiverGraph
@testable import QuiverSnapshot
import QuiverStore
import Testing
import QuiverTestSupport

/// A random small graph: several disconnected parts, each with a cycle, self-loops, multi-edges
/// (one pair joined by several relations) and random edges; some lines repeated; a relation name
/// sometimes also used as a node.
func randomGraph(seed: UInt64) -> (lines: [NameTriple], triples: Set<NameTriple>) {
    var rng = SeededRandom(seed: seed)
    let relations = (0..<Int.random(in: 1...5, using: &rng)).map { "r\($0)" }
    var lines: [NameTriple] = []
    for part in 0..<Int.random(in: 1...4, using: &rng) {
        let n = Int.random(in: 1...9, using: &rng)
        var nodes = (0..<n).map { "p\(part)n\($0)" }
        if Int.random(in: 0..<4, using: &rng) == 0 { nodes.append(relations[0]) }
        func rel() -> String { relations.randomElement(using: &rng)! }
        func node() -> String { nodes.randomElement(using: &rng)! }
        if nodes.count >= 2 && Bool.random(using: &rng) {
            let r = rel()
            for i in nodes.indices { lines.append(NameTriple(nodes[i], r, nodes[(i + 1) % nodes.count])) }
        }
        for _ in 0..<Int.random(in: 0...2, using: &rng) { let u = node(); lines.append(NameTriple(u, rel(), u)) }
        if nodes.count >= 2 {
            let u = node(), v = node()
            for r in relations.shuffled(using: &rng).prefix(Int.random(in: 1...relations.count, using: &rng)) {
                lines.append(NameTriple(u, r, v))
            }
        }
        for _ in 0..<Int.random(in: 0...(3 * nodes.count), using: &rng) { lines.append(NameTriple(node(), rel(), node())) }
        // A part with no edges at all would have no nodes; make sure every part has one.
        if !lines.contains(where: { $0.s.hasPrefix("p\(part)n") || $0.o.hasPrefix("p\(part)n") }) {
            lines.append(NameTriple(nodes[0], rel(), nodes[0]))
        }
    }
    for _ in 0..<Int.random(in: 0...3, using: &rng) where !lines.isEmpty { lines.append(lines.randomElement(using: &rng)!) }
    lines.shuffle(using: &rng)
    return (lines, Set(lines))
}

/// Checks a snapshot against the triples it was built from, by brute force.
func checkSnapshot(_ snap: CSRSnapshot, against triples: Set<NameTriple>, sourceLocation: SourceLocation = #_sourceLocation) {
    let nodes = triples.entityNames, relations = triples.relationNames
    #expect(snap.nodeCount == nodes.count, sourceLocation: sourceLocation)
    #expect(snap.relationCount == relations.count, sourceLocation: sourceLocation)
    #expect(snap.edgeCount == triples.count, sourceLocation: sourceLocation)
    #expect(Set(snap.nodeTerms) == Set(nodes.map { Term.name($0) }), sourceLocation: sourceLocation)
    #expect(Set(snap.relationTerms) == Set(relations.map { Term.name($0) }), sourceLocation: sourceLocation)
    // Dense ids follow term ids.
    #expect(snap.nodeTermIDs.array == snap.nodeTerms.map(\.id.rawValue), sourceLocation: sourceLocation)
    #expect(snap.relationTermIDs.array == snap.relationTerms.map(\.id.rawValue), sourceLocation: sourceLocation)
    #expect(snap.nodeTermIDs.array == snap.nodeTermIDs.sorted(), sourceLocation: sourceLocation)
    #expect(snap.relationTermIDs.array == snap.relationTermIDs.sorted(), sourceLocation: sourceLocation)
    #expect(snap.outOffsets.count == snap.nodeCount + 1 && snap.outOffsets.first == 0 && snap.outOffsets.last == triples.count,
            sourceLocation: sourceLocation)
    #expect(snap.inOffsets.count == snap.nodeCount + 1 && snap.inOffsets.first == 0 && snap.inOffsets.last == triples.count,
            sourceLocation: sourceLocation)
    guard snap.outOffsets.count == snap.nodeCount + 1, snap.inOffsets.count == snap.nodeCount + 1 else { return }

    var expectedOut: [String: Set<[String]>] = [:], expectedIn: [String: Set<[String]>] = [:]
    for t in triples {
        expectedOut[t.s, default: []].insert([t.p, t.o])
        expectedIn[t.o, default: []].insert([t.p, t.s])
    }
    var forwardSeen = [Bool](repeating: false, count: snap.edgeCount)
    for u in 0..<Int32(snap.nodeCount) {
        let name = snap.nodeName(u)
        #expect(snap.node(named: name) == u, sourceLocation: sourceLocation)
        let out = snap.outEdges(of: u)
        let outPairs = out.map { [snap.relationName(snap.outRelations[$0]), snap.nodeName(snap.outTargets[$0])] }
        #expect(outPairs.count == Set(outPairs).count, "duplicate out-edges of \(name)", sourceLocation: sourceLocation)
        #expect(Set(outPairs) == expectedOut[name] ?? [], "out-edges of \(name)", sourceLocation: sourceLocation)
        let outKeys = out.map { (snap.outRelations[$0], snap.outTargets[$0]) }
        #expect(zip(outKeys, outKeys.dropFirst()).allSatisfy { $0 < $1 }, "out-edge order of \(name)", sourceLocation: sourceLocation)
        for e in out { #expect(snap.source(ofEdge: e) == u, sourceLocation: sourceLocation) }

        let inRange = snap.inEdgeRange(of: u)
        let inPairs = inRange.map { [snap.relationName(snap.inRelations[$0]), snap.nodeName(snap.inSources[$0])] }
        #expect(inPairs.count == Set(inPairs).count, "duplicate in-edges of \(name)", sourceLocation: sourceLocation)
        #expect(Set(inPairs) == expectedIn[name] ?? [], "in-edges of \(name)", sourceLocation: sourceLocation)
        let inKeys = inRange.map { (snap.inRelations[$0], snap.inSources[$0]) }
        #expect(zip(inKeys, inKeys.dropFirst()).allSatisfy { $0 < $1 }, "in-edge order of \(name)", sourceLocation: sourceLocation)
        for j in inRange {
            let e = Int(snap.inEdges[j])
            guard e >= 0, e < snap.edgeCount else { Issue.record("inEdges[\(j)] = \(e) out of range", sourceLocation: sourceLocation); continue }
            #expect(!forwardSeen[e], "forward edge \(e) named by two in-edges", sourceLocation: sourceLocation)
            forwardSeen[e] = true
            #expect(snap.outTargets[e] == u && snap.outRelations[e] == snap.inRelations[j]
                    && snap.source(ofEdge: e) == snap.inSources[j], "inEdges[\(j)] of \(name)", sourceLocation: sourceLocation)
        }
        #expect(snap.outDegree(u) == (expectedOut[name]?.count ?? 0), sourceLocation: sourceLocation)
        #expect(snap.inDegree(u) == (expectedIn[name]?.count ?? 0), sourceLocation: sourceLocation)
    }
    #expect(forwardSeen.allSatisfy { $0 }, "every forward edge has an in-edge", sourceLocation: sourceLocation)
}

@Suite("Snapshots against a brute-force reference")
struct SnapshotTests {
    static let seeds: [UInt64] = Array(1...24)

    @Test("Random graphs loaded as TSV bytes build the right CSR snapshot", arguments: seeds)
    func storedRandomGraph(seed: UInt64) throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("snap-\(seed)")
        let (lines, triples) = randomGraph(seed: seed)
        let report = try store.load(graph: graph, inputs: [.bytes(name: "x.tsv", lines.tsvBytes)])
        #expect(report.read == lines.count)
        #expect(report.new == triples.count)
        #expect(report.duplicates == lines.count - triples.count)
        let snap = try SnapshotLoader(store: store).build(graph: graph)
        #expect(snap.graph == graph)
        #expect(snap.changeSeq == 1)
        checkSnapshot(snap, against: triples)
        #expect(snap.provenance.allSatisfy { $0 == 0 })
        #expect(snap.split.allSatisfy { $0 == -1 })

        // The builder fed directly (no database) gives the very same arrays.
        var builder = SnapshotBuilder(graph: graph, changeSeq: 1)
        for t in triples.sorted() { builder.add(Triple(.name(t.s), .name(t.p), .name(t.o))) }
        let direct = builder.build()
        #expect(direct.nodeTermIDs == snap.nodeTermIDs)
        #expect(direct.relationTermIDs == snap.relationTermIDs)
        #expect(direct.outOffsets == snap.outOffsets)
        #expect(direct.outTargets == snap.outTargets)
        #expect(direct.outRelations == snap.outRelations)
        #expect(direct.inOffsets == snap.inOffsets)
        #expect(direct.inSources == snap.inSources)
        #expect(direct.inRelations == snap.inRelations)
        #expect(direct.inEdges == snap.inEdges)
    }

    @Test("SnapshotBuilder alone, with edges in any order, provenance and splits", arguments: seeds)
    func builderRandomGraph(seed: UInt64) throws {
        let (_, triples) = randomGraph(seed: seed &* 7919)
        var rng = SeededRandom(seed: seed)
        var labels: [NameTriple: (Provenance, Split?)] = [:]
        var builder = SnapshotBuilder(graph: "direct", changeSeq: 5, expectedEdges: triples.count)
        for t in triples.shuffled(using: &rng) {
            let label = (Provenance.allCases.randomElement(using: &rng)!, [nil, Split.train, .valid, .test].randomElement(using: &rng)!)
            labels[t] = label
            builder.add(Triple(.name(t.s), .name(t.p), .name(t.o)), provenance: label.0, split: label.1)
        }
        let snap = builder.build()
        #expect(snap.graph == "direct")
        #expect(snap.changeSeq == 5)
        checkSnapshot(snap, against: triples)
        for u in 0..<Int32(snap.nodeCount) {
            for e in snap.outEdges(of: u) {
                let t = NameTriple(snap.nodeName(u), snap.relationName(snap.outRelations[e]), snap.nodeName(snap.outTargets[e]))
                let want = try #require(labels[t])
                #expect(snap.provenance[e] == UInt8(want.0.rawValue))
                #expect(snap.split[e] == (want.1.map { Int8($0.rawValue) } ?? -1))
            }
        }
    }

    @Test("An empty builder gives an empty snapshot")
    func emptyBuilder() {
        let snap = SnapshotBuilder(graph: "empty").build()
        #expect(snap.nodeCount == 0)
        #expect(snap.edgeCount == 0)
        #expect(snap.relationCount == 0)
        #expect(snap.outOffsets == [0])
        #expect(snap.inOffsets == [0])
    }

    @Test("RDF terms keep their kinds in the snapshot and are found by display name")
    func rdfTermsByName() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("snap-rdf")
        let doc = """
            <http://ex.org/a> <http://ex.org/p> "chat"@fr .
            <http://ex.org/a> <http://ex.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
            <http://ex.org/a> <http://ex.org/q> <http://ex.org/b> .

            """
        try store.load(graph: graph, inputs: [.bytes(name: "d.nt", Array(doc.utf8))])
        let snap = try SnapshotLoader(store: store).build(graph: graph)
        #expect(snap.nodeCount == 4)
        #expect(snap.relationCount == 2)
        let a = try #require(snap.node(named: "<http://ex.org/a>"))
        #expect(snap.node(named: "http://ex.org/a") == a)
        let chat = try #require(snap.node(named: "\"chat\"@fr"))
        #expect(snap.nodeTerms[Int(chat)] == .literal("chat", datatype: nil, language: "fr"))
        #expect(snap.node(named: "\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>") != nil)
        #expect(snap.outDegree(a) == 3)
        #expect(snap.inDegree(chat) == 1)
    }

    @Test("Adjacency grouping with 64- and 128-bit entries matches a sort by (row, relation, column, input)",
          arguments: [UInt64(1), 2, 3, 4])
    func adjacencyEntryWidths(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let n = Int.random(in: 2...40, using: &rng), r = Int.random(in: 1...6, using: &rng)
        var rows: [Int32] = [], relations: [Int32] = [], columns: [Int32] = []
        func edge(_ u: Int) {
            rows.append(Int32(u))
            relations.append(Int32.random(in: 0..<Int32(r), using: &rng))
            columns.append(Int32.random(in: 0..<Int32(n), using: &rng))
        }
        for _ in 0..<Int.random(in: 0...200, using: &rng) { edge(Int.random(in: 0..<n, using: &rng)) }
        // A hub past the insertion-sort limit, so that its row is radix sorted; repeats included.
        for _ in 0..<Int.random(in: 65...300, using: &rng) { edge(0) }
        for _ in 0..<5 where !rows.isEmpty {
            let i = Int.random(in: 0..<rows.count, using: &rng)
            rows.append(rows[i]); relations.append(relations[i]); columns.append(columns[i])
        }
        let nodeMap = (0..<Int32(n)).shuffled(using: &rng), relationMap = (0..<Int32(r)).shuffled(using: &rng)
        let expected = rows.indices.map { i in
            (row: nodeMap[Int(rows[i])], relation: relationMap[Int(relations[i])], column: nodeMap[Int(columns[i])], edge: Int32(i))
        }.sorted { ($0.row, $0.relation, $0.column, $0.edge) < ($1.row, $1.relation, $1.column, $1.edge) }
        var offsets = [Int](repeating: 0, count: n + 1)
        for e in expected { offsets[Int(e.row) + 1] += 1 }
        for u in 0..<n { offsets[u + 1] += offsets[u] }
        for wide in [false, true] {
            let a = Adjacency(
                rows: rows, relations: relations, columns: columns, nodeMap: nodeMap, relationMap: relationMap,
                relationCount: r, wide: wide)
            #expect(a.offsets == offsets, "wide \(wide)")
            #expect(a.columns == expected.map(\.column), "wide \(wide)")
            #expect(a.relations == expected.map(\.relation), "wide \(wide)")
            #expect(a.edges == expected.map(\.edge), "wide \(wide)")
        }
    }

    @Test("Dictionaries sort by id with their terms; keys sort with their positions")
    func dictionarySort() {
        var rng = SeededRandom(seed: 11)
        // Ids spread over the whole range, as term hashes are, plus close ones in one bucket.
        var ids = (0..<3000).map { _ in Int64.random(in: .min ... .max, using: &rng) } + (0..<50).map { Int64($0) }
        ids.shuffle(using: &rng)
        var terms = ids.map { Term.name("t\($0)") }
        let (order, sorted) = sortKeys(ids)
        #expect(sorted == ids.sorted())
        #expect(order.map { ids[Int($0)] } == sorted)
        sortDictionary(ids: &ids, terms: &terms)
        #expect(ids == sorted)
        #expect(terms == sorted.map { Term.name("t\($0)") })
        #expect(isSorted(ids) && !isSorted([2, 1]))
    }
}
