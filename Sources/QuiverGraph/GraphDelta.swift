import QuiverCore

/// What a version holds beyond its base CSR: edges added and base edges deleted (tombstones),
/// and the nodes and relations that are new. Immutable; a write makes the next delta (`applying`).
///
/// Added edges are kept in forward order, (source, relation, target), and through a permutation
/// in reverse order, (target, relation, source), each direction indexed by the nodes that have a
/// row in it. A bit per node says whether it has a row in either direction, so that a search
/// looks for one only at the few nodes that do. Tombstones are bits over the base's forward
/// entries and, for the in-edge scans, over its reverse entries.
public final class GraphDelta: Sendable {
    public static let empty = GraphDelta()

    // New terms; the dense id of new node k is the base's node count + k (likewise relations).
    public let newNodeTerms: ChunkedList<Term>
    public let newNodeIDs: ChunkedList<Int64>
    /// The new ids in ascending order, with their dense ids (merged per version, never sorted whole).
    let nodeLookupIDs: [Int64]
    let nodeLookupDense: [Int32]
    public let newRelationTerms: ChunkedList<Term>
    public let newRelationIDs: ChunkedList<Int64>
    let relationLookupIDs: [Int64]
    let relationLookupDense: [Int32]

    /// The added edges and their row indexes (shared by versions that changed no edge).
    let edges: AddedEdges
    /// A bit per node: set when the node has a row in either direction.
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
    public var addedCount: Int { edges.count }
    var source: Frozen<Int32> { edges.source }
    var relation: Frozen<Int32> { edges.relation }
    var target: Frozen<Int32> { edges.target }
    var provenance: Frozen<UInt8> { edges.provenance }
    var split: Frozen<Int8> { edges.split }
    var inEdge: Frozen<Int32> { edges.inEdge }
    /// Bit `p` set when an added edge has provenance `p`.
    public var provenanceMask: UInt32 {
        var mask: UInt32 = 0
        for p in provenance.buffer where p < 32 { mask |= 1 << UInt32(p) }
        return mask
    }
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
        addedCount * (4 * 4 + 2 * 1) + (edges.outRowNodes.count + edges.inRowNodes.count) * 8 + flags.count * 8
            + (deletedOut.count + deletedIn.count) * 8 + (newNodeIDs.count + newRelationIDs.count) * 20
    }

    struct Parts {
        var newNodeTerms = ChunkedList<Term>()
        var newNodeIDs = ChunkedList<Int64>()
        var newRelationTerms = ChunkedList<Term>()
        var newRelationIDs = ChunkedList<Int64>()
        /// The previous version's lookups, covering its new ids.
        var nodeLookup: ([Int64], [Int32]) = ([], [])
        var relationLookup: ([Int64], [Int32]) = ([], [])
        var edges = AddedEdges.empty
        var deletedOut = Frozen<UInt64>([]), deletedIn = Frozen<UInt64>([])
        var deletedCount = 0
        var relationNet: [Int] = []
        var ontologyChanges = 0
    }

    convenience init() { self.init(Parts(), nodeCount: 0) }

    init(_ p: Parts, nodeCount: Int) {
        newNodeTerms = p.newNodeTerms
        newNodeIDs = p.newNodeIDs
        (nodeLookupIDs, nodeLookupDense) = Self.lookup(p.newNodeIDs, previous: p.nodeLookup, firstDense: nodeCount - p.newNodeIDs.count)
        newRelationTerms = p.newRelationTerms
        newRelationIDs = p.newRelationIDs
        (relationLookupIDs, relationLookupDense) = Self.lookup(
            p.newRelationIDs, previous: p.relationLookup, firstDense: p.relationNet.count - p.newRelationIDs.count)
        edges = p.edges
        let e = p.edges
        var bits = [UInt64](repeating: 0, count: e.outRowNodes.count == 0 && e.inRowNodes.count == 0 ? 0 : (nodeCount + 63) >> 6)
        bits.withUnsafeMutableBufferPointer { bits in
            for u in e.outRowNodes.buffer { bits[Int(u) >> 6] |= 1 << UInt64(u & 63) }
            for u in e.inRowNodes.buffer { bits[Int(u) >> 6] |= 1 << UInt64(u & 63) }
        }
        flags = Frozen(bits)
        deletedOut = p.deletedOut
        deletedIn = p.deletedIn
        deletedCount = p.deletedCount
        relationNet = p.relationNet
        ontologyChanges = p.ontologyChanges
    }

    var parts: Parts {
        Parts(newNodeTerms: newNodeTerms, newNodeIDs: newNodeIDs, newRelationTerms: newRelationTerms,
              newRelationIDs: newRelationIDs, nodeLookup: (nodeLookupIDs, nodeLookupDense),
              relationLookup: (relationLookupIDs, relationLookupDense), edges: edges, deletedOut: deletedOut,
              deletedIn: deletedIn, deletedCount: deletedCount, relationNet: relationNet, ontologyChanges: ontologyChanges)
    }

    /// `previous` (the lookup of the first `previous.0.count` ids) merged with the ids after them.
    private static func lookup(_ ids: ChunkedList<Int64>, previous: ([Int64], [Int32]), firstDense: Int) -> ([Int64], [Int32]) {
        let known = previous.0.count
        guard known < ids.count else { return previous }
        let added = (known..<ids.count).sorted { ids[$0] < ids[$1] }
        var outIDs: [Int64] = [], outDense: [Int32] = []
        outIDs.reserveCapacity(ids.count)
        outDense.reserveCapacity(ids.count)
        var i = 0, j = 0
        while i < known || j < added.count {
            if j == added.count || (i < known && previous.0[i] < ids[added[j]]) {
                outIDs.append(previous.0[i]); outDense.append(previous.1[i]); i += 1
            } else {
                outIDs.append(ids[added[j]]); outDense.append(Int32(firstDense + added[j])); j += 1
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

    func newNode(termID id: Int64) -> Int32? { Self.find(id, nodeLookupIDs, nodeLookupDense) }
    func newRelation(termID id: Int64) -> Int32? { Self.find(id, relationLookupIDs, relationLookupDense) }

    /// The forward position of the added edge (u, r, v), or nil.
    func addedEdge(_ u: Int32, _ r: Int32, _ v: Int32) -> Int? {
        var lo = 0, hi = source.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let key = (source[mid], relation[mid], target[mid])
            if key < (u, r, v) { lo = mid + 1 } else { hi = mid }
        }
        return lo < source.count && (source[lo], relation[lo], target[lo]) == (u, r, v) ? lo : nil
    }

    /// The raw view of one direction's rows, valid while this delta lives.
    func rows(out: Bool) -> DeltaRows {
        let e = edges
        let order = out ? nil : e.inEdge.buffer.baseAddress
        return DeltaRows(
            flags: flags.count == 0 ? nil : flags.buffer.baseAddress,
            rowNodes: out ? e.outRowNodes.buffer : e.inRowNodes.buffer,
            rowStarts: out ? e.outRowStarts.buffer : e.inRowStarts.buffer,
            columns: .init(values: (out ? e.target : e.source).buffer.baseAddress!, order: order),
            relations: .init(values: e.relation.buffer.baseAddress!, order: order),
            provenance: .init(values: e.provenance.buffer.baseAddress!, order: order),
            edges: .init(order: order),
            deleted: (out ? deletedOut : deletedIn).count == 0 ? nil : (out ? deletedOut : deletedIn).buffer.baseAddress)
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

    var count: Int { source.count }

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
public struct DeltaRows: @unchecked Sendable {
    // @unchecked: read-only views of a `GraphDelta`'s frozen memory.
    /// Nil when no node has a row (then `row` is always empty).
    public let flags: UnsafePointer<UInt64>?
    public let rowNodes: UnsafeBufferPointer<Int32>
    public let rowStarts: UnsafeBufferPointer<Int32>
    /// Per entry: the node at the other end, the relation, the provenance, and the edge's
    /// position among the added edges in forward order.
    public let columns: Field<Int32>
    public let relations: Field<Int32>
    public let provenance: Field<UInt8>
    public let edges: Positions

    /// One field of the entries: the forward arrays' own (out rows) or through the reverse order
    /// (in rows).
    public struct Field<T> {
        let values: UnsafePointer<T>
        let order: UnsafePointer<Int32>?
        @inline(__always) public subscript(j: Int) -> T {
            if let order { return values[Int(order[j])] }
            return values[j]
        }
    }

    /// Each entry's edge: its position among the added edges in forward order.
    public struct Positions {
        let order: UnsafePointer<Int32>?
        @inline(__always) public subscript(j: Int) -> Int32 {
            if let order { return order[j] }
            return Int32(truncatingIfNeeded: j)
        }
    }
    /// Tombstones over this direction's base entries; nil when none.
    public let deleted: UnsafePointer<UInt64>?

    /// True when the version has no added edges and no tombstones: the plain CSR answers alone.
    @inline(__always) public var isEmpty: Bool { flags == nil && deleted == nil }

    /// The entries added at node `u`, as indices into `columns`, `relations`, `provenance`, `edges`.
    @inline(__always) public func row(_ u: Int32) -> Range<Int> {
        guard let flags, flags[Int(u) &>> 6] & (1 &<< UInt64(u & 63)) != 0 else { return 0..<0 }
        var lo = 0, hi = rowNodes.count
        while lo < hi {
            let mid = (lo + hi) &>> 1
            if rowNodes[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        guard lo < rowNodes.count, rowNodes[lo] == u else { return 0..<0 }
        return Int(rowStarts[lo])..<Int(rowStarts[lo + 1])
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
