import Foundation
import QuiverCore
import QuiverPostgres
import QuiverStore
import Testing
import QuiverTestSupport

/// What a failed load must leave untouched.
private struct StoreState: Equatable {
    var graphs: [GraphInfo]
    var exports: [String: [String]]
    var tables: [String]

    init(_ store: Store) throws {
        graphs = try store.graphs()
        var exports: [String: [String]] = [:]
        for g in graphs { exports[g.name] = try store.exportedLines(g.name) }
        self.exports = exports
        tables = try store.graphTables()
    }
}

extension Store {
    /// The per-graph partitions (`terms_g*`, `triples_g*`) that exist in the database.
    func graphTables() throws -> [String] {
        try withConnection { conn in
            let r = try conn.execute("""
                SELECT tablename FROM pg_tables
                WHERE tablename LIKE 'terms\\_g%' OR tablename LIKE 'triples\\_g%' ORDER BY tablename
                """)
            return (0..<r.rowCount).compactMap { r.string($0, 0) }
        }
    }
}

/// Expects `body` to throw `StoreError.parse` and returns the parse error.
private func expectParseError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> ParseError? {
    do {
        try body()
        Issue.record("expected a parse error, but the load succeeded", sourceLocation: sourceLocation)
    } catch StoreError.parse(let e) {
        return e
    } catch {
        Issue.record("expected StoreError.parse, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

@Suite("A failed load changes nothing")
struct AtomicityTests {
    @Test("A syntax error on line 3 leaves an existing graph, the graph list and the tables exactly as they were")
    func failedLoadIntoExistingGraph() throws {
        let store = try TestCluster.isolatedStore("atomic_existing")
        let dir = try scratchDirectory("quiver-atomic")
        try store.load(graph: "g", inputs: [.file(Datasets.path("nations", "train"))], options: .init(split: .train))
        try store.load(graph: "other", inputs: [.bytes(name: "o.tsv", Array("a\tb\tc\n".utf8))])
        let before = try StoreState(store)
        #expect(before.graphs.map(\.name) == ["g", "other"])
        #expect(before.graphs.map(\.tripleCount) == [1592, 1])
        #expect(before.tables.count == 4)

        // Two good lines (one of them new to g), then a line with two fields.
        let bad = try writeFile(dir, "bad.tsv", "usa\tnewrel\tuk\nbrazil\tnewrel\tcuba\nbad\tline\nlast\tr\tx\n")
        let e1 = expectParseError { try store.load(graph: "g", inputs: [.file(bad)]) }
        #expect(e1?.file == bad)
        #expect(e1?.line == 3)
        #expect(e1?.column == 9)
        #expect(e1?.found == "2 fields")
        #expect(try StoreState(store) == before)

        // Several files: the first is good (and would add triples), the second is bad.
        let good = try writeFile(dir, "good.tsv", "p\tq\tr\ns\tt\tu\n")
        let e2 = expectParseError { try store.load(graph: "g", inputs: [.file(good), .file(bad)]) }
        #expect(e2?.file == bad)
        #expect(e2?.line == 3)
        #expect(e2?.column == 9)
        #expect(try StoreState(store) == before)

        // An N-Triples error, with a batch size small enough that good batches were already streamed.
        let badNT = try writeFile(dir, "bad.nt", """
            <http://a> <http://b> <http://c> .
            <http://a> <http://b> <http://d> .
            <http://a> <http://b> "unterminated .

            """)
        let e3 = expectParseError { try store.load(graph: "g", inputs: [.file(badNT)], options: .init(batchSize: 1)) }
        #expect(e3?.file == badNT)
        #expect(e3?.line == 3)
        #expect(try StoreState(store) == before)
    }

    @Test("A failed load into a new graph leaves no graph and no tables behind")
    func failedLoadIntoNewGraph() throws {
        let store = try TestCluster.isolatedStore("atomic_new")
        let dir = try scratchDirectory("quiver-atomic-new")
        try store.load(graph: "kept", inputs: [.bytes(name: "k.tsv", Array("a\tb\tc\n".utf8))])
        let before = try StoreState(store)
        let kept = try #require(before.graphs.first)
        #expect(before.tables == ["terms_g\(kept.id)", "triples_g\(kept.id)"])

        let bad = try writeFile(dir, "bad.tsv", "a\tb\tc\nd\te\tf\n\tg\th\n")
        let e = expectParseError { try store.load(graph: "fresh", inputs: [.file(bad)], options: .init(batchSize: 1)) }
        #expect(e?.file == bad)
        #expect(e?.line == 3)
        #expect(e?.column == 1)
        #expect(try store.graph(named: "fresh") == nil)
        #expect(try store.changeSeq(of: "fresh") == nil)
        #expect(try StoreState(store) == before)
        let rows = try store.withConnection { try $0.execute("SELECT count(*) FROM graphs WHERE name = 'fresh'").int(0, 0) }
        #expect(rows == 0)

        // The name is free: a good load creates the graph from scratch.
        let ok = try store.load(graph: "fresh", inputs: [.bytes(name: "ok.tsv", Array("a\tb\tc\n".utf8))])
        #expect(ok.new == 1)
        #expect(try store.graphs().map(\.name) == ["fresh", "kept"])
    }

    @Test("A missing input file fails the whole load")
    func missingFile() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("atomic-missing")
        try store.load(graph: graph, inputs: [.bytes(name: "a.tsv", Array("a\tb\tc\n".utf8))])
        let seq = try store.changeSeq(of: graph)
        #expect(throws: StoreError.self) {
            try store.load(graph: graph, inputs: [.bytes(name: "b.tsv", Array("x\ty\tz\n".utf8)), .file("/nonexistent/quiver/x.tsv")])
        }
        #expect(try store.nameTriples(graph) == [NameTriple("a", "b", "c")])
        #expect(try store.changeSeq(of: graph) == seq)
    }

    @Test("A cancelled load throws cancelled and stores nothing, in a new and in an existing graph")
    func cancelledLoad() throws {
        let store = try TestCluster.store()
        let g = uniqueGraphName("cancel")
        let lines = (0..<5_000).map { "n\($0)\tr\tn\($0 + 1)" }.joined(separator: "\n") + "\n"
        for round in 0..<2 {
            let before = try store.graph(named: g)
            let token = CancellationToken()
            var options = LoadOptions()
            options.batchSize = 100
            options.cancellation = token
            #expect(throws: StoreError.self) {
                try store.load(graph: g, inputs: [.bytes(name: "big.tsv", Array(lines.utf8))], options: options) { p in
                    if p.triplesRead >= 300 { token.cancel() }
                }
            }
            #expect(try store.graph(named: g) == before, "round \(round)")
            if round == 0 {
                try store.load(graph: g, inputs: [.bytes(name: "one.tsv", Array("a\tr\tb\n".utf8))])
            }
        }
        #expect(try store.exportedLines(g) == ["a\tr\tb"])
    }
}
