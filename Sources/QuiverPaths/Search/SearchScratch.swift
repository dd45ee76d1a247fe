/// An `Int32` per search state, reset in O(1) by bumping a generation stamp instead of clearing.
struct StampedArray {
    var values: [Int32] = []
    var stamps: [UInt32] = []
    var generation: UInt32 = 0

    /// Makes every entry read as -1, growing to `size` entries if needed.
    mutating func reset(size: Int) {
        if stamps.count < size {
            values = [Int32](repeating: -1, count: size)
            stamps = [UInt32](repeating: 0, count: size)
            generation = 1
            return
        }
        generation &+= 1
        if generation == 0 {
            for i in stamps.indices { stamps[i] = 0 }
            generation = 1
        }
    }

    @inline(__always) func get(_ i: Int32) -> Int32 {
        stamps[Int(i)] == generation ? values[Int(i)] : -1
    }

    @inline(__always) mutating func set(_ i: Int32, _ v: Int32) {
        stamps[Int(i)] = generation
        values[Int(i)] = v
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
    var arrays: [StampedArray] = []

    public init() {}

    func take(_ count: Int) -> [StampedArray] {
        while arrays.count < count { arrays.append(StampedArray()) }
        let out = Array(arrays.prefix(count))
        arrays.removeFirst(count)
        return out
    }

    func give(_ back: [StampedArray]) { arrays.append(contentsOf: back) }
}
