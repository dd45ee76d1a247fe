#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes `String`s from well-formed UTF-8, reusing the storage of long names seen recently.
///
/// Names of up to 15 bytes are stored inline in a `String` and cost no allocation. Longer ones
/// (FB15k-237 relations such as `/film/film/release_date_s./film/film_regional_release_date/...`)
/// each need a heap allocation; because a few hundred relations repeat millions of times, a small
/// direct-mapped cache turns most of those allocations into a reference-count increment, and the
/// triples share one copy of each relation name.
struct NameInterner {
    private struct Slot {
        var hash: UInt64 = 0
        var string: String?
    }

    private var slots: [Slot]
    private let mask: Int

    /// - Parameter slotCount: rounded up to a power of two.
    init(slotCount: Int = 4096) {
        var count = 1
        while count < slotCount { count <<= 1 }
        slots = Array(repeating: Slot(), count: count)
        mask = count - 1
    }

    /// The string for `bytes`, which must be well-formed UTF-8.
    @inline(__always)
    mutating func string(_ bytes: UnsafeRawBufferPointer) -> String {
        if bytes.count <= 15 { return String(decoding: bytes, as: UTF8.self) }
        let hash = Self.hash(bytes)
        let index = Int(truncatingIfNeeded: hash) & mask
        if slots[index].hash == hash, let cached = slots[index].string, Self.equal(cached, bytes) {
            return cached
        }
        let string = String(decoding: bytes, as: UTF8.self)
        slots[index] = Slot(hash: hash, string: string)
        return string
    }

    private static func equal(_ string: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let utf8 = string.utf8
        guard utf8.count == bytes.count, let base = bytes.baseAddress else { return false }
        return utf8.withContiguousStorageIfAvailable { stored in
            stored.baseAddress.map { memcmp($0, base, bytes.count) == 0 } ?? false
        } ?? false
    }

    /// A fast 64-bit hash over eight bytes at a time; only used to pick and confirm a cache slot.
    @inline(__always)
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let p = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
        var i = 0
        while i + 8 <= count {
            h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        if i < count {
            var tail: UInt64 = 0
            for k in 0 ..< count - i {
                tail |= UInt64(p.load(fromByteOffset: i + k, as: UInt8.self)) << (8 * UInt64(k))
            }
            h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        }
        return h ^ (h >> 29)
    }
}
