import QuiverCore
import QuiverGraph

/// The edges a message-passing kernel runs over: a snapshot's edges, optionally restricted to some
/// provenances, some relations or an explicit per-edge mask, in both directions.
///
/// Messages flow along stored edges, subject → object: `rspmm` aggregates at each node over its
/// in-edges. Edges keep their forward index in the snapshot (`CSRSnapshot.outTargets` order), so
/// per-edge weights and their gradients are arrays of `edgeSlots` values in that order.
///
/// ```swift
/// let graph = MessageGraph(snapshot: snap, provenances: [.asserted])
/// let out = RSPMM.forward(graph: graph, semiring: .sumMul, relations: r, input: x)
/// ```
public struct MessageGraph: Sendable {
    public let nodeCount: Int
    public let relationCount: Int
    /// The length of per-edge arrays (weights, their gradients): every forward edge of the
    /// snapshot, kept or not.
    public let edgeSlots: Int

    // Kept edges by target, in the snapshot's (relation, source) order.
    let inOffsets: Column<Int>
    let inSources: Column<Int32>
    let inRelations: Column<Int32>
    let inEdgeIDs: Column<Int32>
    // Kept edges by source, in the snapshot's (relation, target) order.
    let outOffsets: Column<Int>
    let outTargets: Column<Int32>
    let outRelations: Column<Int32>
    /// Each kept out-edge's forward index; nil when every edge is kept (index = position).
    let outEdgeIDs: [Int32]?

    /// The number of edges kept.
    public var edgeCount: Int { inSources.count }

    /// Explicit edges `sources[i] --relations[i]--> targets[i]`, such as a training split plus its
    /// inverse edges; edge `i` is slot `i` of per-edge weights. Within a node, edges keep their order
    /// in the arrays.
    public init(nodeCount: Int, relationCount: Int, sources: [Int32], relations: [Int32], targets: [Int32]) {
        precondition(sources.count == relations.count && sources.count == targets.count, "one relation and target per source")
        precondition(sources.allSatisfy { $0 >= 0 && Int($0) < nodeCount } && targets.allSatisfy { $0 >= 0 && Int($0) < nodeCount },
                     "edge endpoints must be nodes below \(nodeCount)")
        precondition(relations.allSatisfy { $0 >= 0 && Int($0) < relationCount }, "relations must be below \(relationCount)")
        self.nodeCount = nodeCount
        self.relationCount = relationCount
        edgeSlots = sources.count
        func bucket(by key: [Int32]) -> (offsets: [Int], order: [Int32]) {
            var off = [Int](repeating: 0, count: nodeCount + 1)
            for k in key { off[Int(k) + 1] += 1 }
            for v in 0 ..< nodeCount { off[v + 1] += off[v] }
            var next = off, order = [Int32](repeating: 0, count: key.count)
            for (e, k) in key.enumerated() { order[next[Int(k)]] = Int32(e); next[Int(k)] += 1 }
            return (off, order)
        }
        let (inOff, inOrder) = bucket(by: targets)
        inOffsets = Column(inOff)
        inSources = Column(inOrder.map { sources[Int($0)] })
        inRelations = Column(inOrder.map { relations[Int($0)] })
        inEdgeIDs = Column(inOrder)
        let (outOff, outOrder) = bucket(by: sources)
        outOffsets = Column(outOff)
        outTargets = Column(outOrder.map { targets[Int($0)] })
        outRelations = Column(outOrder.map { relations[Int($0)] })
        outEdgeIDs = outOrder
    }

    /// All edges of `snapshot`, or those whose provenance is in `provenances`, whose relation is in
    /// `relations`, and whose `edgeMask` entry (forward order) is true.
    public init(snapshot s: CSRSnapshot, provenances: Set<Provenance>? = nil, relations: Set<Int32>? = nil, edgeMask: [Bool]? = nil) {
        precondition(edgeMask == nil || edgeMask!.count == s.edgeCount, "edgeMask needs one entry per edge")
        var keep: [Bool]? = nil
        if provenances != nil || relations != nil || edgeMask != nil {
            let provOK = (0 ..< 256).map { raw in provenances.map { set in set.contains { Int($0.rawValue) == raw } } ?? true }
            var k = [Bool](repeating: true, count: s.edgeCount)
            for e in 0 ..< s.edgeCount {
                k[e] = provOK[Int(s.provenance[e])] && (relations?.contains(s.outRelations[e]) ?? true) && (edgeMask?[e] ?? true)
            }
            keep = k
        }
        nodeCount = s.nodeCount
        relationCount = s.relationCount
        edgeSlots = s.edgeCount
        if let keep {
            var off = [Int](repeating: 0, count: s.nodeCount + 1)
            var src: [Int32] = [], rel: [Int32] = [], ids: [Int32] = []
            for v in 0 ..< s.nodeCount {
                for p in s.inOffsets[v] ..< s.inOffsets[v + 1] where keep[Int(s.inEdges[p])] {
                    src.append(s.inSources[p]); rel.append(s.inRelations[p]); ids.append(s.inEdges[p])
                }
                off[v + 1] = src.count
            }
            var oOff = [Int](repeating: 0, count: s.nodeCount + 1)
            var tgt: [Int32] = [], orel: [Int32] = [], oids: [Int32] = []
            for u in 0 ..< s.nodeCount {
                for e in s.outOffsets[u] ..< s.outOffsets[u + 1] where keep[e] {
                    tgt.append(s.outTargets[e]); orel.append(s.outRelations[e]); oids.append(Int32(e))
                }
                oOff[u + 1] = tgt.count
            }
            (inOffsets, inSources, inRelations, inEdgeIDs) = (Column(off), Column(src), Column(rel), Column(ids))
            (outOffsets, outTargets, outRelations, outEdgeIDs) = (Column(oOff), Column(tgt), Column(orel), oids)
        } else {
            (inOffsets, inSources, inRelations, inEdgeIDs) = (s.inOffsets, s.inSources, s.inRelations, s.inEdges)
            (outOffsets, outTargets, outRelations, outEdgeIDs) = (s.outOffsets, s.outTargets, s.outRelations, nil)
        }
    }
}
