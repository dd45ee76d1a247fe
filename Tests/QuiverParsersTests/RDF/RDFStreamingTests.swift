import QuiverCore
@testable import QuiverParsers
import Testing

@Suite("RDF streaming and chunk boundaries")
struct RDFStreamingTests {
    typealias T = RDFTest

    static let turtleDocument = #"""
    # A document that exercises every token kind, so that reads split each of them somewhere.
    @prefix ex: <http://example/> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    PREFIX é: <http://example/unicode/>
    @base <http://example/base/> .
    <rel> ex:p <../up>, <#frag> ;
        a ex:Class ;
        ex:str "plain", 'single', "esc\"aped\n\u00E9\U0001F600", """long
    "text" with ""quotes"" """, '''also
    long''' ;
        ex:lang "chat"@fr, "colour"@en-GB ;
        ex:typed "5"^^xsd:int, "s"^^xsd:string, "t"^^<http://example/dt> ;
        ex:num 42, -1.5, +3e-2, .25, true, false ;
        ex:local ex:a.b, ex:c\~d, ex:e%41f, é:ñandú .
    _:b1 ex:knows [ ex:name "Bo" ; ex:age 30 ], _:genid3 .
    [ ex:in ( 1 "two" ( ) [ ex:x ex:y ] ) ] ex:tail () .
    BASE <http://other/>
    <x> <y> <z>.
    """#

    @Test func turtleGivesTheSameTriplesWhateverTheReadSize() throws {
        let reference = try T.ttl(Self.turtleDocument, base: nil)
        #expect(reference.count == 39)
        for step in [1, 2, 3, 5, 8, 13, 64, 1000] {
            for chunk in [16, 17, 64, 256 * 1024] {
                for batchSize in [1, 4, 1000] where step == 1 || batchSize == 1000 {
                    let triples = try T.ttl(Self.turtleDocument, base: nil, step: step, chunkSize: chunk, batchSize: batchSize)
                    T.expectSame(triples, reference)
                }
            }
        }
    }

    static let ntriplesDocument = """
    # comment line
    <http://example/s> <http://example/p> <http://example/o> .
    _:b0 <http://example/p> "esc\\"aped\\n\\u00E9\\U0001F600 raw é😀" .\r
    <http://example/\\u0073> <http://example/p> "x"@en-GB .\r
    _:a.b <http://example/p> "5"^^<http://www.w3.org/2001/XMLSchema#int> . # trailing

    <http://example/s> <http://example/p> _:z .
    """

    @Test func nTriplesGivesTheSameTriplesWhateverTheReadSize() throws {
        let reference = try T.nt(Self.ntriplesDocument)
        #expect(reference.count == 5)
        for step in [1, 2, 3, 7, 64] {
            for batchSize in [1, 2, 1000] {
                #expect(try T.nt(Self.ntriplesDocument, step: step, batchSize: batchSize) == reference)
            }
        }
    }

    @Test func errorsAreTheSameWhateverTheReadSize() {
        let bad = Self.turtleDocument.replacing("ex:tail ()", with: "ex:tail (] ")
        let reference = T.error { try T.ttl(bad, base: nil) }
        #expect(reference?.line == 16)
        #expect(reference?.column == 50)
        for step in [1, 2, 5] {
            #expect(T.error { try T.ttl(bad, base: nil, step: step, chunkSize: 16) } == reference)
        }
        let badNT = Self.ntriplesDocument + "\n<http://example/s> <http://example/p> \"unterminated .\n"
        let referenceNT = T.error { try T.nt(badNT) }
        #expect(referenceNT?.line == 8)
        for step in [1, 3] {
            #expect(T.error { try T.nt(badNT, step: step) } == referenceNT)
        }
    }

    @Test func largeNTriplesDocumentInSmallBatches() throws {
        let count = 60_000
        var reader = NTriplesReader(source: RDFGeneratedSource(lines: count) { i in
            "<http://example/s\(i)> <http://example/p\(i % 7)> \"value \(i)\"@en .\n"
        }, fileName: "big.nt")
        var batch: [Triple] = []
        var total = 0
        var last: Triple?
        while try reader.readBatch(into: &batch, maxCount: 777) {
            #expect(batch.count <= 777)
            total += batch.count
            last = batch.last
            batch.removeAll(keepingCapacity: true)
        }
        #expect(total == count)
        #expect(last == Triple(T.ex("s\(count - 1)"), T.ex("p\((count - 1) % 7)"), T.lit("value \(count - 1)", lang: "en")))
    }

    @Test func largeTurtleDocumentInSmallBatches() throws {
        let statements = 15_000
        var reader = TurtleReader(source: RDFGeneratedSource(lines: statements, header: "@prefix ex: <http://example/> .\n") { i in
            "ex:s\(i) ex:p \"v\(i)\", \(i) ; ex:list (ex:a ex:b) .\n"
        }, fileName: "big.ttl", baseIRI: nil, chunkSize: 4096)
        var batch: [Triple] = []
        var total = 0
        while try reader.readBatch(into: &batch, maxCount: 100) {
            #expect(batch.count <= 100)
            total += batch.count
            batch.removeAll(keepingCapacity: true)
        }
        #expect(total == statements * 7)
    }

    @Test func longLinesAndLiteralsCrossManyChunks() throws {
        let long = String(repeating: "é😀x", count: 200_000)
        let nt = "<http://example/s> <http://example/p> \"\(long)\" .\n<http://example/s> <http://example/p> \"short\" .\n"
        #expect(try T.nt(nt, step: 65_536).map(\.object) == [T.lit(long), T.lit("short")])
        let ttl = "<http://example/s> <http://example/p> \"\"\"\(long)\n\"\"\" , '\(long)' ."
        #expect(try T.ttl(ttl, step: 4096, chunkSize: 1024).map(\.object) == [T.lit(long + "\n"), T.lit(long)])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        #expect(try T.nt(bytes: bom + Array("<http://example/s> <http://example/p> <http://example/o> .".utf8)).count == 1)
        #expect(try T.ttl(bytes: bom + Array("<s> <p> <o> .".utf8)).count == 1)
        let e = T.error { try T.ttl(bytes: bom + Array("<s> <p> <o> x".utf8)) }
        #expect(e?.column == 13)
    }
}

/// Lines made on demand, so a test can parse a large document without holding it in memory.
struct RDFGeneratedSource: ByteSource {
    let lines: Int
    let make: (Int) -> String
    private var next = 0
    private var pending: [UInt8]
    private var pendingOffset = 0

    init(lines: Int, header: String = "", make: @escaping (Int) -> String) {
        self.lines = lines
        self.make = make
        self.pending = Array(header.utf8)
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var written = 0
        while written < buffer.count {
            if pendingOffset == pending.count {
                guard next < lines else { break }
                pending = Array(make(next).utf8)
                pendingOffset = 0
                next += 1
            }
            let n = min(buffer.count - written, pending.count - pendingOffset)
            for k in 0..<n { buffer[written + k] = pending[pendingOffset + k] }
            written += n
            pendingOffset += n
        }
        return written
    }
}
