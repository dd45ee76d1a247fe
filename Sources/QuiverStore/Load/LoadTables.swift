import Foundation
import QuiverCore

/// The terms a load has seen, by id. Each slot holds the id, a second independent 32-bit hash of
/// the term's canonical bytes and the term's dense index, so recognising a repeat costs one cache
/// line; a different term with the same id is caught by the second hash (a false match would need
/// 96 equal bits). The canonical bytes are kept only to name both terms in a collision error.
struct TermTable {
    private struct Slot {
        var id: Int64
        var check: UInt32
        var index: Int32   // -1: empty
    }

    private var slots: [Slot]
    private var mask: Int
    private var starts: [Int] = [0]
    private var arena: [UInt8] = []
    /// The canonical bytes are kept (for collision messages) only up to this many bytes.
    private let arenaLimit = 64 << 20
    private(set) var count = 0

    init(capacity: Int = 1 << 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(id: 0, check: 0, index: -1), count: size)
        mask = size - 1
    }

    enum Outcome { case known(Int32), new(Int32), collision(existing: [UInt8]) }

    /// Looks `id` up; a new id is remembered with its canonical bytes (`kind` byte, then `rest`).
    @inline(__always)
    mutating func register(id: Int64, kind: UInt8, rest: UnsafeRawBufferPointer) -> Outcome {
        if count * 2 >= slots.count { grow() }
        let check = Self.checkHash(kind: kind, rest)
        var i = Int(truncatingIfNeeded: UInt64(bitPattern: id) >> 7) & mask
        return slots.withUnsafeMutableBufferPointer { table -> Outcome in
            while true {
                let slot = table[i]
                if slot.index < 0 { break }
                if slot.id == id {
                    if slot.check == check { return .known(slot.index) }
                    let k = Int(slot.index)
                    return .collision(existing: k + 1 < starts.count ? Array(arena[starts[k]..<starts[k + 1]]) : [])
                }
                i = (i + 1) & mask
            }
            let index = Int32(count)
            table[i] = Slot(id: id, check: check, index: index)
            count += 1
            if arena.count < arenaLimit {
                arena.append(kind)
                arena.append(contentsOf: rest)
                starts.append(arena.count)
            }
            return .new(index)
        }
    }

    /// Looks `id` up without remembering it: `.known`, `.collision`, or `.new(-1)` when absent.
    @inline(__always)
    func lookup(id: Int64, kind: UInt8, rest: UnsafeRawBufferPointer) -> Outcome {
        let check = Self.checkHash(kind: kind, rest)
        var i = Int(truncatingIfNeeded: UInt64(bitPattern: id) >> 7) & mask
        return slots.withUnsafeBufferPointer { table -> Outcome in
            while true {
                let slot = table[i]
                if slot.index < 0 { return .new(-1) }
                if slot.id == id {
                    if slot.check == check { return .known(slot.index) }
                    let k = Int(slot.index)
                    return .collision(existing: k + 1 < starts.count ? Array(arena[starts[k]..<starts[k + 1]]) : [])
                }
                i = (i + 1) & mask
            }
        }
    }

    /// A hash independent of the FNV-based term id: 8 bytes at a time, multiply-xorshift.
    @inline(__always)
    static func checkHash(kind: UInt8, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(kind) ^ (UInt64(bytes.count) << 8)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0x9FB2_1C65_1E98_DF25
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x9FB2_1C65_1E98_DF25
        h ^= h >> 32
        return UInt32(truncatingIfNeeded: h)
    }

    private mutating func grow() {
        let old = slots
        let size = slots.count * 2
        slots = Array(repeating: Slot(id: 0, check: 0, index: -1), count: size)
        mask = size - 1
        for slot in old where slot.index >= 0 {
            var i = Int(truncatingIfNeeded: UInt64(bitPattern: slot.id) >> 7) & mask
            while slots[i].index >= 0 { i = (i + 1) & mask }
            slots[i] = slot
        }
    }
}

/// The triples a load has written, as dense term indices from its `TermTable`, to skip repeats
/// within the load. One 16-byte slot per entry: one cache line per lookup.
struct TripleSet {
    private struct Slot {
        var s: Int32   // -1: empty
        var p: Int32
        var o: Int32
    }

    private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1 << 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(s: -1, p: 0, o: 0), count: size)
        mask = size - 1
    }

    /// True when the triple is in the set.
    @inline(__always)
    func contains(_ s: Int32, _ p: Int32, _ o: Int32) -> Bool {
        var h = UInt64(UInt32(bitPattern: s)) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ UInt64(UInt32(bitPattern: p))) &* 0xC2B2_AE3D_27D4_EB4F
        h = (h ^ UInt64(UInt32(bitPattern: o))) &* 0x1656_67B1_9E37_79F9
        var i = Int(truncatingIfNeeded: h >> 20) & mask
        return slots.withUnsafeBufferPointer { table -> Bool in
            while true {
                let slot = table[i]
                if slot.s < 0 { return false }
                if slot.s == s && slot.p == p && slot.o == o { return true }
                i = (i + 1) & mask
            }
        }
    }

    /// Inserts the triple; false if it was already there.
    @inline(__always)
    mutating func insert(_ s: Int32, _ p: Int32, _ o: Int32) -> Bool {
        if count * 4 >= slots.count * 3 { grow() }
        var h = UInt64(UInt32(bitPattern: s)) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ UInt64(UInt32(bitPattern: p))) &* 0xC2B2_AE3D_27D4_EB4F
        h = (h ^ UInt64(UInt32(bitPattern: o))) &* 0x1656_67B1_9E37_79F9
        var i = Int(truncatingIfNeeded: h >> 20) & mask
        let inserted = slots.withUnsafeMutableBufferPointer { table -> Bool in
            while true {
                let slot = table[i]
                if slot.s < 0 { break }
                if slot.s == s && slot.p == p && slot.o == o { return false }
                i = (i + 1) & mask
            }
            table[i] = Slot(s: s, p: p, o: o)
            return true
        }
        if inserted { count += 1 }
        return inserted
    }

    private mutating func grow() {
        let old = slots
        var bigger = TripleSet(capacity: slots.count * 2)
        for slot in old where slot.s >= 0 { _ = bigger.insert(slot.s, slot.p, slot.o) }
        self = bigger
    }
}
