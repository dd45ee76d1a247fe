import QuiverCore

/// Looks inputs up among the training inputs, all given as 64-bit hashes with their targets.
///
/// The training inputs are split by the top bits of their hash into partitions small enough for a
/// cache-resident open-addressing table; each worker reuses one table for the partitions it
/// claims. A table keeps one target per input and notes when an input comes with a second one.
enum InputTargets {
    struct Answer: Equatable {
        /// `present` queries whose input is a training input.
        var present = 0
        /// `differing` queries whose input is a training input with another target.
        var differing = 0
    }

    /// nil when some training input has two different targets (the caller then counts them).
    static func lookUp(
        train keys: [UInt64], targets: [UInt32], present: [UInt64], differing: [(key: UInt64, target: UInt32)]
    ) -> Answer? {
        precondition(keys.count == targets.count)
        var bits = 0
        while keys.count >> bits > 1 << 15 { bits += 1 }
        let shift = 64 - bits
        func partition(_ key: UInt64) -> Int { bits == 0 ? 0 : Int(key >> UInt64(shift)) }
        var sizes = [Int](repeating: 0, count: 1 << bits)
        for k in keys { sizes[partition(k)] += 1 }
        var slots = 16
        while slots < 2 * (sizes.max() ?? 0) { slots *= 2 }
        let mask = slots - 1
        let answers: [Answer?] = keys.withUnsafeBufferPointer { keys in
            targets.withUnsafeBufferPointer { targets in
                parallelWorkers(sizes.count) { claim -> Answer? in
                    // (hash, target + 1); a zero marks an empty slot.
                    var table = [SIMD2<UInt64>](repeating: .zero, count: slots)
                    var answer = Answer(), used = false
                    return table.withUnsafeMutableBufferPointer { table -> Answer? in
                        func find(_ key: UInt64) -> Int {
                            var i = Int(truncatingIfNeeded: key) & mask
                            while table[i].y != 0 && table[i].x != key { i = (i + 1) & mask }
                            return i
                        }
                        while let p = claim() {
                            if used { table.update(repeating: .zero) }
                            used = true
                            for (j, key) in keys.enumerated() where partition(key) == p {
                                let i = find(key), stored = UInt64(targets[j]) + 1
                                if table[i].y == 0 { table[i] = SIMD2(key, stored) } else if table[i].y != stored { return nil }
                            }
                            for key in present where partition(key) == p && table[find(key)].y != 0 { answer.present += 1 }
                            for (key, target) in differing where partition(key) == p {
                                let y = table[find(key)].y
                                if y != 0 && y != UInt64(target) + 1 { answer.differing += 1 }
                            }
                        }
                        return answer
                    }
                }
            }
        }
        var total = Answer()
        for a in answers {
            guard let a else { return nil }
            total.present += a.present
            total.differing += a.differing
        }
        return total
    }
}
