import CPrefetch

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

    /// Groups edges by row with one counting pass, each as one integer entry
    /// `relation | column | input index` (high to low bits), then sorts each row's entries in
    /// place: insertion sort for the many short rows, a radix sort on the (relation, column) bits
    /// for long ones (the hubs of a power-law graph). Both keep equal keys in input order. An entry
    /// is 64 bits when the three fit, else 128 (`wide` forces 128, for tests); one entry per edge
    /// means one cache line written per edge in the grouping pass, whose writes land at random.
    ///
    /// Rows and columns are node numbers that `nodeMap` turns into dense ids, and relations
    /// numbers that `relationMap` does: renumbering as the edges are grouped saves writing (and
    /// faulting in) renumbered copies of the edge arrays first.
    init(
        rows: [Int32], relations: [Int32], columns: [Int32], nodeMap: [Int32], relationMap: [Int32],
        relationCount: Int, wide: Bool = false
    ) {
        func bits(_ count: Int) -> Int { Int.bitWidth - max(count - 1, 0).leadingZeroBitCount }
        let layout = EntryLayout(
            edgeBits: bits(rows.count), columnBits: bits(nodeMap.count), relationBits: bits(relationCount))
        if !wide && layout.totalBits <= 64 {
            self = Adjacency.group(UInt64.self, layout, rows, relations, columns, nodeMap, relationMap)
        } else {
            self = Adjacency.group(UInt128.self, layout, rows, relations, columns, nodeMap, relationMap)
        }
    }

    private static func group<Entry: FixedWidthInteger & UnsignedInteger>(
        _: Entry.Type, _ layout: EntryLayout, _ rows: [Int32], _ relations: [Int32], _ columns: [Int32],
        _ nodeMap: [Int32], _ relationMap: [Int32]
    ) -> Adjacency {
        let m = rows.count
        let n = nodeMap.count
        var offsets = [Int](repeating: 0, count: n + 1)
        var entries = [Entry](repeating: 0, count: m)
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
                                entries.withUnsafeMutableBufferPointer { entries in
                                    next.withUnsafeMutableBufferPointer { next in
                                        // Every access below but `rows[i]` and `columns[i]` is at
                                        // random: a later edge's lines are loaded in three stages
                                        // (its node numbers, its row's next position, the entry
                                        // there), so that their misses overlap.
                                        let (far, mid, near) = (48, 32, 16)
                                        for i in 0..<m {
                                            if i + far < m {
                                                quiver_prefetch(nodeMap.baseAddress! + Int(rows[i + far]))
                                                quiver_prefetch(nodeMap.baseAddress! + Int(columns[i + far]))
                                            }
                                            if i + mid < m {
                                                quiver_prefetch_write(next.baseAddress! + Int(nodeMap[Int(rows[i + mid])]))
                                            }
                                            if i + near < m {
                                                quiver_prefetch_write(entries.baseAddress! + next[Int(nodeMap[Int(rows[i + near])])])
                                            }
                                            let u = Int(nodeMap[Int(rows[i])])
                                            let pos = next[u]
                                            next[u] = pos + 1
                                            entries[pos] = layout.entry(
                                                relation: relationMap[Int(relations[i])], column: nodeMap[Int(columns[i])], edge: i)
                                        }
                                    }
                                    sortRows(entries, offsets: offsets, layout: layout)
                                }
                            }
                        }
                    }
                }
            }
        }
        func split(_ field: (Entry) -> Int32) -> [Int32] {
            [Int32](unsafeUninitializedCapacity: m) { out, count in
                entries.withUnsafeBufferPointer { entries in
                    for i in 0..<m { out[i] = field(entries[i]) }
                }
                count = m
            }
        }
        return Adjacency(
            offsets: offsets, columns: split(layout.column), relations: split(layout.relation), edges: split(layout.edge))
    }
}

/// How an adjacency entry packs an edge: relation, column (the other end's dense id) and input
/// index, from the high bits down, so that entries order by (relation, column, input index).
struct EntryLayout {
    let edgeBits: Int
    let columnBits: Int
    let relationBits: Int

    var totalBits: Int { edgeBits + columnBits + relationBits }
    /// The bits that order a row: relation and column.
    var keyBits: Range<Int> { edgeBits..<totalBits }

    @inline(__always) func entry<Entry: FixedWidthInteger>(relation: Int32, column: Int32, edge: Int) -> Entry {
        (Entry(UInt32(bitPattern: relation)) << (columnBits + edgeBits)) | (Entry(UInt32(bitPattern: column)) << edgeBits)
            | Entry(edge)
    }

    @inline(__always) func edge<Entry: FixedWidthInteger>(_ e: Entry) -> Int32 {
        Int32(truncatingIfNeeded: e & ((1 << edgeBits) &- 1))
    }

    @inline(__always) func column<Entry: FixedWidthInteger>(_ e: Entry) -> Int32 {
        Int32(truncatingIfNeeded: (e >> edgeBits) & ((1 << columnBits) &- 1))
    }

    @inline(__always) func relation<Entry: FixedWidthInteger>(_ e: Entry) -> Int32 {
        Int32(truncatingIfNeeded: e >> (edgeBits + columnBits))
    }
}

/// Sorts each row's segment of `entries`. Within a row the grouping pass left the entries in
/// input order, so sorting whole entries, or stably on their key bits, gives the same order.
private func sortRows<Entry: FixedWidthInteger & UnsignedInteger>(
    _ entries: UnsafeMutableBufferPointer<Entry>, offsets: UnsafeMutableBufferPointer<Int>, layout: EntryLayout
) {
    let longRow = 64
    var longest = 0
    for u in 0..<(offsets.count - 1) { longest = max(longest, offsets[u + 1] - offsets[u]) }
    let scratch = UnsafeMutableBufferPointer<Entry>.allocate(capacity: longest > longRow ? longest : 0)
    defer { scratch.deallocate() }
    for u in 0..<(offsets.count - 1) {
        let lo = offsets[u], hi = offsets[u + 1]
        if hi - lo < 2 { continue }
        if hi - lo <= longRow {
            for i in (lo + 1)..<hi {
                let e = entries[i]
                var j = i - 1
                while j >= lo && entries[j] > e {
                    entries[j + 1] = entries[j]
                    j -= 1
                }
                entries[j + 1] = e
            }
        } else {
            radixSort(UnsafeMutableBufferPointer(rebasing: entries[lo..<hi]), scratch: scratch, bits: layout.keyBits)
        }
    }
}

/// A stable least-significant-digit radix sort of `entries` on the bits `bits`, 11 bits per pass.
private func radixSort<Entry: FixedWidthInteger & UnsignedInteger>(
    _ entries: UnsafeMutableBufferPointer<Entry>, scratch: UnsafeMutableBufferPointer<Entry>, bits: Range<Int>
) {
    let count = entries.count
    let digitBits = 11
    var counts = [Int](repeating: 0, count: 1 << digitBits)
    var source = entries.baseAddress!, target = scratch.baseAddress!
    var shift = bits.lowerBound
    counts.withUnsafeMutableBufferPointer { counts in
        while shift < bits.upperBound {
            let mask = Entry((1 << min(digitBits, bits.upperBound - shift)) - 1)
            for b in 0..<counts.count { counts[b] = 0 }
            for i in 0..<count { counts[Int(truncatingIfNeeded: (source[i] >> shift) & mask)] += 1 }
            var sum = 0
            for b in 0..<counts.count {
                let c = counts[b]
                counts[b] = sum
                sum += c
            }
            for i in 0..<count {
                let e = source[i]
                let b = Int(truncatingIfNeeded: (e >> shift) & mask)
                target[counts[b]] = e
                counts[b] += 1
            }
            swap(&source, &target)
            shift += digitBits
        }
    }
    if source != entries.baseAddress! { entries.baseAddress!.update(from: source, count: count) }
}

extension Array where Element == Int32 {
    /// `values[self[i]]` for every `i`.
    func gather<T>(_ values: [T]) -> [T] {
        [T](unsafeUninitializedCapacity: count) { out, initialized in
            withUnsafeBufferPointer { indices in
                values.withUnsafeBufferPointer { values in
                    let n = indices.count, ahead = 16
                    for i in 0..<n {
                        if i + ahead < n { quiver_prefetch(values.baseAddress! + Int(indices[i + ahead])) }
                        (out.baseAddress! + i).initialize(to: values[Int(indices[i])])
                    }
                }
            }
            initialized = count
        }
    }
}
