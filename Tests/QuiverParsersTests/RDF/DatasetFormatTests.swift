import QuiverCore
@testable import QuiverParsers
import Testing

@Suite("Dataset input formats")
struct DatasetFormatTests {
    typealias T = RDFTest

    @Test func namesAndFileExtensions() {
        #expect(InputFormat(name: "nq") == .nquads)
        #expect(InputFormat(name: "N-Quads") == .nquads)
        #expect(InputFormat(name: "trig") == .trig)
        #expect(InputFormat.detect(fileName: "dump.nq") == .nquads)
        #expect(InputFormat.detect(fileName: "Dump.NQ.gz") == .nquads)
        #expect(InputFormat.detect(fileName: "data.trig") == .trig)
        #expect(InputFormat.allCases.filter(\.hasNamedGraphs) == [.nquads, .trig])
    }

    static func quads(_ format: InputFormat, _ text: String) throws -> [Quad] {
        var reader = makeQuadReader(format: format, source: MemoryByteSource(text), fileName: "x", baseIRI: "http://example/")
        var all: [Quad] = []
        var batch: [Quad] = []
        while try reader.readBatch(into: &batch, maxCount: 2) {
            all += batch
            batch.removeAll()
        }
        return all
    }

    @Test func quadReaderForEveryFormat() throws {
        let s = T.ex("s"), p = T.ex("p")
        #expect(try Self.quads(.nquads, "<http://example/s> <http://example/p> \"o\" <http://example/g> .\n")
            == [Quad(s, p, T.lit("o"), graph: T.ex("g"))])
        #expect(try Self.quads(.trig, "<g> { <s> <p> \"o\" }") == [Quad(s, p, T.lit("o"), graph: T.ex("g"))])
        // Triple formats fill the default graph.
        #expect(try Self.quads(.turtle, "<s> <p> 1, 2, 3 .").map(\.graph) == [nil, nil, nil])
        #expect(try Self.quads(.ntriples, "<http://example/s> <http://example/p> \"o\" .\n") == [Quad(s, p, T.lit("o"))])
        #expect(try Self.quads(.tsv, "a\tb\tc\n") == [Quad(.name("a"), .name("b"), .name("c"))])
    }

    /// Read through `makeTripleReader` (what `quiver load` does today), a dataset's default graph
    /// loads and a named graph is refused where it is named.
    @Test func tripleReaderForDatasetFormats() throws {
        for (format, doc, line, column) in [
            (InputFormat.nquads, "<http://example/s> <http://example/p> \"o\" .\n<http://example/s> <http://example/p> \"o\" <http://example/g> .\n", 2, 43),
            (.trig, "<s> <p> 1 .\n{ <s> <p> 2 }\n  GRAPH <g> { <s> <p> 3 }", 3, 3),
        ] {
            var reader = makeTripleReader(format: format, source: MemoryByteSource(doc), fileName: "d", baseIRI: "http://example/")
            var batch: [Triple] = []
            var thrown: ParseError?
            do {
                while try reader.readBatch(into: &batch, maxCount: 10) {}
            } catch let e as ParseError { thrown = e }
            #expect(batch.count == (format == .trig ? 2 : 1))
            #expect(thrown?.line == line && thrown?.column == column, "\(format): \(String(describing: thrown))")
            #expect(thrown?.expected == "a statement in the default graph (named graphs can only be read as quads)")
        }
    }
}
