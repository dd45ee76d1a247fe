/// A stream of bytes that parsers pull from: a file, a gzip file, standard input, or memory.
///
/// `read` fills at most `buffer.count` bytes and returns how many; 0 means end of input.
public protocol ByteSource {
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Bytes already in memory (tests, daemon payloads).
public struct MemoryByteSource: ByteSource, Sendable {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}

/// A parser that yields triples in batches, so memory is bounded by the batch size, not the input.
public protocol TripleReader {
    /// Appends up to `maxCount` triples to `batch`. Returns `false` once the input is exhausted and
    /// nothing more was appended. Throws `ParseError` on invalid input; a reader that threw is done.
    mutating func readBatch(into batch: inout [Triple], maxCount: Int) throws -> Bool
}
