import QuiverCore

/// A uniform double in [0, 1) fixed by the seed and the item's key.
@inline(__always) func coin(_ seed: UInt64, _ key: SIMD4<Int32>, _ head: Int32) -> Double {
    var h = mix64(seed ^ UInt64(UInt32(bitPattern: head)))
    for i in 0..<4 { h = mix64(h ^ UInt64(UInt32(bitPattern: key[i]))) }
    return Double(h >> 11) * 0x1p-53
}

/// `coin(seed, inputKey(relations, edges, hops), head)` for the compositions of a walk, in walk
/// order: the first two mixing steps depend only on the first hop (head and relation), so they are
/// kept while the first hop stays the same.
struct IIDCoin {
    let seed: UInt64
    let relations: UnsafeBufferPointer<Int32>
    let hops: Int
    private var firstHop: Int32 = -1
    private var prefix: UInt64 = 0

    init(seed: UInt64, relations: UnsafeBufferPointer<Int32>, hops: Int) {
        self.seed = seed
        self.relations = relations
        self.hops = hops
    }

    @inline(__always) mutating func value(_ edges: SIMD4<Int32>, head: Int32) -> Double {
        if edges[0] != firstHop {
            firstHop = edges[0]
            prefix = mix64(mix64(seed ^ UInt64(UInt32(bitPattern: head))) ^ UInt64(UInt32(bitPattern: relations[Int(edges[0])])))
        }
        var h = prefix
        for d in 1..<4 {
            let r: Int32 = d < hops ? relations[Int(edges[d])] : -1
            h = mix64(h ^ UInt64(UInt32(bitPattern: r)))
        }
        return Double(h >> 11) * 0x1p-53
    }
}

/// Python's `round()`: halves to even, as in Wang et al.'s `round(phi * len(id_atomic))`.
public func pythonRound(_ x: Double) -> Int { Int(x.rounded(.toNearestOrEven)) }
