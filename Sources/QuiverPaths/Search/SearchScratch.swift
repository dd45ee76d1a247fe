/// An `Int32` per search state, reset in O(1) by bumping a generation stamp instead of clearing.
/// Stamp and value sit side by side, so a lookup touches one cache line.
struct StampedArray {
    struct Entry {
        var stamp: UInt32
        var value: Int32
    }
    var entries: [Entry] = []
    var generation: UInt32 = 0

    /// Makes every entry read as -1, growing to `size` entries if needed.
    mutating func reset(size: Int) {
        if entries.count < size {
            entries = [Entry](repeating: Entry(stamp: 0, value: -1), count: grown(size))
            generation = 1
            return
        }
        generation &+= 1
        if generation == 0 {
            for i in entries.indices { entries[i].stamp = 0 }
            generation = 1
        }
    }

    @inline(__always) func get(_ i: Int32) -> Int32 {
        let e = entries[Int(i)]
        return e.stamp == generation ? e.value : -1
    }

    @inline(__always) mutating func set(_ i: Int32, _ v: Int32) {
        entries[Int(i)] = Entry(stamp: generation, value: v)
    }
}

/// Parent links of a search: the state each state was reached from and the step taken, stamped
/// per query, in one 12-byte entry so that recording a discovery touches one cache line.
struct ParentLinks {
    struct Entry {
        var stamp: UInt32
        var parent: Int32
        var step: Int32
    }
    var entries: [Entry] = []
    var generation: UInt32 = 0

    mutating func reset(size: Int) {
        if entries.count < size {
            entries = [Entry](repeating: Entry(stamp: 0, parent: -1, step: 0), count: grown(size))
            generation = 1
            return
        }
        generation &+= 1
        if generation == 0 {
            for i in entries.indices { entries[i].stamp = 0 }
            generation = 1
        }
    }

    @inline(__always) mutating func set(_ i: Int32, parent: Int32, step: Int32) {
        entries[Int(i)] = Entry(stamp: generation, parent: parent, step: step)
    }

    /// (parent, step) of `i`; parent -1 when `i` was not reached.
    @inline(__always) func get(_ i: Int32) -> (parent: Int32, step: Int32) {
        let e = entries[Int(i)]
        return e.stamp == generation ? (e.parent, e.step) : (-1, 0)
    }
}

/// A set of search states as bits: 1M states take 128 KiB, which stays in cache where a stamped
/// array of the same states does not. Cleared per query by zeroing only the words it touched.
struct VisitedBits {
    var words: [UInt64] = []
    var touched: [Int32] = []

    /// Empties the set, growing it to hold `size` states.
    mutating func reset(size: Int) {
        let needed = (size + 63) >> 6
        if words.count < needed {
            words = [UInt64](repeating: 0, count: (grown(size) + 63) >> 6)
            touched.removeAll(keepingCapacity: true)
            return
        }
        words.withUnsafeMutableBufferPointer { w in
            for i in touched { w[Int(i)] = 0 }
        }
        touched.removeAll(keepingCapacity: true)
    }

    @inline(__always) func contains(_ i: Int32) -> Bool {
        words.withUnsafeBufferPointer { $0[Int(i) >> 6] } & (1 << UInt64(i & 63)) != 0
    }

    /// Adds `i`; false when it was already there.
    @inline(__always) mutating func insert(_ i: Int32) -> Bool {
        let k = Int(i) >> 6
        let bit: UInt64 = 1 << UInt64(i & 63)
        return words.withUnsafeMutableBufferPointer { w -> Bool in
            let old = w[k]
            if old & bit != 0 { return false }
            if old == 0 { touched.append(Int32(k)) }
            w[k] = old | bit
            return true
        }
    }
}

/// Per-thread buffers a caller may keep between queries (a batch, a server worker) so that each
/// query does not allocate arrays the size of the graph. Not for sharing between threads: give
/// each thread its own.
///
/// ```swift
/// let scratch = SearchScratch()
/// for (a, b) in pairs { _ = try engine.paths(from: a, to: b, scratch: scratch) }
/// ```
public final class SearchScratch {
    var arrays = Pool<StampedArray>()
    var bits = Pool<VisitedBits>()
    var links = Pool<ParentLinks>()
    private var plain: PlainBuffers?

    public init() {}

    /// Allocates now, and touches, the buffers that queries without a path expression on
    /// `engine` use, so that the first query does not pay for them (a batch or a server worker
    /// calls this once, before its first query).
    public func reserve(for engine: PathEngine) {
        let n = engine.snapshot.nodeCount
        plainBuffers(nodeCount: n).touchAll()
        var a = arrays.take(3), b = bits.take(2), l = links.take(2)
        for i in a.indices { a[i].reset(size: n) }
        for i in b.indices { b[i].reset(size: n) }
        for i in l.indices { l[i].reset(size: n) }
        arrays.give(a)
        bits.give(b)
        links.give(l)
    }

    /// `PlainSearch`'s buffers, for graphs of up to `nodeCount` nodes. Made with room to spare: a
    /// live graph gains nodes with its writes, and remaking (and touching) a million-node
    /// buffer for each new node would cost a query milliseconds.
    func plainBuffers(nodeCount: Int) -> PlainBuffers {
        if let plain, plain.nodeCount >= nodeCount { return plain }
        let made = PlainBuffers(nodeCount: nodeCount + max(1024, nodeCount / 16))
        plain = made
        return made
    }
}

/// Buffers kept between queries: `take` hands out `count` of them (making new ones as needed),
/// `give` puts them back.
struct Pool<Buffer: ScratchBuffer> {
    private var items: [Buffer] = []

    mutating func take(_ count: Int) -> [Buffer] {
        while items.count < count { items.append(Buffer()) }
        let out = Array(items.prefix(count))
        items.removeFirst(count)
        return out
    }

    mutating func give(_ back: [Buffer]) { items.append(contentsOf: back) }
}

/// A per-query buffer a `Pool` can make.
protocol ScratchBuffer { init() }
extension StampedArray: ScratchBuffer {}
extension VisitedBits: ScratchBuffer {}
extension ParentLinks: ScratchBuffer {}

/// A buffer's size with room to spare: a live graph gains nodes with its writes, and a buffer
/// remade for each new node would cost every query after a write its allocation.
@inline(__always) func grown(_ size: Int) -> Int { size + max(1024, size / 16) }
