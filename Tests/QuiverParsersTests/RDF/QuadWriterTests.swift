import QuiverCore
@testable import QuiverParsers
import Testing

@Suite("RDF N-Quads and TriG writers")
struct RDFQuadWriterTests {
    typealias T = RDFTest
    typealias Random = RDFNTriplesSerializerTests

    static func write(_ quads: [Quad], as format: QuadOutputFormat) throws -> String {
        var writer = QuadWriter(format: format)
        var out: [UInt8] = []
        for q in quads { try writer.append(q, to: &out) }
        writer.finish(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static let sample: [Quad] = [
        Quad(T.ex("s"), T.ex("p"), T.lit("a\"b\n", lang: "en")),
        Quad(T.ex("s"), T.ex("p"), T.ex("o"), graph: T.ex("g")),
        Quad(T.blank("b"), T.ex("p"), T.typed("1", "integer"), graph: T.ex("g")),
        Quad(T.ex("s"), T.ex("p"), T.lit("x"), graph: T.blank("h")),
        Quad(T.ex("s"), T.ex("p"), T.lit("back in the default graph")),
        Quad(T.ex("s"), T.ex("p"), T.ex("o2"), graph: T.ex("g")),
    ]

    @Test func nQuadsLines() throws {
        #expect(try Self.write(Self.sample, as: .nquads) == #"""
        <http://example/s> <http://example/p> "a\"b\n"@en .
        <http://example/s> <http://example/p> <http://example/o> <http://example/g> .
        _:b <http://example/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <http://example/g> .
        <http://example/s> <http://example/p> "x" _:h .
        <http://example/s> <http://example/p> "back in the default graph" .
        <http://example/s> <http://example/p> <http://example/o2> <http://example/g> .

        """#)
    }

    @Test func triGBlocksPerRunOfAGraph() throws {
        #expect(try Self.write(Self.sample, as: .trig) == #"""
        <http://example/s> <http://example/p> "a\"b\n"@en .
        <http://example/g> {
          <http://example/s> <http://example/p> <http://example/o> .
          _:b <http://example/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
        }
        _:h {
          <http://example/s> <http://example/p> "x" .
        }
        <http://example/s> <http://example/p> "back in the default graph" .
        <http://example/g> {
          <http://example/s> <http://example/p> <http://example/o2> .
        }

        """#)
    }

    @Test func bothFormatsReadBack() throws {
        let nq = try Self.write(Self.sample, as: .nquads)
        #expect(try T.nq(nq) == Self.sample)
        let trig = try Self.write(Self.sample, as: .trig)
        #expect(try T.trig(trig) == Self.sample)
    }

    /// Random terms of every kind (the N-Triples serializer's generator: odd characters in literals,
    /// IRIs and labels) in random graphs, written and read back, whole and trickled.
    @Test func randomQuadsRoundTrip() throws {
        var rng = SeededRandom(seed: 7)
        var quads: [Quad] = []
        for _ in 0..<2000 {
            let graph: Term? = switch rng.next(below: 4) {
            case 0: nil
            case 1: .blank(Random.randomLabel(&rng))
            default: .iri(Random.randomIRI(&rng))
            }
            // Runs of one graph, so that TriG writes blocks of several statements.
            for _ in 0..<(1 + rng.next(below: 3)) {
                quads.append(Quad(Random.randomSubject(&rng), .iri(Random.randomIRI(&rng)), Random.randomObject(&rng), graph: graph))
            }
        }
        let nq = try Self.write(quads, as: .nquads)
        #expect(try T.nq(nq) == quads)
        #expect(try T.nq(nq, step: 97, batchSize: 333) == quads)
        let trig = try Self.write(quads, as: .trig)
        T.expectSameQuads(try T.trig(trig), quads)
        T.expectSameQuads(try T.trig(trig, step: 97, chunkSize: 64, batchSize: 333), quads)
    }

    @Test func plainNamesBecomeIRIsAsInTripleWriter() throws {
        let q = Quad(.name("usa"), .name("borders"), .name("new york"), graph: .name("nations"))
        #expect(try Self.write([q], as: .nquads)
            == "<urn:quiver:name:usa> <urn:quiver:name:borders> <urn:quiver:name:new%20york> <urn:quiver:name:nations> .\n")
    }

    @Test func aLiteralCannotNameAGraph() throws {
        for format in QuadOutputFormat.allCases {
            var writer = QuadWriter(format: format)
            var out: [UInt8] = []
            try writer.append(Quad(T.ex("s"), T.ex("p"), T.ex("o"), graph: T.ex("g")), to: &out)
            let before = out
            #expect(throws: QuadWriter.UnrepresentableGraphName.self) {
                try writer.append(Quad(T.ex("s"), T.ex("p"), T.ex("o"), graph: T.lit("g")), to: &out)
            }
            #expect(out == before, "nothing is written for the refused quad")
            let message = QuadWriter.UnrepresentableGraphName(graph: T.lit("g")).message.rendered(for: .cli)
            #expect(message == #"the graph name "g" is a literal; N-Quads and TriG name graphs with IRIs or blank nodes"#)
        }
    }

    @Test func formatNames() {
        #expect(QuadOutputFormat(name: "N-Quads") == .nquads)
        #expect(QuadOutputFormat(name: "nq") == .nquads)
        #expect(QuadOutputFormat(name: "TriG") == .trig)
        #expect(QuadOutputFormat(name: "nt") == nil)
    }
}
