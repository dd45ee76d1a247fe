import QuiverCore

/// What a version holds beyond its base CSR: edges added and base edges deleted (tombstones),
/// and the nodes and relations that are new. Immutable; a write makes the next delta (`applying`).
///
/// Added edges are kept in two layers, as in an LSM tree, so that a write costs the size of its
/// batch and of a small layer, not of the whole delta: `settled` (up to the compaction threshold,
/// rewritten only when `recent` outgrows `recentCapacity`, or a write drops one of its edges) and
/// `recent` (rewritten by every write). An added edge's position is its index in `settled`, or
/// `settled.count` plus its index in `recent`. Each layer keeps its edges in forward order,
/// (source, relation, target), and through a permutation in reverse order, (target, relation,
/// source), each direction indexed by the nodes that have a row in it. A bit per node says
/// whether it has a row in either direction of either layer, so that a search looks for one only
/// at the few nodes that do. Tombstones are bits over the base's forward entries and, for the
/// in-edge scans, over its reverse entries.
public final class GraphDelta: Sendable {
    public static let empty = GraphDelta()

    /// The most edges (or new terms) the small layer holds before it is merged into the large one:
    /// a merge costs a pass over the large layer, so it happens once per this many edges.
    public static let defaultRecentCapacity = 8192
    /// This delta's (tests make it small, so that both layers and their merges are exercised).
    let recentCapacity: Int

    // New terms; the dense id of new node k is the base's node count + k (likewise relations).
    public let newNodeTerms: ChunkedList<Term>
    public let newNodeIDs: ChunkedList<Int64>
    /// The new ids with their dense ids, found by binary search (two layers, like the edges).
    let nodeLookup: TermLookup
    public let newRelationTerms: ChunkedList<Term>
    public let newRelationIDs: ChunkedList<Int64>
    let relationLookup: TermLookup

    /// The added edges, large layer and small one (shared by versions that changed no edge).
    let settled: AddedEdges
    let recent: AddedEdges
    /// A bit per node with a row in `settled` (sized for the nodes when it was made).
    let settledFlags: Frozen<UInt64>
    /// A bit per node: set when the node has a row in either direction of either layer.
    let flags: Frozen<UInt64>
    /// Bits over the base's forward entries and reverse entries; empty when nothing was deleted.
    let deletedOut: Frozen<UInt64>
    let deletedIn: Frozen<UInt64>
    /// Base edges deleted.
    public let deletedCount: Int
    /// Per relation (base, then new): edges added minus base edges deleted.
    let relationNet: [Int]
    /// Ontology changes applied since the base (the path engine re-reads inverse names).
    public let ontologyChanges: Int

    /// Edges added (and still there).
    public var addedCount: Int { settled.count + recent.count }
    /// Each added edge's fields by position (either layer).
    var source: Layered<Int32> { Layered(settled.source, recent.source) }
    var relation: Layered<Int32> { Layered(settled.relation, recent.relation) }
    var target: Layered<Int32> { Layered(settled.target, recent.target) }
    var provenance: Layered<UInt8> { Layered(settled.provenance, recent.provenance) }
    var split: Layered<Int8> { Layered(settled.split, recent.split) }
    /// Bit `p` set when an added edge has provenance `p`.
    public var provenanceMask: UInt32 { settled.provenanceMask | recent.provenanceMask }
    /// The terms this delta added, by id (for applying changes again to a compacted base).
    public var newTerms: [Int64: Term] {
        var terms: [Int64: Term] = [:]
        for (id, t) in zip(newNodeIDs, newNodeTerms) { terms[id] = t }
        for (id, t) in zip(newRelationIDs, newRelationTerms) { terms[id] = t }
        return terms
    }
    public var isEmpty: Bool { addedCount == 0 && deletedCount == 0 && newNodeIDs.isEmpty && newRelationIDs.isEmpty }
    /// Bytes held (names not counted).
    public var bytes: Int {
        addedCount * (4 * 4 + 2 * 1) + (settled.rowCount + recent.rowCount) * 8 + (flags.count + settledFlags.count) * 8
            + (deletedOut.count + deletedIn.count) * 8 + (newNodeIDs.count + newRelationIDs.count) * 20
    }

    struct Parts {
        var newNodeTerms = ChunkedList<Term>()
        var newNodeIDs = ChunkedList<Int64>()
        var newRelationTerms = ChunkedList<Term>()
        var newRelationIDs = ChunkedList<Int64>()
        /// The previous version's lookups, covering its new ids.
        var nodeLookup = TermLookup.empty
        var relationLookup = TermLookup.empty
        var settled = AddedEdges.empty
        var recent = AddedEdges.empty
        /// Nil when `settled` changed: its bits are made anew.
        var settledFlags: Frozen<UInt64>? = nil
        var deletedOut = Frozen<UInt64>([]), deletedIn = Frozen<UInt64>([])
        var deletedCount = 0
        var relationNet: [Int] = []
        var ontologyChanges = 0
        var recentCapacity = GraphDelta.defaultRecentCapacity
    }

    convenience init() { self.init(Parts(), nodeCount: 0) }

    init(_ p: Parts, nodeCount: Int) {
        newNodeTerms = p.newNodeTerms
        newNodeIDs = p.newNodeIDs
        recentCapacity = p.recentCapacity
        nodeLookup = p.nodeLookup.adding(p.newNodeIDs, firstDense: nodeCount - p.newNodeIDs.count, capacity: p.recentCapacity)
        newRelationTerms = p.newRelationTerms
        newRelationIDs = p.newRelationIDs
        relationLookup = p.relationLookup.adding(
            p.newRelationIDs, firstDense: p.relationNet.count - p.newRelationIDs.count, capacity: p.recentCapacity)
        settled = p.settled
        recent = p.recent
        let words = settled.rowCount == 0 && recent.rowCount == 0 ? 0 : (nodeCount + 63) >> 6
        let settledBits = p.settledFlags ?? Frozen(Self.bits(of: p.settled, words: (nodeCount + 63) >> 6))
        settledFlags = settledBits
        // The settled layer's bits copied (a memcpy of a bit per node), the recent layer's set.
        var bits = [UInt64](repeating: 0, count: words)
        let recentEdges = p.recent
        bits.withUnsafeMutableBufferPointer { bits in
            let copied = min(words, settledBits.count)
            if copied > 0 { bits.baseAddress!.update(from: settledBits.buffer.baseAddress!, count: copied) }
            GraphDelta.set(bits, rows: recentEdges)
        }
        flags = Frozen(bits)
        deletedOut = p.deletedOut
        deletedIn = p.deletedIn
        deletedCount = p.deletedCount
        relationNet = p.relationNet
        ontologyChanges = p.ontologyChanges
    }

    private static func bits(of edges: AddedEdges, words: Int) -> [UInt64] {
        guard edges.rowCount > 0 else { return [] }
        var bits = [UInt64](repeating: 0, count: words)
        bits.withUnsafeMutableBufferPointer { set($0, rows: edges) }
        return bits
    }

    private static func set(_ bits: UnsafeMutableBufferPointer<UInt64>, rows e: AddedEdges) {
        for u in e.outRowNodes.buffer { bits[Int(u) >> 6] |= 1 << UInt64(u & 63) }
        for u in e.inRowNodes.buffer { bits[Int(u) >> 6] |= 1 << UInt64(u & 63) }
    }

    var parts: Parts {
        Parts(newNodeTerms: newNodeTerms, newNodeIDs: newNodeIDs, newRelationTerms: newRelationTerms,
              newRelationIDs: newRelationIDs, nodeLookup: nodeLookup, relationLookup: relationLookup,
              settled: settled, recent: recent, settledFlags: settledFlags, deletedOut: deletedOut,
              deletedIn: deletedIn, deletedCount: deletedCount, relationNet: relationNet, ontologyChanges: ontologyChanges,
              recentCapacity: recentCapacity)
    }

    func newNode(termID id: Int64) -> Int32? { nodeLookup.find(id) }
    func newRelation(termID id: Int64) -> Int32? { relationLookup.find(id) }

    /// The position of the added edge (u, r, v), or nil.
    func addedEdge(_ u: Int32, _ r: Int32, _ v: Int32) -> Int? {
        if let k = recent.position(u, r, v) { return settled.count + k }
        return settled.position(u, r, v)
    }

    /// The raw view of one direction's rows, valid while this delta lives.
    func rows(out: Bool) -> DeltaRows {
        DeltaRows(
            flags: flags.count == 0 ? nil : flags.buffer.baseAddress,
            settled: DeltaRows.Layer(settled, out: out), recent: DeltaRows.Layer(recent, out: out),
            deleted: (out ? deletedOut : deletedIn).count == 0 ? nil : (out ? deletedOut : deletedIn).buffer.baseAddress)
    }
}

/// One field of the added edges by position, across both layers.
struct Layered<T: BitwiseCopyable> {
    let settled: Frozen<T>
    let recent: Frozen<T>
    init(_ settled: Frozen<T>, _ recent: Frozen<T>) { (self.settled, self.recent) = (settled, recent) }
    var count: Int { settled.count + recent.count }
    subscript(k: Int) -> T { k < settled.count ? settled[k] : recent[k - settled.count] }
}

/// New term ids and their dense ids, ascending, in two layers: a version's new ids are merged
/// into the small one; the small one into the large one once it outgrows `recentCapacity`.
struct TermLookup: Sendable {
    static let empty = TermLookup()
    var settledIDs: [Int64] = [], settledDense: [Int32] = []
    var recentIDs: [Int64] = [], recentDense: [Int32] = []
    var count: Int { settledIDs.count + recentIDs.count }

    func find(_ id: Int64) -> Int32? {
        Self.find(id, recentIDs, recentDense) ?? Self.find(id, settledIDs, settledDense)
    }

    /// This lookup (of the first `count` ids of `ids`) with the ids after them; the dense id of
    /// `ids[k]` is `firstDense + k`.
    func adding(_ ids: ChunkedList<Int64>, firstDense: Int, capacity: Int) -> TermLookup {
        let known = count
        guard known < ids.count else { return self }
        let added = (known..<ids.count).sorted { ids[$0] < ids[$1] }
        var next = self
        (next.recentIDs, next.recentDense) = Self.merge(
            (recentIDs, recentDense), (added.map { ids[$0] }, added.map { Int32(firstDense + $0) }))
        if next.recentIDs.count > capacity {
            (next.settledIDs, next.settledDense) = Self.merge((settledIDs, settledDense), (next.recentIDs, next.recentDense))
            (next.recentIDs, next.recentDense) = ([], [])
        }
        return next
    }

    private static func merge(_ a: ([Int64], [Int32]), _ b: ([Int64], [Int32])) -> ([Int64], [Int32]) {
        if b.0.isEmpty { return a }
        if a.0.isEmpty { return b }
        var outIDs: [Int64] = [], outDense: [Int32] = []
        outIDs.reserveCapacity(a.0.count + b.0.count)
        outDense.reserveCapacity(a.0.count + b.0.count)
        var i = 0, j = 0
        while i < a.0.count || j < b.0.count {
            if j == b.0.count || (i < a.0.count && a.0[i] < b.0[j]) {
                outIDs.append(a.0[i]); outDense.append(a.1[i]); i += 1
            } else {
                outIDs.append(b.0[j]); outDense.append(b.1[j]); j += 1
            }
        }
        return (outIDs, outDense)
    }

    static func find(_ id: Int64, _ ids: [Int64], _ dense: [Int32]) -> Int32? {
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ids[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < ids.count && ids[lo] == id ? dense[lo] : nil
    }
}

/// A delta's added edges in forward order, (source, relation, target), their reverse order
/// (the forward positions ordered by target, relation, source), and each direction's rows: the
/// nodes that have one, ascending, and where each starts. Immutable.
final class AddedEdges: Sendable {
    static let empty = AddedEdges(source: [], relation: [], target: [], provenance: [], split: [], inEdge: [])

    let source: Frozen<Int32>
    let relation: Frozen<Int32>
    let target: Frozen<Int32>
    let provenance: Frozen<UInt8>
    let split: Frozen<Int8>
    let inEdge: Frozen<Int32>
    let outRowNodes: Frozen<Int32>
    let outRowStarts: Frozen<Int32>
    let inRowNodes: Frozen<Int32>
    let inRowStarts: Frozen<Int32>
    /// Bit `p` set when an edge has provenance `p`.
    let provenanceMask: UInt32

    var count: Int { source.count }
    /// Rows in both directions.
    var rowCount: Int { outRowNodes.count + inRowNodes.count }

    /// The forward position of (u, r, v), or nil.
    func position(_ u: Int32, _ r: Int32, _ v: Int32) -> Int? {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if (source[mid], relation[mid], target[mid]) < (u, r, v) { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && (source[lo], relation[lo], target[lo]) == (u, r, v) ? lo : nil
    }

    init(source: [Int32], relation: [Int32], target: [Int32], provenance: [UInt8], split: [Int8], inEdge: [Int32]) {
        self.source = Frozen(source)
        self.relation = Frozen(relation)
        self.target = Frozen(target)
        self.provenance = Frozen(provenance)
        self.split = Frozen(split)
        self.inEdge = Frozen(inEdge)
        let (outNodes, outStarts) = Self.rows(count: source.count) { source[$0] }
        let (inNodes, inStarts) = Self.rows(count: inEdge.count) { target[Int(inEdge[$0])] }
        outRowNodes = Frozen(outNodes)
        outRowStarts = Frozen(outStarts)
        inRowNodes = Frozen(inNodes)
        inRowStarts = Frozen(inStarts)
        var mask: UInt32 = 0
        for p in provenance where p < 32 { mask |= 1 << UInt32(p) }
        provenanceMask = mask
    }

    /// The distinct keys of a sorted run, and where each one's run starts (plus the end).
    private static func rows(count: Int, key: (Int) -> Int32) -> ([Int32], [Int32]) {
        var nodes: [Int32] = [], starts: [Int32] = []
        nodes.reserveCapacity(count)
        starts.reserveCapacity(count + 1)
        var last: Int32 = -1
        for i in 0..<count {
            let k = key(i)
            if k != last || i == 0 {
                nodes.append(k)
                starts.append(Int32(i))
                last = k
            }
        }
        starts.append(Int32(count))
        return (nodes, starts)
    }
}

/// One direction of a version's delta as raw views, for the search loops: a node's added entries
/// (`row`) and whether a base entry was deleted (`isDeleted`). Valid while its snapshot lives.
///
/// An entry is named by an index over both layers: below `split` the settled layer's, from
/// `split` on the recent layer's (less `split`). In forward order that index is the edge's
/// position among the added edges.
public struct DeltaRows: @unchecked Sendable {
    // @unchecked: read-only views of a `GraphDelta`'s frozen memory.
    /// Nil when no node has a row (then `row` is always empty).
    public let flags: UnsafePointer<UInt64>?
    let settled: Layer
    let recent: Layer
    /// Per entry: the node at the other end, the relation, the provenance, and the edge's
    /// position among the added edges.
    public let columns: Field<Int32>
    public let relations: Field<Int32>
    public let provenance: Field<UInt8>
    public let edges: Positions
    /// Tombstones over this direction's base entries; nil when none.
    public let deleted: UnsafePointer<UInt64>?

    /// One layer's rows in one direction.
    struct Layer {
        let rowNodes: UnsafeBufferPointer<Int32>
        let rowStarts: UnsafeBufferPointer<Int32>
        let columns: UnsafePointer<Int32>?
        let relations: UnsafePointer<Int32>?
        let provenance: UnsafePointer<UInt8>?
        /// The reverse order (in rows); nil for out rows.
        let order: UnsafePointer<Int32>?
        let count: Int

        init(_ e: AddedEdges, out: Bool) {
            rowNodes = out ? e.outRowNodes.buffer : e.inRowNodes.buffer
            rowStarts = out ? e.outRowStarts.buffer : e.inRowStarts.buffer
            columns = (out ? e.target : e.source).buffer.baseAddress
            relations = e.relation.buffer.baseAddress
            provenance = e.provenance.buffer.baseAddress
            order = out ? nil : e.inEdge.buffer.baseAddress
            count = e.count
        }

        @inline(__always) func row(_ u: Int32) -> Range<Int> {
            var lo = 0, hi = rowNodes.count
            while lo < hi {
                let mid = (lo + hi) &>> 1
                if rowNodes[mid] < u { lo = mid + 1 } else { hi = mid }
            }
            guard lo < rowNodes.count, rowNodes[lo] == u else { return 0..<0 }
            return Int(rowStarts[lo])..<Int(rowStarts[lo + 1])
        }
    }

    init(flags: UnsafePointer<UInt64>?, settled: Layer, recent: Layer, deleted: UnsafePointer<UInt64>?) {
        self.flags = flags
        self.settled = settled
        self.recent = recent
        self.deleted = deleted
        let split = settled.count
        columns = Field(settled: settled.columns, recent: recent.columns, settledOrder: settled.order, recentOrder: recent.order, split: split)
        relations = Field(settled: settled.relations, recent: recent.relations, settledOrder: settled.order, recentOrder: recent.order, split: split)
        provenance = Field(settled: settled.provenance, recent: recent.provenance, settledOrder: settled.order, recentOrder: recent.order, split: split)
        edges = Positions(settledOrder: settled.order, recentOrder: recent.order, split: split)
    }

    /// One field of the entries: the forward arrays' own (out rows) or through the reverse order
    /// (in rows), of the layer the index falls in.
    public struct Field<T> {
        let settled: UnsafePointer<T>?
        let recent: UnsafePointer<T>?
        let settledOrder: UnsafePointer<Int32>?
        let recentOrder: UnsafePointer<Int32>?
        let split: Int
        @inline(__always) public subscript(j: Int) -> T {
            if j < split {
                if let settledOrder { return settled.unsafelyUnwrapped[Int(settledOrder[j])] }
                return settled.unsafelyUnwrapped[j]
            }
            let k = j &- split
            if let recentOrder { return recent.unsafelyUnwrapped[Int(recentOrder[k])] }
            return recent.unsafelyUnwrapped[k]
        }
    }

    /// Each entry's edge: its position among the added edges in forward order.
    public struct Positions {
        let settledOrder: UnsafePointer<Int32>?
        let recentOrder: UnsafePointer<Int32>?
        let split: Int
        @inline(__always) public subscript(j: Int) -> Int32 {
            if j < split {
                if let settledOrder { return settledOrder[j] }
                return Int32(truncatingIfNeeded: j)
            }
            if let recentOrder { return Int32(truncatingIfNeeded: split) &+ recentOrder[j &- split] }
            return Int32(truncatingIfNeeded: j)
        }
    }

    /// A node's entries: a run in each layer.
    public struct Span: Sequence, Sendable {
        /// The settled layer's entries, then the recent layer's (already offset by `split`).
        public let settled: Range<Int>
        public let recent: Range<Int>
        public static let empty = Span(settled: 0..<0, recent: 0..<0)
        @inline(__always) public var count: Int { settled.count &+ recent.count }
        @inline(__always) public var isEmpty: Bool { settled.isEmpty && recent.isEmpty }
        /// How many of the span's entries come up to and including entry `j`.
        @inline(__always) public func scanned(through j: Int) -> Int {
            settled.contains(j) ? j &- settled.lowerBound &+ 1 : settled.count &+ j &- recent.lowerBound &+ 1
        }

        public struct Iterator: IteratorProtocol {
            var i: Int
            var end: Int
            var then: Range<Int>?
            @inline(__always) public mutating func next() -> Int? {
                if i == end {
                    guard let t = then else { return nil }
                    (i, end, then) = (t.lowerBound, t.upperBound, nil)
                    if i == end { return nil }
                }
                defer { i &+= 1 }
                return i
            }
        }
        @inline(__always) public func makeIterator() -> Iterator {
            Iterator(i: settled.lowerBound, end: settled.upperBound, then: recent)
        }
    }

    /// True when the version has no added edges and no tombstones: the plain CSR answers alone.
    @inline(__always) public var isEmpty: Bool { flags == nil && deleted == nil }

    /// The entries added at node `u`, as indices into `columns`, `relations`, `provenance`, `edges`.
    @inline(__always) public func row(_ u: Int32) -> Span {
        guard let flags, flags[Int(u) &>> 6] & (1 &<< UInt64(u & 63)) != 0 else { return .empty }
        let a = settled.rowNodes.isEmpty ? 0..<0 : settled.row(u)
        let b = recent.rowNodes.isEmpty ? 0..<0 : recent.row(u)
        return Span(settled: a, recent: (b.lowerBound &+ settled.count)..<(b.upperBound &+ settled.count))
    }

    /// Whether base entry `i` of this direction was deleted.
    @inline(__always) public func isDeleted(_ i: Int) -> Bool {
        guard let deleted else { return false }
        return deleted[i &>> 6] & (1 &<< UInt64(i & 63)) != 0
    }
}

/// Why a delta could not be applied: the caller rebuilds from the store instead.
public enum DeltaError: Error, CustomStringConvertible, Sendable {
    /// A change names a term the version does not know and whose term was not given.
    case unknownTerm(Int64)
    /// A change does not follow the version's change sequence.
    case gap(have: Int64, next: Int64)

    public var description: String {
        switch self {
        case .unknownTerm(let id): "the change names term \(id), which is not in the dictionary"
        case .gap(let have, let next): "the version is at change \(have) and the next change given is \(next)"
        }
    }
}
