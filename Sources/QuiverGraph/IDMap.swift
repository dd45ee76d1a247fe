import CPrefetch

/// An open-addressing map from 64-bit term ids to 32-bit values, one 16-byte slot per entry (one
/// cache line per lookup), several times faster than `Dictionary` for a snapshot build's millions
/// of lookups.
struct IDMap: Sendable {
    fileprivate struct Slot {
        var key: Int64
        var value: Int32   // -1: empty
    }

    private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(key: 0, value: -1), count: size)
        mask = size - 1
    }

    @inline(__always) fileprivate static func slot(_ key: Int64, _ mask: Int) -> Int {
        var z = UInt64(bitPattern: key)
        z = (z ^ (z >> 33)) &* 0xff51_afd7_ed55_8ccd
        z ^= z >> 33
        return Int(truncatingIfNeeded: z) & mask
    }

    /// The value stored for `key`, or -1.
    @inline(__always) func get(_ key: Int64) -> Int32 {
        slots.withUnsafeBufferPointer { table in
            var i = Self.slot(key, mask)
            while true {
                let s = table[i]
                if s.value < 0 { return -1 }
                if s.key == key { return s.value }
                i = (i + 1) & mask
            }
        }
    }

    /// Inserts `key` with `value` unless present; returns the stored value.
    @discardableResult
    @inline(__always) mutating func insert(_ key: Int64, _ value: Int32) -> Int32 {
        if count * 10 >= slots.count * 7 { grow() }
        let mask = self.mask
        let (stored, added) = slots.withUnsafeMutableBufferPointer { table -> (Int32, Bool) in
            var i = Self.slot(key, mask)
            while true {
                let s = table[i]
                if s.value < 0 {
                    table[i] = Slot(key: key, value: value)
                    return (value, true)
                }
                if s.key == key { return (s.value, false) }
                i = (i + 1) & mask
            }
        }
        if added { count += 1 }
        return stored
    }

    /// Grows the table now so that `additional` more inserts need no growth. The table is at least
    /// twice its count when made or grown, and grows when more than 70% full: a build's batches
    /// reserve room for every key they might add, far more than they add, and growing at half full
    /// would double a table that ends about half full.
    mutating func reserve(additional: Int) {
        while (count + additional) * 10 >= slots.count * 7 { grow() }
    }

    /// Calls `body` with an inserter over the table's storage, for a run of inserts without
    /// per-call checks. Call `reserve(additional:)` first for as many inserts as `body` makes.
    mutating func withInserter<R>(_ body: (inout Inserter) -> R) -> R {
        let mask = self.mask
        var added = 0
        let result = slots.withUnsafeMutableBufferPointer { table -> R in
            var inserter = Inserter(table: table, mask: mask)
            let r = body(&inserter)
            added = inserter.added
            return r
        }
        count += added
        return result
    }

    struct Inserter {
        fileprivate let table: UnsafeMutableBufferPointer<Slot>
        let mask: Int
        var added = 0

        /// Starts loading the slot where a lookup of `key` begins, for an insert a few keys later.
        @inline(__always) func prefetch(_ key: Int64) {
            quiver_prefetch(table.baseAddress! + IDMap.slot(key, mask))
        }

        /// Inserts `key` with `value` unless present; returns the stored value.
        @inline(__always) mutating func insert(_ key: Int64, _ value: Int32) -> Int32 {
            var i = IDMap.slot(key, mask)
            while true {
                let s = table[i]
                if s.value < 0 {
                    table[i] = Slot(key: key, value: value)
                    added += 1
                    return value
                }
                if s.key == key { return s.value }
                i = (i + 1) & mask
            }
        }
    }

    private mutating func grow() {
        let old = slots
        self = IDMap(capacity: old.count)
        for s in old where s.value >= 0 { insert(s.key, s.value) }
    }
}
