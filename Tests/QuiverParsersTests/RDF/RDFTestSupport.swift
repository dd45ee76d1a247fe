import QuiverCore
@testable import QuiverParsers
import Testing

/// A byte source that hands out at most `step` bytes per read, to push token boundaries across reads.
struct RDFTrickleSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    let step: Int

    init(_ bytes: [UInt8], step: Int) {
        self.bytes = bytes
        self.step = step
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(step, buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        for k in 0..<n { buffer[k] = bytes[offset + k] }
        offset += n
        return n
    }
}

enum RDFTest {
    static let xsd = "http://www.w3.org/2001/XMLSchema#"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

    static func iri(_ s: String) -> Term { .iri(s) }
    static func ex(_ local: String) -> Term { .iri("http://example/" + local) }
    static func blank(_ s: String) -> Term { .blank(s) }
    static func lit(_ s: String, _ datatype: String? = nil, lang: String? = nil) -> Term {
        .literal(s, datatype: datatype, language: lang)
    }
    static func typed(_ s: String, _ xsdLocal: String) -> Term { .literal(s, datatype: xsd + xsdLocal, language: nil) }

    static func drain<R: TripleReader>(_ reader: inout R, batchSize: Int = 1000) throws -> [Triple] {
        var all: [Triple] = []
        var batch: [Triple] = []
        while try reader.readBatch(into: &batch, maxCount: batchSize) {
            #expect(batch.count <= batchSize)
            all += batch
            batch.removeAll(keepingCapacity: true)
        }
        all += batch
        return all
    }

    /// Parses N-Triples through a source that returns `step` bytes per read (all at once when nil).
    static func nt(_ text: String, step: Int? = nil, batchSize: Int = 1000) throws -> [Triple] {
        try nt(bytes: Array(text.utf8), step: step, batchSize: batchSize)
    }

    static func nt(bytes: [UInt8], step: Int? = nil, batchSize: Int = 1000) throws -> [Triple] {
        var reader = NTriplesReader(source: RDFTrickleSource(bytes, step: step ?? max(1, bytes.count)), fileName: "test.nt")
        return try drain(&reader, batchSize: batchSize)
    }

    static func ttl(_ text: String, base: String? = "http://example/base/doc.ttl", step: Int? = nil,
                    chunkSize: Int = 256 * 1024, batchSize: Int = 1000) throws -> [Triple] {
        try ttl(bytes: Array(text.utf8), base: base, step: step, chunkSize: chunkSize, batchSize: batchSize)
    }

    static func ttl(bytes: [UInt8], base: String? = "http://example/base/doc.ttl", step: Int? = nil,
                    chunkSize: Int = 256 * 1024, batchSize: Int = 1000) throws -> [Triple] {
        var reader = TurtleReader(source: RDFTrickleSource(bytes, step: step ?? max(1, bytes.count)),
                                  fileName: "test.ttl", baseIRI: base, chunkSize: chunkSize)
        return try drain(&reader, batchSize: batchSize)
    }

    static func drainQuads<R: QuadReader>(_ reader: inout R, batchSize: Int = 1000) throws -> [Quad] {
        var all: [Quad] = []
        var batch: [Quad] = []
        while try reader.readBatch(into: &batch, maxCount: batchSize) {
            #expect(batch.count <= batchSize)
            all += batch
            batch.removeAll(keepingCapacity: true)
        }
        all += batch
        return all
    }

    /// Parses N-Quads through a source that returns `step` bytes per read (all at once when nil).
    static func nq(_ text: String, step: Int? = nil, batchSize: Int = 1000) throws -> [Quad] {
        let bytes = Array(text.utf8)
        var reader = NQuadsReader(source: RDFTrickleSource(bytes, step: step ?? max(1, bytes.count)), fileName: "test.nq")
        return try drainQuads(&reader, batchSize: batchSize)
    }

    /// Parses TriG as `ttl` parses Turtle.
    static func trig(_ text: String, base: String? = "http://example/base/doc.trig", step: Int? = nil,
                     chunkSize: Int = 256 * 1024, batchSize: Int = 1000) throws -> [Quad] {
        let bytes = Array(text.utf8)
        var reader = TriGReader(source: RDFTrickleSource(bytes, step: step ?? max(1, bytes.count)),
                                fileName: "test.trig", baseIRI: base, chunkSize: chunkSize)
        return try drainQuads(&reader, batchSize: batchSize)
    }

    /// The error a parse throws, or nil.
    static func error(_ body: () throws -> [Quad]) -> ParseError? {
        error { try body().map(\.triple) }
    }

    /// The error a parse throws, or nil.
    static func error(_ body: () throws -> [Triple]) -> ParseError? {
        do {
            _ = try body()
            return nil
        } catch let e as ParseError {
            return e
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }
}

extension RDFTest {
    /// Compares triple lists and names the first difference.
    static func expectSame(_ actual: [Triple], _ expected: [Triple], sourceLocation: SourceLocation = #_sourceLocation) {
        for (k, (a, e)) in zip(actual, expected).enumerated() where a != e {
            Issue.record("triple \(k): got \(NTriples.format(a)), expected \(NTriples.format(e))", sourceLocation: sourceLocation)
            return
        }
        if actual.count != expected.count {
            Issue.record("got \(actual.count) triples, expected \(expected.count)", sourceLocation: sourceLocation)
        }
    }
}
