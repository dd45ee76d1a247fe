import Foundation
import QuiverCore
import QuiverParsers
import QuiverStore
import Testing
import QuiverTestSupport

/// Blank-node-free triples compared exactly; triples with blank nodes by count, and the blank
/// nodes by how many distinct ones there are (labels are rewritten by the store).
struct RDFShape: Equatable, CustomStringConvertible {
    var ground: Set<Triple>
    var blankTriples: Int
    var blankNodes: Int

    init(_ triples: [Triple]) {
        var ground: Set<Triple> = []
        var blankTriples = 0
        var labels: Set<String> = []
        for t in triples {
            var hasBlank = false
            for term in [t.subject, t.predicate, t.object] {
                if case .blank(let l) = term { hasBlank = true; labels.insert(l) }
            }
            if hasBlank { blankTriples += 1 } else { ground.insert(t) }
        }
        self.ground = ground
        self.blankTriples = blankTriples
        self.blankNodes = labels.count
    }

    var description: String { "\(ground.count) ground triples, \(blankTriples) with blanks, \(blankNodes) blank nodes" }
}

@Suite("Load and export round trips")
struct LoadExportTests {
    @Test("Nations train loaded from a file exports as the same TSV lines")
    func tsvRoundTrip() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("rt-tsv")
        let input = try Datasets.lines("nations", "train")
        let report = try store.load(graph: graph, inputs: [.file(Datasets.path("nations", "train"))])
        #expect(report.read == 1592)
        #expect(report.new == 1592)
        #expect(try store.exportedLines(graph) == input.sorted())
        #expect(try store.graph(named: graph)?.tripleCount == 1592)
    }

    static let ntDocument = #"""
        # a comment line
        <http://example.org/alice> <http://xmlns.com/foaf/0.1/name> "Alice"@en .
        <http://example.org/alice> <http://xmlns.com/foaf/0.1/name> "Alicia"@es-MX .
        <http://example.org/alice> <http://example.org/age> "42"^^<http://www.w3.org/2001/XMLSchema#integer> .
        <http://example.org/alice> <http://example.org/note> "line one\nline \"two\"\t\\ end" .
        <http://example.org/alice> <http://example.org/snow> "h\u00E9llo \U0001F600 ☃" .
        <http://example.org/alice> <http://xmlns.com/foaf/0.1/knows> _:bob .
        _:bob <http://xmlns.com/foaf/0.1/name> "Bob" .
        _:bob <http://xmlns.com/foaf/0.1/knows> _:carol .
        _:carol <http://xmlns.com/foaf/0.1/knows> _:bob .
        _:carol <http://example.org/self> _:carol .
        <http://example.org/alice> <http://example.org/height> "1.70"^^<http://www.w3.org/2001/XMLSchema#decimal> .
        <http://example.org/alice> <http://example.org/home> <http://example.org/places/Z%C3%BCrich> .

        """#

    @Test("N-Triples with literals, languages, datatypes and blank nodes survive load and export")
    func nTriplesRoundTrip() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("rt-nt")
        let input = try parseNTriples(Self.ntDocument, fileName: "doc.nt")
        #expect(input.count == 12)
        let report = try store.load(graph: graph, inputs: [.bytes(name: "doc.nt", Array(Self.ntDocument.utf8))])
        #expect(report.read == 12)
        #expect(report.new == 12)
        #expect(report.duplicates == 0)
        let exported = try store.exportText(graph, format: .ntriples)
        let back = try parseNTriples(exported)
        #expect(back.count == 12)
        let inShape = RDFShape(input), outShape = RDFShape(back)
        #expect(outShape == inShape)
        #expect(inShape.blankTriples == 5)
        #expect(inShape.blankNodes == 2)
        // A few exact terms, independent of the parser's view of the input.
        #expect(back.contains(Triple(.iri("http://example.org/alice"), .iri("http://xmlns.com/foaf/0.1/name"),
                                     .literal("Alicia", datatype: nil, language: "es-MX"))))
        #expect(back.contains(Triple(.iri("http://example.org/alice"), .iri("http://example.org/note"),
                                     .literal("line one\nline \"two\"\t\\ end", datatype: nil, language: nil))))
        #expect(back.contains(Triple(.iri("http://example.org/alice"), .iri("http://example.org/snow"),
                                     .literal("héllo 😀 ☃", datatype: nil, language: nil))))
        // The one self-loop on a blank node stays a self-loop.
        let selfLoops = back.filter { $0.predicate == .iri("http://example.org/self") }
        #expect(selfLoops.count == 1)
        #expect(selfLoops.first.map { $0.subject == $0.object } == true)
    }

    static let turtleDocument = #"""
        @prefix ex: <http://example.org/> .
        @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

        ex:alice a foaf:Person ;
            foaf:name "Alice"@en, "Alicja"@pl ;
            ex:age 42 ;
            ex:height 1.70 ;
            ex:ratio 2.5e0 ;
            ex:active true ;
            ex:born "1990-01-02"^^xsd:date ;
            ex:bio """A long
        biography with "quotes".""" ;
            foaf:knows [ foaf:name "Bob" ; foaf:knows _:carol ] ;
            ex:likes ( ex:tea ex:cake ) ;
            ex:home <rel/home> .
        _:carol foaf:name "Carol" ; foaf:knows _:carol .

        """#

    @Test("Turtle with prefixes, lists, anonymous and labelled blank nodes survives load and export as N-Triples")
    func turtleRoundTrip() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("rt-ttl")
        let base = "http://example.org/base/"
        let input = try parseTurtle(Self.turtleDocument, baseIRI: base)
        // 12 statements about alice, 2 in [ ], 4 for the list, 2 about carol.
        #expect(input.count == 20)
        let report = try store.load(
            graph: graph, inputs: [.bytes(name: "doc.ttl", Array(Self.turtleDocument.utf8))],
            options: LoadOptions(baseIRI: base))
        #expect(report.read == 20)
        #expect(report.new == 20)
        let back = try parseNTriples(try store.exportText(graph, format: .ntriples))
        #expect(back.count == 20)
        #expect(RDFShape(back) == RDFShape(input))
        let alice = Term.iri("http://example.org/alice")
        #expect(back.contains(Triple(alice, .iri("http://example.org/home"), .iri("http://example.org/base/rel/home"))))
        #expect(back.contains(Triple(alice, .iri("http://example.org/age"),
                                     .literal("42", datatype: "http://www.w3.org/2001/XMLSchema#integer", language: nil))))
        #expect(back.contains(Triple(alice, .iri("http://example.org/bio"),
                                     .literal("A long\nbiography with \"quotes\".", datatype: nil, language: nil))))
        #expect(back.contains(Triple(alice, .iri("http://xmlns.com/foaf/0.1/name"),
                                     .literal("Alicja", datatype: nil, language: "pl"))))
    }

    @Test("The same blank label in two files of one load is two nodes")
    func blankLabelsAreScopedPerFile() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("rt-blank")
        let doc = "_:x <http://example.org/p> <http://example.org/o> .\n"
        try store.load(graph: graph, inputs: [.bytes(name: "a.nt", Array(doc.utf8)), .bytes(name: "b.nt", Array(doc.utf8))])
        let back = try parseNTriples(try store.exportText(graph, format: .ntriples))
        #expect(back.count == 2)
        #expect(RDFShape(back).blankNodes == 2)
    }
}

@Suite("Duplicate triples")
struct DuplicateTests {
    @Test("Loading the same file twice adds nothing the second time")
    func sameFileTwice() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("dup-twice")
        let triples = try Datasets.triples("nations", "train")
        let terms = triples.entityNames.union(triples.relationNames).count
        let path = Datasets.path("nations", "train")
        let first = try store.load(graph: graph, inputs: [.file(path)])
        #expect(first.graph == graph)
        #expect(first.read == 1592)
        #expect(first.new == 1592)
        #expect(first.duplicates == 0)
        #expect(first.newTerms == terms)
        let second = try store.load(graph: graph, inputs: [.file(path)])
        #expect(second.graph == graph)
        #expect(second.read == 1592)
        #expect(second.new == 0)
        #expect(second.duplicates == 1592)
        #expect(second.newTerms == 0)
        #expect(try store.graph(named: graph)?.tripleCount == 1592)
    }

    @Test("Duplicate lines inside one file, and across files of one load, are counted")
    func duplicatesWithinALoad() throws {
        let store = try TestCluster.store()
        let graph = uniqueGraphName("dup-within")
        let dir = try scratchDirectory("quiver-dup")
        let a = try writeFile(dir, "a.tsv", "x\tr\ty\nx\tr\ty\ny\tr\tz\nx\tr\ty\n")
        let b = try writeFile(dir, "b.tsv", "y\tr\tz\nz\ts\tx\n")
        let fresh = try store.load(graph: graph, inputs: [.file(a), .file(b)])
        #expect(fresh.graph == graph)
        #expect((fresh.read, fresh.new, fresh.duplicates, fresh.newTerms) == (6, 3, 3, 5))
        // Into the now existing graph (the merge path): one new triple, one term new to the graph.
        let c = try writeFile(dir, "c.tsv", "z\ts\tx\nz\ts\tx\nz\ts\tw\n")
        let merged = try store.load(graph: graph, inputs: [.file(c)])
        #expect((merged.read, merged.new, merged.duplicates, merged.newTerms) == (3, 1, 2, 1))
        #expect(try store.nameTriples(graph) == [
            NameTriple("x", "r", "y"), NameTriple("y", "r", "z"), NameTriple("z", "s", "x"), NameTriple("z", "s", "w"),
        ])
    }
}
