import CPrefetch
import QuiverCore
import QuiverGraph

/// Finds a node by name in one or two cache misses instead of a binary search's twenty.
///
/// The snapshot keeps its nodes in term-id order and finds a name by binary searching the ids; on
/// a million nodes the last dozen probes each miss the cache, which is most of a small query's
/// time. Term ids are hashes, so their top bits are spread evenly: this index keeps, for each
/// value of the top `bits` bits, where that block starts in the sorted ids (about eight ids a
/// block, 4 bytes per eight nodes), and searches only the block.
struct NodeIndex: Sendable {
    /// `starts[b] ..< starts[b + 1]`: the positions of the ids whose top bits are `b`.
    let starts: [Int32]
    let shift: UInt64

    init(sortedIDs ids: Column<Int64>) {
        var bits: UInt64 = 1
        while (1 << bits) < ids.count / 8 && bits < 30 { bits += 1 }
        shift = 64 - bits
        var starts = [Int32](repeating: 0, count: (1 << Int(bits)) + 1)
        for id in ids { starts[Int(Self.key(id) >> (64 - bits)) + 1] += 1 }
        for b in 1..<starts.count { starts[b] += starts[b - 1] }
        self.starts = starts
    }

    /// Signed id order as unsigned order, so that the top bits of the key rise with the id.
    @inline(__always) static func key(_ id: Int64) -> UInt64 { UInt64(bitPattern: id) ^ (1 << 63) }

    /// The position of `id` in `ids` (the array the index was built from), or nil.
    func find(_ id: Int64, in ids: Column<Int64>) -> Int32? {
        let b = Int(Self.key(id) >> shift)
        var i = Int(starts[b])
        let end = Int(starts[b + 1])
        while i < end {
            let x = ids[i]
            if x == id { return Int32(i) }
            if x > id { return nil }
            i += 1
        }
        return nil
    }

    /// Starts loading what finding these plain names reads (their blocks' bounds, then their
    /// blocks), so that the lookups of a query's two endpoints miss the cache together rather
    /// than one after the other.
    func prefetch(_ a: String, _ b: String, in snapshot: CSRSnapshot) {
        let ka = Int(Self.key(Term.name(a).id.rawValue) >> shift), kb = Int(Self.key(Term.name(b).id.rawValue) >> shift)
        starts.withUnsafeBufferPointer { starts in
            quiver_prefetch(starts.baseAddress! + ka)
            quiver_prefetch(starts.baseAddress! + kb)
            snapshot.nodeTermIDs.withUnsafeBufferPointer { ids in
                guard let base = ids.baseAddress else { return }
                let ia = Int(starts[ka]), ib = Int(starts[kb])
                if ia < ids.count { quiver_prefetch(base + ia) }
                if ib < ids.count { quiver_prefetch(base + ib) }
            }
        }
    }

    /// The node named `name`, as `CSRSnapshot.node(named:)` finds it. Names in IRI (`<…>`), blank
    /// (`_:…`) or literal (`"…`) form are left to the snapshot; a plain name is a `.name` term or
    /// else an `.iri` one.
    func node(named name: String, in snapshot: CSRSnapshot) -> Int32? {
        let first = name.utf8.first  // bytes, as `Term.candidates(forDisplayName:)` decides
        if first == UInt8(ascii: "<") || first == UInt8(ascii: "\"") || name.utf8.starts(with: "_:".utf8) { return snapshot.node(named: name) }
        let ids = snapshot.nodeTermIDs
        // The base's nodes first; a version's new nodes, and nodes whose edges were all deleted,
        // are the snapshot's to find.
        if snapshot.delta.isEmpty {
            if let n = find(Term.name(name).id.rawValue, in: ids) { return n }
            return find(Term.iri(name).id.rawValue, in: ids)
        }
        return snapshot.node(named: name)
    }
}
