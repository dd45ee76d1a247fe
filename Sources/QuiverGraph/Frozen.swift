#if canImport(Glibc)
import Glibc
#endif

/// An array's elements copied once into memory of their own, never written again: the searches
/// read them through raw pointers for as long as the owner lives, without the nested
/// `withUnsafeBufferPointer` calls (whose pointers may not outlive the call).
public final class Frozen<Element: BitwiseCopyable>: @unchecked Sendable {
    // @unchecked: the memory is written only in `init`; afterwards it is read-only, so sharing it
    // across threads is safe.
    public let buffer: UnsafeBufferPointer<Element>
    private let memory: UnsafeMutableRawPointer
    /// From posix_memalign (freed by free), else from `allocate` (freed by `deallocate`).
    private let aligned: Bool

    /// Arrays from 4 MiB up are placed on 2 MiB boundaries and marked for 2 MiB pages before they
    /// are written, so that the kernel backs them with huge pages as they fault in: a search
    /// reads them at random, and with 4 KiB pages nearly every read of a large graph also misses
    /// the TLB. (Collapsing them afterwards, MADV_COLLAPSE, took the process's memory lock for
    /// hundreds of milliseconds each time a compaction made a new base.)
    public init(_ values: [Element]) {
        let bytes = max(values.count, 1) * MemoryLayout<Element>.stride
        let huge = 2 << 20
        if bytes >= 2 * huge {
            let rounded = (bytes + huge - 1) & ~(huge - 1)
            var p: UnsafeMutableRawPointer?
            if posix_memalign(&p, huge, rounded) == 0, let p {
                #if os(Linux)
                _ = madvise(p, rounded, 14 /* MADV_HUGEPAGE */)
                #endif
                memory = p
                aligned = true
            } else {
                memory = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: MemoryLayout<Element>.alignment)
                aligned = false
            }
        } else {
            memory = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: MemoryLayout<Element>.alignment)
            aligned = false
        }
        let typed = memory.bindMemory(to: Element.self, capacity: max(values.count, 1))
        values.withUnsafeBufferPointer { v in
            if let base = v.baseAddress { typed.initialize(from: base, count: v.count) }
        }
        buffer = UnsafeBufferPointer(start: typed, count: values.count)
    }

    deinit {
        if aligned { free(memory) } else { memory.deallocate() }
    }

    public var count: Int { buffer.count }
    @inline(__always) public subscript(i: Int) -> Element { buffer[i] }
    public var array: [Element] { Array(buffer) }
}

/// A read-only array of a snapshot: in memory of its own (`Frozen`) or in a memory-mapped
/// snapshot file (`MappedFile`), read the same way. Its owner lives as long as the column.
public struct Column<Element: BitwiseCopyable>: RandomAccessCollection, @unchecked Sendable {
    // @unchecked: `owner` is a `Frozen` or a `MappedFile`, both immutable once made; `buffer`
    // points into it.
    private let owner: AnyObject
    public let buffer: UnsafeBufferPointer<Element>

    public init(_ values: [Element]) {
        let frozen = Frozen(values)
        owner = frozen
        buffer = frozen.buffer
    }

    /// Elements in memory that `owner` keeps (a mapped snapshot file); read-only for as long as
    /// the owner lives.
    public init(owner: AnyObject & Sendable, buffer: UnsafeBufferPointer<Element>) {
        self.owner = owner
        self.buffer = buffer
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { buffer.count }
    @inline(__always) public subscript(i: Int) -> Element { buffer[i] }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R { try body(buffer) }
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try body(UnsafeRawBufferPointer(buffer)) }
    /// The elements as an array (a copy).
    public var array: [Element] { Array(buffer) }
}

extension Column: Equatable where Element: Equatable {
    public static func == (a: Column, b: Column) -> Bool { a.count == b.count && a.elementsEqual(b) }
}

/// An append-only list that versions share: chunks of 4,096 elements, all full but the last, so
/// that a version that appends a few copies one chunk and the list of chunks, not every element
/// (a delta's new terms grow with each write; copying them all per write was most of its cost).
public struct ChunkedList<Element: Sendable>: RandomAccessCollection, Sendable {
    static var chunkBits: Int { 12 }
    private var chunks: [[Element]] = []
    public private(set) var count = 0

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    @inline(__always) public subscript(i: Int) -> Element { chunks[i >> Self.chunkBits][i & ((1 << Self.chunkBits) - 1)] }

    public mutating func append(_ e: Element) {
        if chunks.isEmpty || chunks[chunks.count - 1].count == 1 << Self.chunkBits {
            var fresh: [Element] = []
            fresh.reserveCapacity(1 << Self.chunkBits)
            chunks.append(fresh)
        }
        chunks[chunks.count - 1].append(e)
        count += 1
    }
}

extension Column: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: Element...) { self.init(elements) }
}
