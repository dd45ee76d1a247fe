import QuiverCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Formats the items of train/valid/test.json straight into raw memory, about ten stores per item:
/// every token (`<e_17>`, `<r_3>`; at most 16 bytes for an `Int32` id) sits zero-padded in a 16-byte
/// slot and is copied with one unaligned 16-byte store, and the fixed parts of an item are
/// constants of the same kind. Each store may write past the item; the next one overwrites the tail,
/// so a buffer needs `slack` spare bytes at its end.
///
/// An item is `{"input_text": "<e_h><r_1>…", "target_text": "<e_h><r_1>…<e_t></a>"}, ` (with
/// `, "type": "…"` before the `}` in test.json); the file's last item drops the `, `.
struct ItemFormatter: Sendable {
    static let slack = 64

    private let entitySlots: [SIMD16<UInt8>]
    private let entityLengths: [UInt8]
    private let relationSlots: [SIMD16<UInt8>]
    private let relationLengths: [UInt8]
    let heads: [Int32], relations: [Int32], tails: [Int32]

    private static let open = slot(#"{"input_text": ""#)            // 16 bytes
    private static let middle = slot32(#"", "target_text": ""#)     // 19 bytes
    private static let close = slot(#"</a>"}, "#)                   // 8 bytes
    private static let answerEnd = slot(#"</a>""#)                  // 5 bytes
    private static let itemEnd = slot("}, ")                        // 3 bytes

    init(graph g: FactGraph) {
        (entitySlots, entityLengths) = Self.tokens("<e_", g.entityCount)
        (relationSlots, relationLengths) = Self.tokens("<r_", g.relationCount)
        heads = g.heads
        relations = g.relations
        tails = g.tails
    }

    /// Bytes of `range` of `segment`, each item with its trailing `, `.
    func size(of segment: Segment, _ range: Range<Int>, type: [UInt8]) -> Int {
        var total = range.count * (16 + 19 + 5 + 3 + type.count)
        entityLengths.withUnsafeBufferPointer { el in
            relationLengths.withUnsafeBufferPointer { rl in
                heads.withUnsafeBufferPointer { hs in
                    relations.withUnsafeBufferPointer { rs in
                        tails.withUnsafeBufferPointer { ts in
                            let (runs, k) = segment.runs
                            runs.withUnsafeBufferPointer { edges in
                                for i in range {
                                    var input = Int(el[Int(hs[Int(edges[i * k])])])
                                    for d in 0..<k { input += Int(rl[Int(rs[Int(edges[i * k + d])])]) }
                                    total += 2 * input + Int(el[Int(ts[Int(edges[i * k + k - 1])])])
                                }
                            }
                        }
                    }
                }
            }
        }
        return total
    }

    /// Writes `range` of `segment` at `out` (which has `size(of:…) + slack` bytes); returns the bytes written.
    func format(_ segment: Segment, _ range: Range<Int>, type: [UInt8], into out: UnsafeMutableRawPointer) -> Int {
        var q = out
        entitySlots.withUnsafeBufferPointer { es in
            entityLengths.withUnsafeBufferPointer { el in
                relationSlots.withUnsafeBufferPointer { rs in
                    relationLengths.withUnsafeBufferPointer { rl in
                        type.withUnsafeBufferPointer { type in
                            @inline(__always) func entity(_ e: Int32) {
                                q.storeBytes(of: es[Int(e)], as: SIMD16<UInt8>.self)
                                q += Int(el[Int(e)])
                            }
                            @inline(__always) func relation(_ r: Int32) {
                                q.storeBytes(of: rs[Int(r)], as: SIMD16<UInt8>.self)
                                q += Int(rl[Int(r)])
                            }
                            /// The target: the input again, the tail, `</a>"`, the type and `}, `.
                            @inline(__always) func finish(from input: UnsafeMutableRawPointer, tail: Int32) {
                                let length = q - input
                                q.storeBytes(of: Self.middle, as: SIMD32<UInt8>.self)
                                q += 19
                                var copied = 0
                                while copied < length {
                                    q.storeBytes(of: (input + copied).loadUnaligned(as: SIMD16<UInt8>.self), toByteOffset: copied, as: SIMD16<UInt8>.self)
                                    copied += 16
                                }
                                q += length
                                entity(tail)
                                if type.isEmpty {
                                    q.storeBytes(of: Self.close, as: SIMD16<UInt8>.self)
                                    q += 8
                                } else {
                                    q.storeBytes(of: Self.answerEnd, as: SIMD16<UInt8>.self)
                                    q += 5
                                    q.copyMemory(from: type.baseAddress!, byteCount: type.count)
                                    q += type.count
                                    q.storeBytes(of: Self.itemEnd, as: SIMD16<UInt8>.self)
                                    q += 3
                                }
                            }
                            heads.withUnsafeBufferPointer { hs in
                                relations.withUnsafeBufferPointer { rels in
                                    tails.withUnsafeBufferPointer { ts in
                                        let (runs, k) = segment.runs
                                        runs.withUnsafeBufferPointer { edges in
                                            for i in range {
                                                q.storeBytes(of: Self.open, as: SIMD16<UInt8>.self)
                                                q += 16
                                                let input = q
                                                entity(hs[Int(edges[i * k])])
                                                for d in 0..<k { relation(rels[Int(edges[i * k + d])]) }
                                                finish(from: input, tail: ts[Int(edges[i * k + k - 1])])
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return q - out
    }

    private static func tokens(_ prefix: String, _ count: Int) -> ([SIMD16<UInt8>], [UInt8]) {
        var slots: [SIMD16<UInt8>] = [], lengths: [UInt8] = []
        slots.reserveCapacity(count)
        lengths.reserveCapacity(count)
        var bytes: [UInt8] = []
        for i in 0..<count {
            bytes.removeAll(keepingCapacity: true)
            bytes.append(contentsOf: prefix.utf8)
            bytes.put(int: i)
            bytes.append(0x3E)
            slots.append(slot(bytes))
            lengths.append(UInt8(bytes.count))
        }
        return (slots, lengths)
    }

    private static func slot(_ s: String) -> SIMD16<UInt8> { slot(Array(s.utf8)) }

    private static func slot(_ bytes: [UInt8]) -> SIMD16<UInt8> {
        precondition(bytes.count <= 16, "token longer than 16 bytes")
        var v = SIMD16<UInt8>()
        for (i, b) in bytes.enumerated() { v[i] = b }
        return v
    }

    private static func slot32(_ s: String) -> SIMD32<UInt8> {
        var v = SIMD32<UInt8>()
        for (i, b) in s.utf8.enumerated() { v[i] = b }
        return v
    }
}
