@testable import QuiverGraph
import QuiverCore
import Testing

/// `TermIDBuckets` finds exactly what a binary search over the whole sorted column finds: for
/// ids spread evenly (term ids are hashes), for ids bunched under a few top bits, at both ends
/// of the signed range, and for columns of 0, 1 and a few ids.
@Suite struct TermIDBucketsTests {
    static func check(_ ids: [Int64], probes: [Int64]) {
        let sorted = Array(Set(ids)).sorted()
        let column = Column(sorted)
        let buckets = TermIDBuckets(column)
        for id in sorted { #expect(buckets.position(of: id, in: column) == sorted.firstIndex(of: id), "\(id)") }
        let known = Set(sorted)
        for id in probes where !known.contains(id) { #expect(buckets.position(of: id, in: column) == nil, "\(id)") }
    }

    @Test func findsEveryIdAndNoOther() {
        var random = SeededRandom(seed: 11)
        let probes = (0..<2_000).map { _ in Int64(bitPattern: random.next()) } + [.min, .max, 0, -1, 1]
        for n in [0, 1, 2, 7, 8, 9, 100, 5_000] {
            Self.check((0..<n).map { _ in Int64(bitPattern: random.next()) }, probes: probes)
        }
        // Bunched: every id under the same top 20 bits, and ids at the ends of the range.
        let bunched = (0..<3_000).map { _ in Int64(bitPattern: (random.next() >> 20) | (0x5A5A5 << 44)) }
        Self.check(bunched, probes: probes + bunched.map { $0 &+ 1 })
        Self.check([.min, .min + 1, -1, 0, 1, .max - 1, .max] + (0..<50).map { Int64($0) * 1_000_003 }, probes: probes)
    }
}
