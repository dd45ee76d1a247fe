import Dispatch
import QuiverCore
import QuiverGraph

/// The product of a snapshot and a `StepAutomaton`: a state is `node * stateCount + automatonState`.
/// Holds raw views of the snapshot's arrays; valid only inside `withProductGraph`.
struct ProductGraph {
    let outOffsets: UnsafeBufferPointer<Int>
    let outTargets: UnsafeBufferPointer<Int32>
    let outRelations: UnsafeBufferPointer<Int32>
    let provenance: UnsafeBufferPointer<UInt8>
    let inOffsets: UnsafeBufferPointer<Int>
    let inSources: UnsafeBufferPointer<Int32>
    let inRelations: UnsafeBufferPointer<Int32>
    let inEdges: UnsafeBufferPointer<Int32>
    let classOf: UnsafeBufferPointer<Int32>
    let delta: UnsafeBufferPointer<Int32>
    let accepting: UnsafeBufferPointer<Bool>
    let reverseOffsets: UnsafeBufferPointer<Int32>
    let reverseStates: UnsafeBufferPointer<Int32>
    let classCount: Int
    let stateCount: Int
    let nodeCount: Int
    /// Bit `p` set: provenance `p` is followed. `checkProvenance` false when every edge passes.
    let provenanceMask: UInt32
    let checkProvenance: Bool
    /// Nodes never entered, or empty.
    let excludedNodes: UnsafeBufferPointer<Bool>
    /// With direction `both`, a self-loop is followed once, as `out`.
    let skipSelfLoopIn: Bool
    let scanOut: Bool
    let scanIn: Bool
    /// The version's delta: entries added at a node, tombstones over base entries. An added edge
    /// is edge `baseEdgeCount + k` (k its position among the added edges) wherever edges are named.
    let outDelta: DeltaRows
    let inDelta: DeltaRows
    /// Nodes from `baseNodeCount` on are new: they have no base rows.
    let baseNodeCount: Int
    let baseEdgeCount: Int32

    @inline(__always) func isAccepting(_ q: Int32) -> Bool { accepting[Int(q)] }

    @inline(__always) func allowed(edge e: Int, node v: Int32) -> Bool {
        allowed(provenance: provenance[e], node: v)
    }

    @inline(__always) func allowed(provenance p: UInt8, node v: Int32) -> Bool {
        if checkProvenance && provenanceMask & (1 << UInt32(p)) == 0 { return false }
        if !excludedNodes.isEmpty && excludedNodes[Int(v)] { return false }
        return true
    }

    /// Node `u`'s base rows (empty for a node the delta added).
    @inline(__always) func outRow(_ u: Int32) -> Range<Int> {
        Int(u) < baseNodeCount ? outOffsets[Int(u)]..<outOffsets[Int(u) + 1] : 0..<0
    }
    @inline(__always) func inRow(_ u: Int32) -> Range<Int> {
        Int(u) < baseNodeCount ? inOffsets[Int(u)]..<inOffsets[Int(u) + 1] : 0..<0
    }

    /// The adjacency entries a step from `u` (or, `backward`, a step into it) scans: what growing
    /// a frontier by `u` costs, whatever its automaton state.
    @inline(__always) func work(_ u: Int32, backward: Bool) -> Int {
        let out = outRow(u).count + outDelta.row(u).count, into = inRow(u).count + inDelta.row(u).count
        return (scanOut ? (backward ? into : out) : 0) + (scanIn ? (backward ? out : into) : 0)
    }

    /// Calls `body(v, q2, relation, isIn, edge)` for each step out of product state (u, q), in
    /// adjacency order (out-edges by relation then target, then in-edges by relation then source).
    /// Returns the number of adjacency entries scanned.
    @inline(__always)
    func forEachStep(_ u: Int32, _ q: Int32, _ body: (Int32, Int32, Int32, Bool, Int32) -> Void) -> Int {
        scanSteps(u, q, until: { v, q2, r, isIn, e in body(v, q2, r, isIn, e); return false })
    }

    /// Calls `body(u, p, relation, isIn, edge)` for each step (u, p) → (v, q): the reverse of
    /// `forEachStep`. Returns the number of adjacency entries scanned.
    @inline(__always)
    func forEachPredecessor(_ v: Int32, _ q: Int32, _ body: (Int32, Int32, Int32, Bool, Int32) -> Void) -> Int {
        scanPredecessors(v, q, until: { u, p, r, isIn, e in body(u, p, r, isIn, e); return false })
    }
}

extension ProductGraph {
    /// The steps out of (u, q) in adjacency order, until `body` returns true. Returns the entries scanned.
    @inline(__always)
    func scanSteps(_ u: Int32, _ q: Int32, until body: (Int32, Int32, Int32, Bool, Int32) -> Bool) -> Int {
        var scanned = 0
        let row = Int(q) * classCount
        if scanOut {
            let range = outRow(u)
            let lo = range.lowerBound, hi = range.upperBound
            var i = lo
            while i < hi {
                let r = outRelations[i]
                let c = classOf[Int(r) &* 2]
                if c >= 0 && !outDelta.isDeleted(i) {
                    let q2 = delta[row + Int(c)]
                    if q2 >= 0 {
                        let v = outTargets[i]
                        if allowed(edge: i, node: v) && body(v, q2, r, false, Int32(i)) { return scanned + i - lo + 1 }
                    }
                }
                i += 1
            }
            scanned += hi - lo
            let added = outDelta.row(u)
            for j in added {
                let r = outDelta.relations[j]
                let c = classOf[Int(r) &* 2]
                if c < 0 { continue }
                let q2 = delta[row + Int(c)]
                if q2 < 0 { continue }
                let v = outDelta.columns[j]
                if allowed(provenance: outDelta.provenance[j], node: v) && body(v, q2, r, false, baseEdgeCount &+ outDelta.edges[j]) {
                    return scanned + added.scanned(through: j)
                }
            }
            scanned += added.count
        }
        if scanIn {
            let range = inRow(u)
            let lo = range.lowerBound, hi = range.upperBound
            var i = lo
            while i < hi {
                let r = inRelations[i]
                let c = classOf[Int(r) &* 2 &+ 1]
                if c >= 0 && !inDelta.isDeleted(i) {
                    let q2 = delta[row + Int(c)]
                    if q2 >= 0 {
                        let v = inSources[i]
                        let e = inEdges[i]
                        if !(skipSelfLoopIn && v == u) && allowed(edge: Int(e), node: v) && body(v, q2, r, true, e) {
                            return scanned + i - lo + 1
                        }
                    }
                }
                i += 1
            }
            scanned += hi - lo
            let added = inDelta.row(u)
            for j in added {
                let r = inDelta.relations[j]
                let c = classOf[Int(r) &* 2 &+ 1]
                if c < 0 { continue }
                let q2 = delta[row + Int(c)]
                if q2 < 0 { continue }
                let v = inDelta.columns[j]
                if !(skipSelfLoopIn && v == u) && allowed(provenance: inDelta.provenance[j], node: v)
                    && body(v, q2, r, true, baseEdgeCount &+ inDelta.edges[j]) {
                    return scanned + added.scanned(through: j)
                }
            }
            scanned += added.count
        }
        return scanned
    }

    /// The steps into (v, q), until `body` returns true. Returns the entries scanned.
    @inline(__always)
    func scanPredecessors(_ v: Int32, _ q: Int32, until body: (Int32, Int32, Int32, Bool, Int32) -> Bool) -> Int {
        var scanned = 0
        if scanOut {
            let range = inRow(v)
            let lo = range.lowerBound, hi = range.upperBound
            for i in lo..<hi {
                let r = inRelations[i]
                let c = classOf[Int(r) &* 2]
                if c < 0 || inDelta.isDeleted(i) { continue }
                let e = Int(inEdges[i])
                let u = inSources[i]
                if !allowed(edge: e, node: u) { continue }
                let k = Int(q) * classCount + Int(c)
                for j in Int(reverseOffsets[k])..<Int(reverseOffsets[k + 1]) where body(u, reverseStates[j], r, false, Int32(e)) {
                    return scanned + i - lo + 1
                }
            }
            scanned += hi - lo
            let added = inDelta.row(v)
            for a in added {
                let r = inDelta.relations[a]
                let c = classOf[Int(r) &* 2]
                if c < 0 { continue }
                let u = inDelta.columns[a]
                if !allowed(provenance: inDelta.provenance[a], node: u) { continue }
                let k = Int(q) * classCount + Int(c)
                for j in Int(reverseOffsets[k])..<Int(reverseOffsets[k + 1])
                where body(u, reverseStates[j], r, false, baseEdgeCount &+ inDelta.edges[a]) {
                    return scanned + added.scanned(through: a)
                }
            }
            scanned += added.count
        }
        if scanIn {
            let range = outRow(v)
            let lo = range.lowerBound, hi = range.upperBound
            for i in lo..<hi {
                let r = outRelations[i]
                let c = classOf[Int(r) &* 2 &+ 1]
                if c < 0 || outDelta.isDeleted(i) { continue }
                let u = outTargets[i]
                if skipSelfLoopIn && u == v { continue }
                if !allowed(edge: i, node: u) { continue }
                let k = Int(q) * classCount + Int(c)
                for j in Int(reverseOffsets[k])..<Int(reverseOffsets[k + 1]) where body(u, reverseStates[j], r, true, Int32(i)) {
                    return scanned + i - lo + 1
                }
            }
            scanned += hi - lo
            let added = outDelta.row(v)
            for a in added {
                let r = outDelta.relations[a]
                let c = classOf[Int(r) &* 2 &+ 1]
                if c < 0 { continue }
                let u = outDelta.columns[a]
                if skipSelfLoopIn && u == v { continue }
                if !allowed(provenance: outDelta.provenance[a], node: u) { continue }
                let k = Int(q) * classCount + Int(c)
                for j in Int(reverseOffsets[k])..<Int(reverseOffsets[k + 1])
                where body(u, reverseStates[j], r, true, baseEdgeCount &+ outDelta.edges[a]) {
                    return scanned + added.scanned(through: a)
                }
            }
            scanned += added.count
        }
        return scanned
    }
}

/// Everything a query needs besides the search itself: the snapshot, the automaton and the filters.
struct QueryPlan {
    let snapshot: CSRSnapshot
    let automaton: StepAutomaton
    let provenanceMask: UInt32
    let checkProvenance: Bool
    /// Empty when no node is excluded; otherwise one flag per node.
    let excludedNodes: [Bool]
    let direction: Direction
    let maxHops: Int
    let limit: Int
    let maxFrontier: Int

    var stateCount: Int { automaton.stateCount }

    func withProductGraph<R>(_ body: (ProductGraph) throws -> R) rethrows -> R {
        let s = snapshot, a = automaton
        return try s.outOffsets.withUnsafeBufferPointer { outOffsets in
            try s.outTargets.withUnsafeBufferPointer { outTargets in
                try s.outRelations.withUnsafeBufferPointer { outRelations in
                    try s.provenance.withUnsafeBufferPointer { provenance in
                        try s.inOffsets.withUnsafeBufferPointer { inOffsets in
                            try s.inSources.withUnsafeBufferPointer { inSources in
                                try s.inRelations.withUnsafeBufferPointer { inRelations in
                                    try s.inEdges.withUnsafeBufferPointer { inEdges in
                                        try a.classOf.withUnsafeBufferPointer { classOf in
                                            try a.delta.withUnsafeBufferPointer { delta in
                                                try a.accepting.withUnsafeBufferPointer { accepting in
                                                    try a.reverseOffsets.withUnsafeBufferPointer { reverseOffsets in
                                                        try a.reverseStates.withUnsafeBufferPointer { reverseStates in
                                                            try excludedNodes.withUnsafeBufferPointer { excluded in
                                                                try body(ProductGraph(
                                                                    outOffsets: outOffsets, outTargets: outTargets, outRelations: outRelations,
                                                                    provenance: provenance, inOffsets: inOffsets, inSources: inSources,
                                                                    inRelations: inRelations, inEdges: inEdges, classOf: classOf, delta: delta,
                                                                    accepting: accepting, reverseOffsets: reverseOffsets, reverseStates: reverseStates,
                                                                    classCount: a.classCount, stateCount: a.stateCount, nodeCount: s.nodeCount,
                                                                    provenanceMask: provenanceMask, checkProvenance: checkProvenance,
                                                                    excludedNodes: excluded, skipSelfLoopIn: direction == .both,
                                                                    scanOut: a.usesOut, scanIn: a.usesIn,
                                                                    outDelta: s.deltaRows(out: true), inDelta: s.deltaRows(out: false),
                                                                    baseNodeCount: s.baseNodeCount, baseEdgeCount: Int32(s.baseEdgeCount)))
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
                    }
                }
            }
        }
    }
}

/// Time, cancellation and work limits of one query, checked cheaply in the search loops.
struct Budget {
    let deadline: UInt64?
    let token: CancellationToken?
    private var tick = 0
    private(set) var stopped: TruncationReason?

    /// Stops at the earlier of `timeout` from now and `deadline`.
    init(timeout: Duration?, deadline: Deadline? = nil, token: CancellationToken?) {
        var end = deadline?.uptimeNanoseconds
        if let timeout {
            let byTimeout = Deadline.after(timeout).uptimeNanoseconds
            end = min(end ?? byTimeout, byTimeout)
        }
        self.deadline = end
        self.token = token
    }

    /// True once the query must stop; looks at the clock every 1,024 calls.
    @inline(__always)
    mutating func exhausted() -> Bool {
        if stopped != nil { return true }
        tick &+= 1
        if tick & 1023 != 0 { return false }
        return checkNow()
    }

    mutating func checkNow() -> Bool {
        if stopped != nil { return true }
        if let token, token.isCancelled { stopped = .cancelled; return true }
        if let deadline, Deadline.nowNanoseconds >= deadline { stopped = .timeout; return true }
        return false
    }
}
