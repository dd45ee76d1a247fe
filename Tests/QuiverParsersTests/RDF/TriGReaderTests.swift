import QuiverCore
@testable import QuiverParsers
import Testing

@Suite("RDF TriG reader")
struct RDFTriGReaderTests {
    typealias T = RDFTest

    static let document = """
    @prefix : <http://example/> .
    :a :p 1 .
    { :a :p 2 }
    :g { :a :p 3 . :a :p 4 . }
    GRAPH :g { :a :p 5 }
    graph <h> { _:x :p [ :q "six" ] }
    _:x { _:x :p ( 7 ) . }
    [] { :a :p 8 }
    [ :p 9 ] .
    BASE <http://other/>
    <k> { <a> <p> <o> }
    """

    static var expected: [Quad] {
        let g = T.ex("g"), h = T.iri("http://example/base/h")
        func n(_ v: String) -> Term { T.typed(v, "integer") }
        return [
            Quad(T.ex("a"), T.ex("p"), n("1")),
            Quad(T.ex("a"), T.ex("p"), n("2")),
            Quad(T.ex("a"), T.ex("p"), n("3"), graph: g),
            Quad(T.ex("a"), T.ex("p"), n("4"), graph: g),
            Quad(T.ex("a"), T.ex("p"), n("5"), graph: g),
            Quad(T.blank("x"), T.ex("p"), T.blank("genid1"), graph: h),
            Quad(T.blank("genid1"), T.ex("q"), T.lit("six"), graph: h),
            Quad(T.blank("x"), T.ex("p"), T.blank("genid2"), graph: T.blank("x")),
            Quad(T.blank("genid2"), T.iri(T.rdf + "first"), n("7"), graph: T.blank("x")),
            Quad(T.blank("genid2"), T.iri(T.rdf + "rest"), T.iri(T.rdf + "nil"), graph: T.blank("x")),
            Quad(T.ex("a"), T.ex("p"), n("8"), graph: T.blank("genid3")),
            Quad(T.blank("genid4"), T.ex("p"), n("9")),
            Quad(T.iri("http://other/a"), T.iri("http://other/p"), T.iri("http://other/o"), graph: T.iri("http://other/k")),
        ]
    }

    @Test func everyWayOfNamingAGraph() throws {
        T.expectSameQuads(try T.trig(Self.document), Self.expected)
    }

    @Test func sameQuadsWhateverTheReadChunkAndBatchSizes() throws {
        for step in [1, 2, 3, 5, 64] {
            for chunk in [16, 17, 256 * 1024] {
                for batchSize in [1, 1000] where step == 1 || batchSize == 1000 {
                    T.expectSameQuads(try T.trig(Self.document, step: step, chunkSize: chunk, batchSize: batchSize), Self.expected)
                }
            }
        }
    }

    @Test func turtleIsTriGInTheDefaultGraph() throws {
        let ttl = RDFStreamingTests.turtleDocument
        #expect(try T.trig(ttl, base: nil) == T.ttl(ttl, base: nil).map { Quad($0) })
    }

    @Test func emptyGraphsAndDocuments() throws {
        #expect(try T.trig("").isEmpty)
        #expect(try T.trig("{}\n<http://example/g> { }\nGRAPH _:b {\n}\n# end").isEmpty)
    }

    /// Read as triples, the default graph comes out and a named graph stops the read at its name.
    @Test func readAsTriplesRefusesNamedGraphs() throws {
        var reader = TriGReader(source: MemoryByteSource(Self.document), fileName: "d.trig")
        var batch: [Triple] = []
        var thrown: ParseError?
        do {
            while try reader.readBatch(into: &batch, maxCount: 10) {}
        } catch let e as ParseError { thrown = e }
        #expect(batch.map(\.object) == [T.typed("1", "integer"), T.typed("2", "integer")])
        #expect(thrown == ParseError(file: "d.trig", line: 4, column: 1, found: "the graph name '<http://example/g>'",
                                     expected: "a statement in the default graph (named graphs can only be read as quads)"))
        for (doc, found) in [("GRAPH _:b { }", "the graph name '_:b'"), ("[] {}", "the graph name '[]'"),
                             ("_:genid1 {}", "the graph name '_:genid1'")] {
            var named = TriGReader(source: MemoryByteSource(doc), fileName: "n.trig")
            let e = T.error { try T.drain(&named) }
            #expect(e?.line == 1 && e?.column == 1 && e?.found == found, "\(doc): \(String(describing: e))")
        }
        var plain = TriGReader(source: MemoryByteSource("<http://example/s> <http://example/p> 1 . { <http://example/s> <http://example/p> 2 }"),
                               fileName: "p.trig")
        #expect(try T.drain(&plain).count == 2)
    }

    /// (document after the prefix line, line, column, expected-message fragment).
    static let invalid: [(String, Int, Int, String)] = [
        ("{ :s :p :o } .", 2, 14, "subject"),
        ("GRAPH { :s :p :o }", 2, 7, "graph name"),
        ("GRAPH :g :s :p :o .", 2, 10, "'{' to open the graph"),
        ("GRAPH \"g\" { :s :p :o }", 2, 7, "graph name"),
        ("GRAPH [ :p :o ] { :s :p :o }", 2, 9, "']' (a graph name is an IRI or a blank node)"),
        ("[ :p :o ] { :s :p :o }", 2, 11, "predicate"),
        ("( :a ) { :s :p :o }", 2, 8, "predicate"),
        (":g { :s :p :o ", 2, 15, "'}' to close the graph opened at 2:4"),
        (":g { :s :p :o .\n", 3, 1, "'}' to close the graph opened at 2:4"),
        (":g { :s :p :o . :g2 { :s :p :o } }", 2, 21, "predicate"),
        (":g { @prefix x: <http://example/x#> . }", 2, 6, "directives cannot be inside a graph"),
        (":g { PREFIX x: <http://example/x#> }", 2, 6, "directives cannot be inside a graph"),
        (":g { :s :p :o :x }", 2, 15, "'.' or '}' after the triples"),
        (":g { :s :p :o .. }", 2, 16, "subject"),
        ("{ :s :p :o , }", 2, 14, "object"),
        (":s :p :o }", 2, 10, "'.' to end the triples"),
        ("} :s :p :o .", 2, 1, "subject"),
        ("GRAPH :g { <http://example/\\u0020> :p :o }", 2, 28, "an escape of a character IRIs allow"),
    ]

    static let header = "@prefix : <http://example/> .\n"

    @Test(arguments: 0..<invalid.count)
    func invalidDocumentReportsPosition(index: Int) {
        let (body, line, column, expected) = Self.invalid[index]
        var seen: ParseError?
        for step in [nil, 1, 2, 7] as [Int?] {
            for chunk in [256 * 1024, 16] {
                let e = T.error { try T.trig(Self.header + body, step: step, chunkSize: chunk) }
                #expect(e?.line == line && e?.column == column, "case \(index) '\(body)': got \(String(describing: e))")
                #expect(e?.expected.contains(expected) == true, "case \(index) '\(body)': got \(String(describing: e))")
                #expect(e?.file == "test.trig")
                if let seen { #expect(seen == e, "case \(index): the same error whatever the chunking") }
                seen = e
            }
        }
    }

    @Test func quadsBeforeTheErrorAreDeliveredThenTheReaderStops() throws {
        let doc = Self.header + ":g { :a :p :o . :b :p :o . :c :p :o :bad }"
        var reader = TriGReader(source: MemoryByteSource(doc), fileName: "x.trig")
        var batch: [Quad] = []
        #expect(try reader.readBatch(into: &batch, maxCount: 2))
        #expect(batch.map(\.graph) == [T.ex("g"), T.ex("g")])
        #expect(throws: ParseError.self) { try reader.readBatch(into: &batch, maxCount: 2) }
        #expect(batch.count == 2)
        #expect(try reader.readBatch(into: &batch, maxCount: 2) == false)
    }
}

extension RDFTest {
    /// Compares quad lists and names the first difference.
    static func expectSameQuads(_ actual: [Quad], _ expected: [Quad], sourceLocation: SourceLocation = #_sourceLocation) {
        func text(_ q: Quad) -> String { NTriples.format(q.triple) + " in " + (q.graph.map(NTriples.format) ?? "the default graph") }
        for (k, (a, e)) in zip(actual, expected).enumerated() where a != e {
            Issue.record("quad \(k): got \(text(a)), expected \(text(e))", sourceLocation: sourceLocation)
            return
        }
        if actual.count != expected.count {
            Issue.record("got \(actual.count) quads, expected \(expected.count)", sourceLocation: sourceLocation)
        }
    }
}
