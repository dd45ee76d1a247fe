import CZlib
import Foundation
import QuiverCore
import QuiverParsers
import Testing

/// Tests of the tabular, JSON and byte-source readers. Everything lives under this namespace so
/// `swift test --filter QuiverParsersTests.Tabular` selects exactly these suites.
@Suite enum Tabular {}

extension Tabular {
    /// Hands out one byte per read, to check that chunk boundaries never change a result.
    struct TrickleSource: ByteSource {
        private let bytes: [UInt8]
        private var offset = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            guard offset < bytes.count, buffer.count > 0 else { return 0 }
            buffer[0] = bytes[offset]
            offset += 1
            return 1
        }
    }

    /// What a reader made of an input: the triples before the error, and the error if any.
    struct Outcome: Equatable, CustomStringConvertible {
        var triples: [Triple]
        var error: ParseError?

        var description: String { "\(triples.count) triples, error: \(error.map(String.init(describing:)) ?? "none")" }
    }

    static func name(_ s: String, _ p: String, _ o: String) -> Triple {
        Triple(.name(s), .name(p), .name(o))
    }

    static func readAll<R: TripleReader>(_ reader: inout R, batchSize: Int = 1000) -> Outcome {
        var triples: [Triple] = []
        var batch: [Triple] = []
        do {
            while try reader.readBatch(into: &batch, maxCount: batchSize) {
                #expect(batch.count <= batchSize)
                triples += batch
                batch.removeAll()
            }
            return Outcome(triples: triples, error: nil)
        } catch let error as ParseError {
            // Triples appended before the error in the failing call are kept, like a loader would.
            return Outcome(triples: triples + batch, error: error)
        } catch {
            Issue.record("unexpected error \(error)")
            return Outcome(triples: triples, error: nil)
        }
    }

    /// Reads `text` all at once, one byte per read, and in batches of one; checks all three agree
    /// and returns the outcome.
    static func outcome<R: TripleReader>(
        _ text: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ make: (AnyByteSource) -> R
    ) -> Outcome {
        outcome(Array(text.utf8), sourceLocation: sourceLocation, make)
    }

    static func outcome<R: TripleReader>(
        _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation,
        _ make: (AnyByteSource) -> R
    ) -> Outcome {
        var whole = make(AnyByteSource(MemoryByteSource(bytes)))
        var trickle = make(AnyByteSource(TrickleSource(bytes)))
        var single = make(AnyByteSource(MemoryByteSource(bytes)))
        let result = readAll(&whole)
        #expect(readAll(&trickle) == result, "byte-by-byte differs", sourceLocation: sourceLocation)
        #expect(readAll(&single, batchSize: 1) == result, "batches of one differ", sourceLocation: sourceLocation)
        return result
    }

    /// Expects `outcome` to fail at `line`:`column`; returns the error for further checks.
    @discardableResult
    static func expectError(
        _ outcome: Outcome, line: Int, column: Int, found: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> ParseError? {
        guard let error = outcome.error else {
            Issue.record("expected an error at \(line):\(column), got \(outcome)", sourceLocation: sourceLocation)
            return nil
        }
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.column == column, "\(error)", sourceLocation: sourceLocation)
        if let found {
            #expect(error.found == found, "\(error)", sourceLocation: sourceLocation)
        }
        return error
    }

    /// `<repo>/../shared/datasets/<name>/train.txt`, found from this file's path.
    static func datasetPath(_ name: String, filePath: String = #filePath) -> String {
        var url = URL(fileURLWithPath: filePath)
        for _ in 0 ..< 4 { url.deleteLastPathComponent() }  // Tabular, QuiverParsersTests, Tests, file
        return url.appendingPathComponent("../shared/datasets/\(name)/train.txt").standardized.path
    }

    /// Compresses `bytes` with zlib: a gzip member (`gzip: true`) or a zlib stream.
    static func deflate(_ bytes: [UInt8], gzip: Bool = true) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        let windowBits: Int32 = gzip ? 15 + 16 : 15
        let status = deflateInit2_(
            stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        #expect(status == Z_OK)
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(bytes.count))) + 64)
        let produced = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.pointee.next_in = inBuf.baseAddress
                stream.pointee.avail_in = uInt(inBuf.count)
                stream.pointee.next_out = outBuf.baseAddress
                stream.pointee.avail_out = uInt(outBuf.count)
                let result = CZlib.deflate(stream, Z_FINISH)
                #expect(result == Z_STREAM_END)
                return outBuf.count - Int(stream.pointee.avail_out)
            }
        }
        return Array(output[..<produced])
    }

    /// A fresh path in the temporary directory; the file is removed by the caller.
    static func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("quiver-tabular-\(UUID().uuidString)\(suffix)").path
    }
}
