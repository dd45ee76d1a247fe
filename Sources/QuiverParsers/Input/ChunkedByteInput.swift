#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import QuiverCore

/// A growable raw byte buffer. Owned by one `ChunkedByteInput`; copied on write when shared.
final class ChunkStorage {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        self.base = .allocate(byteCount: capacity, alignment: 16)
    }

    func copy() -> ChunkStorage {
        let other = ChunkStorage(capacity: capacity)
        other.base.copyMemory(from: base, byteCount: capacity)
        return other
    }

    func grow(to newCapacity: Int, keeping count: Int) {
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    deinit { base.deallocate() }
}

/// Pulls large chunks from a `ByteSource` into one buffer; the parser consumes `start..<end`.
///
/// Bytes the parser has not consumed are kept (moved to the front) when more are read, so a line
/// or token that straddles two reads is contiguous after `fill()`.
struct ChunkedByteInput {
    static var defaultChunkSize: Int { 1 << 20 }

    /// Type-erased so the parsers over it are compiled once, not per source type (the source is
    /// called once per chunk, so the dynamic dispatch costs nothing measurable).
    private var source: any ByteSource
    private(set) var storage: ChunkStorage
    /// First unconsumed byte.
    var start = 0
    /// One past the last byte read.
    private(set) var end = 0
    /// The source returned 0: no more bytes will arrive.
    private(set) var atEOF = false

    init(_ source: some ByteSource, chunkSize: Int = defaultChunkSize) {
        self.source = source
        self.storage = ChunkStorage(capacity: max(16, chunkSize))
    }

    var base: UnsafeMutableRawPointer { storage.base }
    var available: Int { end - start }

    /// Reads more bytes after `end`, keeping `start..<end`. Returns `false` (and adds nothing) at end of input.
    mutating func fill() throws -> Bool {
        if atEOF { return false }
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        let capacity = storage.capacity
        if start == end {
            start = 0
            end = 0
        } else if start > 0 && capacity - end < capacity / 2 {
            memmove(storage.base, storage.base + start, end - start)
            end -= start
            start = 0
        }
        if end == storage.capacity {
            storage.grow(to: storage.capacity * 2, keeping: end)
        }
        let free = UnsafeMutableRawBufferPointer(start: storage.base + end, count: storage.capacity - end)
        let n = try source.read(into: free)
        guard n > 0 else {
            atEOF = true
            return false
        }
        end += min(n, free.count)
        return true
    }

    /// Makes at least `count` bytes available unless the input ends first; returns whether it did.
    mutating func ensure(_ count: Int) throws -> Bool {
        while available < count {
            if try !fill() { return false }
        }
        return true
    }

    /// Skips a UTF-8 byte order mark at the current position, if there is one.
    mutating func skipByteOrderMark() throws {
        guard try ensure(3) else { return }
        let p = base + start
        if p.load(as: UInt8.self) == 0xEF && p.load(fromByteOffset: 1, as: UInt8.self) == 0xBB
            && p.load(fromByteOffset: 2, as: UInt8.self) == 0xBF
        {
            start += 3
        }
    }
}
