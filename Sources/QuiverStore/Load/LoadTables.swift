import Foundation
import QuiverCore

/// The terms a load has seen, by id, with their canonical bytes kept in one arena so that a repeat
/// is recognised (and a hash collision detected) without building a `String`.
struct TermTable {
    private var slots: [Int32]          // index into `ids`/`starts`, or -1
    private var ids: [Int64] = []
    private var starts: [Int] = [0]
    private var arena: [UInt8] = []
    private var mask: Int

    var count: Int { ids.count }

    init(capacity: Int = 1 << 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    enum Outcome { case known, new, collision(existing: [UInt8]) }

    /// Looks `id` up; a new id is remembered with its canonical bytes (`kind` byte, then `rest`).
    @inline(__always)
    mutating func register(id: Int64, kind: UInt8, rest canonical: UnsafeRawBufferPointer) -> Outcome {
        if ids.count * 2 >= slots.count { grow() }
        var i = Self.slot(id, mask)
        while true {
            let k = Int(slots[i])
            if k < 0 { break }
            if ids[k] == id {
                let start = starts[k], length = starts[k + 1] - start
                let same = length == canonical.count + 1 && arena[start] == kind && arena.withUnsafeBytes { a in
                    canonical.isEmpty || memcmp(a.baseAddress! + start + 1, canonical.baseAddress!, canonical.count) == 0
                }
                return same ? .known : .collision(existing: Array(arena[start..<start + length]))
            }
            i = (i + 1) & mask
        }
        slots[i] = Int32(ids.count)
        ids.append(id)
        arena.append(kind)
        arena.append(contentsOf: canonical)
        starts.append(arena.count)
        return .new
    }

    @inline(__always) private static func slot(_ key: Int64, _ mask: Int) -> Int {
        // Term ids are already well-mixed hashes.
        Int(truncatingIfNeeded: UInt64(bitPattern: key) >> 7) & mask
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for (k, id) in ids.enumerated() {
            var i = Self.slot(id, mask)
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(k)
        }
    }
}

/// The (s, p, o) id triples a load has written, to skip repeats within the load.
struct TripleSet {
    private var keys: [Int64]
    private var used: [Bool]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1 << 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size * 3)
        used = Array(repeating: false, count: size)
        mask = size - 1
    }

    /// Inserts the triple; false if it was already there.
    @inline(__always)
    mutating func insert(_ s: Int64, _ p: Int64, _ o: Int64) -> Bool {
        if count * 4 >= used.count * 3 { grow() }
        var h = UInt64(bitPattern: s) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ UInt64(bitPattern: p)) &* 0xC2B2_AE3D_27D4_EB4F
        h = (h ^ UInt64(bitPattern: o)) &* 0x1656_67B1_9E37_79F9
        var i = Int(truncatingIfNeeded: h >> 20) & mask
        while used[i] {
            if keys[3 * i] == s && keys[3 * i + 1] == p && keys[3 * i + 2] == o { return false }
            i = (i + 1) & mask
        }
        used[i] = true
        keys[3 * i] = s
        keys[3 * i + 1] = p
        keys[3 * i + 2] = o
        count += 1
        return true
    }

    private mutating func grow() {
        var bigger = TripleSet(capacity: used.count * 2)
        for i in 0..<used.count where used[i] {
            _ = bigger.insert(keys[3 * i], keys[3 * i + 1], keys[3 * i + 2])
        }
        self = bigger
    }
}
