import QuiverCore

/// A uniform double in [0, 1) fixed by the seed and the item's key.
@inline(__always) func coin(_ seed: UInt64, _ key: SIMD4<Int32>, _ head: Int32) -> Double {
    var h = mix64(seed ^ UInt64(UInt32(bitPattern: head)))
    for i in 0..<4 { h = mix64(h ^ UInt64(UInt32(bitPattern: key[i]))) }
    return Double(h >> 11) * 0x1p-53
}

/// Python's `round()`: halves to even, as in Wang et al.'s `round(phi * len(id_atomic))`.
public func pythonRound(_ x: Double) -> Int { Int(x.rounded(.toNearestOrEven)) }
