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

    @inline(__always) func isAccepting(_ q: Int32) -> Bool { accepting[Int(q)] }

    @inline(__always) func allowed(edge e: Int, node v: Int32) -> Bool {
        if checkProvenance && provenanceMask & (1 << UInt32(provenance[e])) == 0 { return false }
        if !excludedNodes.isEmpty && excludedNodes[Int(v)] { return false }
        return true
    }

    /// The adjacency entries a step from `u` (or, `backward`, a step into it) scans: what growing
    /// a frontier by `u` costs, whatever its automaton state.
    @inline(__always) func work(_ u: Int32, backward: Bool) -> Int {
        let out = outOffsets[Int(u) + 1] - outOffsets[Int(u)], into = inOffsets[Int(u) + 1] - inOffsets[Int(u)]
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
            let lo = outOffsets[Int(u)], hi = outOffsets[Int(u) + 1]
            var i = lo
            while i < hi {
                let r = outRelations[i]
                let c = classOf[Int(r) &* 2]
                if c >= 0 {
                    let q2 = delta[row + Int(c)]
                    if q2 >= 0 {
                        let v = outTargets[i]
                        if allowed(edge: i, node: v) && body(v, q2, r, false, Int32(i)) { return scanned + i - lo + 1 }
                    }
                }
                i += 1
            }
            scanned += hi - lo
        }
        if scanIn {
            let lo = inOffsets[Int(u)], hi = inOffsets[Int(u) + 1]
            var i = lo
            while i < hi {
                let r = inRelations[i]
                let c = classOf[Int(r) &* 2 &+ 1]
                if c >= 0 {
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
        }
        return scanned
    }

    /// The steps into (v, q), until `body` returns true. Returns the entries scanned.
    @inline(__always)
    func scanPredecessors(_ v: Int32, _ q: Int32, until body: (Int32, Int32, Int32, Bool, Int32) -> Bool) -> Int {
        var scanned = 0
        if scanOut {
            let lo = inOffsets[Int(v)], hi = inOffsets[Int(v) + 1]
            for i in lo..<hi {
                let r = inRelations[i]
                let c = classOf[Int(r) &* 2]
                if c < 0 { continue }
                let e = Int(inEdges[i])
                if checkProvenance && provenanceMask & (1 << UInt32(provenance[e])) == 0 { continue }
                let k = Int(q) * classCount + Int(c)
                let u = inSources[i]
                if !excludedNodes.isEmpty && excludedNodes[Int(u)] { continue }
                for j in Int(reverseOffsets[k])..<Int(reverseOffsets[k + 1]) where body(u, reverseStates[j], r, false, Int32(e)) {
                    return scanned + i - lo + 1
                }
            }
            scanned += hi - lo
        }
        if scanIn {
            let lo = outOffsets[Int(v)], hi = outOffsets[Int(v) + 1]
            for i in lo..<hi {
                let r = outRelations[i]
                let c = classOf[Int(r) &* 2 &+ 1]
                if c < 0 { continue }
                let u = outTargets[i]
                if skipSelfLoopIn && u == v { continue }
                if checkProvenance && provenanceMask & (1 << UInt32(provenance[i])) == 0 { continue }
                if !excludedNodes.isEmpty && excludedNodes[Int(u)] { continue }
                let k = Int(q) * classCount + Int(c)
                for j in Int(reverseOffsets[k])..<Int(reverseOffsets[k + 1]) where body(u, reverseStates[j], r, true, Int32(i)) {
                    return scanned + i - lo + 1
                }
            }
            scanned += hi - lo
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
                                                                    scanOut: a.usesOut, scanIn: a.usesIn))
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
