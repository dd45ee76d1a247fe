import QuiverCore
@testable import QuiverParsers
import Testing

@Suite("RDF N-Quads reader")
struct RDFNQuadsReaderTests {
    typealias T = RDFTest

    static let document = """
    # a dataset
    <http://example/s> <http://example/p> <http://example/o> .
    <http://example/s> <http://example/p> "in g" <http://example/g> .
    _:b <http://example/p> "chat"@fr _:g .\r
    <http://example/s> <http://example/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <http://example/g>.
    <http://example/s><http://example/p>_:o<http://example/g>.# packed
    """

    static let expected: [Quad] = [
        Quad(T.ex("s"), T.ex("p"), T.ex("o")),
        Quad(T.ex("s"), T.ex("p"), T.lit("in g"), graph: T.ex("g")),
        Quad(T.blank("b"), T.ex("p"), T.lit("chat", lang: "fr"), graph: T.blank("g")),
        Quad(T.ex("s"), T.ex("p"), T.typed("1", "integer"), graph: T.ex("g")),
        Quad(T.ex("s"), T.ex("p"), T.blank("o"), graph: T.ex("g")),
    ]

    @Test func graphLabelsAreIRIsOrBlankNodesAndOptional() throws {
        #expect(try T.nq(Self.document) == Self.expected)
    }

    @Test func sameQuadsWhateverTheReadAndBatchSizes() throws {
        for step in [1, 2, 7, 64] {
            for batchSize in [1, 2, 1000] {
                #expect(try T.nq(Self.document, step: step, batchSize: batchSize) == Self.expected)
            }
        }
    }

    @Test func nTriplesIsNQuadsInTheDefaultGraph() throws {
        let nt = "<http://example/s> <http://example/p> \"o\" .\n_:a <http://example/p> _:b .\n"
        #expect(try T.nq(nt) == T.nt(nt).map { Quad($0) })
    }

    /// Read as triples, the default graph comes out and a named graph stops the read at its label.
    @Test func readAsTriplesRefusesNamedGraphs() throws {
        var reader = NQuadsReader(source: MemoryByteSource(Self.document), fileName: "d.nq")
        var batch: [Triple] = []
        #expect(try reader.readBatch(into: &batch, maxCount: 1))
        #expect(batch == [Triple(T.ex("s"), T.ex("p"), T.ex("o"))])
        var thrown: ParseError?
        do { _ = try reader.readBatch(into: &batch, maxCount: 10) } catch let e as ParseError { thrown = e }
        #expect(thrown == ParseError(file: "d.nq", line: 3, column: 46, found: "'<http://example/g>'",
                                     expected: "a statement in the default graph (named graphs can only be read as quads)"))
        #expect(try reader.readBatch(into: &batch, maxCount: 10) == false)
        // A file with the default graph only reads as triples in full.
        var plain = NQuadsReader(source: MemoryByteSource("<http://example/s> <http://example/p> \"o\" .\n"), fileName: "p.nq")
        #expect(try T.drain(&plain) == [Triple(T.ex("s"), T.ex("p"), T.lit("o"))])
    }

    /// (document, line, column, expected-message fragment).
    static let invalid: [(String, Int, Int, String)] = [
        ("<http://example/s> <http://example/p> <http://example/o> \"g\" .\n", 1, 58, "graph label (IRI or blank node) or '.'"),
        ("<http://example/s> <http://example/p> <http://example/o> <http://example/g>\n", 1, 76, "'.' to end the quad"),
        ("<http://example/s> <http://example/p> <http://example/o> <http://example/g> <http://example/x> .\n", 1, 77, "'.' to end the quad"),
        ("<http://example/s> <http://example/p> <http://example/o> <g> .\n", 1, 58, "absolute IRI"),
        ("<http://example/s> <http://example/p> <http://example/o> _:g:h .\n", 1, 61, "':' is not one"),
        ("<http://example/s> <http://example/p> <http://example/o> <http://example/\\u007Bg> .\n", 1, 74, "an escape of a character IRIs allow"),
        ("<http://example/s> <http://example/p> <http://example/o> _: .\n", 1, 60, "blank node label"),
        ("<http://example/s> <http://example/p> <http://example/o>\n", 1, 57, "graph label (IRI or blank node) or '.'"),
        ("\n<http://example/s> <http://example/p> \"o\" <http://example/g> . x\n", 2, 64, "end of line after '.'"),
    ]

    @Test(arguments: 0..<invalid.count)
    func invalidDocumentsReportPosition(index: Int) {
        let (doc, line, column, expected) = Self.invalid[index]
        var seen: ParseError?
        for step in [nil, 1, 3] as [Int?] {
            let e = T.error { try T.nq(doc, step: step) }
            #expect(e?.line == line && e?.column == column, "doc \(index) step \(String(describing: step)): \(String(describing: e))")
            #expect(e?.expected.contains(expected) == true, "doc \(index): \(String(describing: e))")
            #expect(e?.file == "test.nq")
            if let seen { #expect(e == seen, "doc \(index): the same error whatever the read size") }
            seen = e
        }
    }

    @Test func errorNamesWhatWasFound() {
        let e = T.error { try T.nq("<http://example/s> <http://example/p> <http://example/o> \"g\" .\n") }
        #expect(e == ParseError(file: "test.nq", line: 1, column: 58, found: "'\"g\"'",
                                expected: "graph label (IRI or blank node) or '.' to end the statement"))
    }
}
