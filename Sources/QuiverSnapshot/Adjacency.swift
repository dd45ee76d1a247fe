/// One direction of a graph's adjacency in CSR form: the edges grouped by row (source node for
/// out-edges, target for in-edges), each row's edges ordered by (relation, column), and edges
/// with equal keys kept in input order.
struct Adjacency: Sendable {
    /// Row `u`'s edges are `offsets[u] ..< offsets[u + 1]`.
    var offsets: [Int]
    var columns: [Int32]
    var relations: [Int32]
    /// The input index of the edge at each position.
    var edges: [Int32]

    static let empty = Adjacency(offsets: [0], columns: [], relations: [], edges: [])

    private init(offsets: [Int], columns: [Int32], relations: [Int32], edges: [Int32]) {
        self.offsets = offsets
        self.columns = columns
        self.relations = relations
        self.edges = edges
    }

    /// Groups edges by row with one counting pass, carrying a (relation, column) key packed in 64
    /// bits, then sorts each row's keys in place: insertion sort for the many short rows, a radix
    /// sort for long ones (the hubs of a power-law graph). Both sorts are stable.
    ///
    /// Rows and columns are node numbers that `nodeMap` turns into dense ids, and relations
    /// numbers that `relationMap` does: renumbering as the edges are grouped saves writing (and
    /// faulting in) renumbered copies of the edge arrays first.
    init(
        rows: [Int32], relations: [Int32], columns: [Int32], nodeMap: [Int32], relationMap: [Int32],
        relationCount: Int
    ) {
        let m = rows.count
        let n = nodeMap.count
        let columnBits = UInt64(Int.bitWidth - max(n - 1, 0).leadingZeroBitCount)
        let relationBits = UInt64(Int.bitWidth - max(relationCount - 1, 0).leadingZeroBitCount)
        var offsets = [Int](repeating: 0, count: n + 1)
        var keys = [UInt64](repeating: 0, count: m)
        var edges = [Int32](repeating: 0, count: m)
        nodeMap.withUnsafeBufferPointer { nodeMap in
            relationMap.withUnsafeBufferPointer { relationMap in
                rows.withUnsafeBufferPointer { rows in
                    relations.withUnsafeBufferPointer { relations in
                        columns.withUnsafeBufferPointer { columns in
                            offsets.withUnsafeMutableBufferPointer { offsets in
                                // Counted by node number (a sequential pass), then moved to dense ids.
                                var counts = [Int](repeating: 0, count: n)
                                counts.withUnsafeMutableBufferPointer { counts in
                                    for i in 0..<m { counts[Int(rows[i])] += 1 }
                                    for f in 0..<n { offsets[Int(nodeMap[f]) + 1] = counts[f] }
                                }
                                for u in 0..<n { offsets[u + 1] += offsets[u] }
                                var next = [Int](offsets.dropLast())
                                keys.withUnsafeMutableBufferPointer { keys in
                                    edges.withUnsafeMutableBufferPointer { edges in
                                        next.withUnsafeMutableBufferPointer { next in
                                            for i in 0..<m {
                                                let u = Int(nodeMap[Int(rows[i])])
                                                let pos = next[u]
                                                next[u] = pos + 1
                                                let relation = UInt32(bitPattern: relationMap[Int(relations[i])])
                                                let column = UInt32(bitPattern: nodeMap[Int(columns[i])])
                                                keys[pos] = UInt64(relation) << columnBits | UInt64(column)
                                                edges[pos] = Int32(truncatingIfNeeded: i)
                                            }
                                        }
                                        sortRows(
                                            keys: keys, edges: edges, offsets: offsets,
                                            keyBits: Int(columnBits + relationBits))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let columnMask = (UInt64(1) << columnBits) &- 1
        self.offsets = offsets
        self.columns = [Int32](unsafeUninitializedCapacity: m) { out, count in
            keys.withUnsafeBufferPointer { keys in
                for i in 0..<m { out[i] = Int32(truncatingIfNeeded: keys[i] & columnMask) }
            }
            count = m
        }
        self.relations = [Int32](unsafeUninitializedCapacity: m) { out, count in
            keys.withUnsafeBufferPointer { keys in
                for i in 0..<m { out[i] = Int32(truncatingIfNeeded: keys[i] >> columnBits) }
            }
            count = m
        }
        self.edges = edges
    }
}

/// Sorts each row's segment of `keys` (moving `edges` along), stably.
private func sortRows(
    keys: UnsafeMutableBufferPointer<UInt64>, edges: UnsafeMutableBufferPointer<Int32>,
    offsets: UnsafeMutableBufferPointer<Int>, keyBits: Int
) {
    let longRow = 64
    var longest = 0
    for u in 0..<(offsets.count - 1) { longest = max(longest, offsets[u + 1] - offsets[u]) }
    let scratchKeys = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: longest > longRow ? longest : 0)
    let scratchEdges = UnsafeMutableBufferPointer<Int32>.allocate(capacity: longest > longRow ? longest : 0)
    defer {
        scratchKeys.deallocate()
        scratchEdges.deallocate()
    }
    for u in 0..<(offsets.count - 1) {
        let lo = offsets[u], hi = offsets[u + 1]
        if hi - lo < 2 { continue }
        if hi - lo <= longRow {
            for i in (lo + 1)..<hi {
                let key = keys[i], edge = edges[i]
                var j = i - 1
                while j >= lo && keys[j] > key {
                    keys[j + 1] = keys[j]
                    edges[j + 1] = edges[j]
                    j -= 1
                }
                keys[j + 1] = key
                edges[j + 1] = edge
            }
        } else {
            radixSort(
                keys: UnsafeMutableBufferPointer(rebasing: keys[lo..<hi]),
                edges: UnsafeMutableBufferPointer(rebasing: edges[lo..<hi]),
                scratchKeys: scratchKeys, scratchEdges: scratchEdges, keyBits: keyBits)
        }
    }
}

/// A stable least-significant-digit radix sort of `keys` (and `edges` with them) on their low
/// `keyBits` bits, 11 bits per pass.
private func radixSort(
    keys: UnsafeMutableBufferPointer<UInt64>, edges: UnsafeMutableBufferPointer<Int32>,
    scratchKeys: UnsafeMutableBufferPointer<UInt64>, scratchEdges: UnsafeMutableBufferPointer<Int32>, keyBits: Int
) {
    let count = keys.count
    let digitBits = 11
    var counts = [Int](repeating: 0, count: 1 << digitBits)
    var source = (keys: keys.baseAddress!, edges: edges.baseAddress!)
    var target = (keys: scratchKeys.baseAddress!, edges: scratchEdges.baseAddress!)
    var shift = 0
    counts.withUnsafeMutableBufferPointer { counts in
        while shift < keyBits {
            let mask = UInt64(1 << digitBits - 1)
            for b in 0..<counts.count { counts[b] = 0 }
            for i in 0..<count { counts[Int((source.keys[i] >> UInt64(shift)) & mask)] += 1 }
            var sum = 0
            for b in 0..<counts.count {
                let c = counts[b]
                counts[b] = sum
                sum += c
            }
            for i in 0..<count {
                let key = source.keys[i]
                let b = Int((key >> UInt64(shift)) & mask)
                target.keys[counts[b]] = key
                target.edges[counts[b]] = source.edges[i]
                counts[b] += 1
            }
            swap(&source, &target)
            shift += digitBits
        }
    }
    if source.keys != keys.baseAddress! {
        keys.baseAddress!.update(from: source.keys, count: count)
        edges.baseAddress!.update(from: source.edges, count: count)
    }
}

extension Array where Element == Int32 {
    /// `values[self[i]]` for every `i`.
    func gather<T>(_ values: [T]) -> [T] {
        [T](unsafeUninitializedCapacity: count) { out, initialized in
            withUnsafeBufferPointer { indices in
                values.withUnsafeBufferPointer { values in
                    for i in 0..<indices.count { (out.baseAddress! + i).initialize(to: values[Int(indices[i])]) }
                }
            }
            initialized = count
        }
    }
}
