/// xoshiro256** seeded through SplitMix64: the same seed gives the same stream on every platform,
/// which `SystemRandomNumberGenerator` cannot. Augmentation's samplers and the models' initialisation
/// and batch order draw from it, so `--seed` makes both repeatable.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        func next() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform integer in `0 ..< n` (Lemire's method, unbiased).
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// A uniform double in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A sub-stream for a named step, so adding a draw in one step does not shift the others.
    public static func stream(seed: UInt64, step: UInt64) -> SeededRandom {
        SeededRandom(seed: mix64(seed ^ mix64(step &+ 0x5851_F42D_4C95_7F2D)))
    }
}

@inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

/// SplitMix64's finaliser: a strong 64-bit mix, used for per-item coins that do not depend on
/// which thread draws them.
@inline(__always) public func mix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

extension SeededRandom {
    /// `k` distinct integers of `0 ..< n`, ascending (Floyd's algorithm: memory for `k`, not `n`).
    public mutating func sortedSample(_ k: Int, of n: Int) -> [Int] {
        if k >= n { return Array(0..<n) }
        if k * 3 > n {
            // Dense: Knuth's selection sampling visits 0..<n once and yields the picks in order.
            var out: [Int] = []
            out.reserveCapacity(k)
            var needed = k
            for i in 0..<n where needed > 0 {
                if below(n - i) < needed { out.append(i); needed -= 1 }
            }
            return out
        }
        var chosen = Set<Int>(minimumCapacity: k)
        for j in (n - k)..<n {
            let t = below(j + 1)
            if !chosen.insert(t).inserted { chosen.insert(j) }
        }
        var out = Array(chosen)
        out.sort()
        return out
    }

    /// `k` distinct items of `items`, in their order (all of them when `k` is not smaller).
    public mutating func sortedSample<T>(_ k: Int, of items: [T]) -> [T] {
        sortedSample(k, of: items.count).map { items[$0] }
    }

    /// Wang et al.'s `choose(arr, count)`: all of `arr` when it has at most `count` items, else
    /// `count` of them in random order.
    public mutating func choose<T>(_ items: [T], _ count: Int) -> [T] {
        if count >= items.count { return items }
        var picked = sortedSample(count, of: items)
        shuffle(&picked)
        return picked
    }

    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, below(i + 1)) }
    }
}

