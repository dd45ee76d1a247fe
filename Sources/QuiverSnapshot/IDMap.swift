/// An open-addressing map from 64-bit term ids to dense 32-bit ids, several times faster than
/// `Dictionary` for the millions of lookups a snapshot build makes.
struct IDMap {
    private var keys: [Int64]
    private var values: [Int32]
    private var used: [Bool]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: -1, count: size)
        used = Array(repeating: false, count: size)
        mask = size - 1
    }

    @inline(__always) private static func slot(_ key: Int64, _ mask: Int) -> Int {
        var z = UInt64(bitPattern: key)
        z = (z ^ (z >> 33)) &* 0xff51_afd7_ed55_8ccd
        z ^= z >> 33
        return Int(truncatingIfNeeded: z) & mask
    }

    /// The dense id of `key`, or -1.
    @inline(__always) func get(_ key: Int64) -> Int32 {
        var i = Self.slot(key, mask)
        while used[i] {
            if keys[i] == key { return values[i] }
            i = (i + 1) & mask
        }
        return -1
    }

    /// Inserts `key` with `value` unless present; returns the stored value.
    @discardableResult
    @inline(__always) mutating func insert(_ key: Int64, _ value: Int32) -> Int32 {
        if count * 2 >= keys.count { grow() }
        var i = Self.slot(key, mask)
        while used[i] {
            if keys[i] == key { return values[i] }
            i = (i + 1) & mask
        }
        used[i] = true
        keys[i] = key
        values[i] = value
        count += 1
        return value
    }

    private mutating func grow() {
        var bigger = IDMap(capacity: keys.count)
        for i in 0..<keys.count where used[i] { bigger.insert(keys[i], values[i]) }
        self = bigger
    }
}
