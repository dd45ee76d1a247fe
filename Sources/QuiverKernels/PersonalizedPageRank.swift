import QuiverCore
import Dispatch
import QuiverGraph

/// Personalized PageRank over a snapshot's out-edges (subject → object).
///
/// Convention: `alpha` is the teleport (restart) probability. At each step the walker jumps back to
/// a seed with probability `alpha`, else follows a uniformly chosen out-edge (among the allowed
/// relations). The score vector `p` solves
///
///     p = alpha · s + (1 − alpha) · (Pᵀ p + dangling(p) · s)
///
/// where `s` is the seed distribution (uniform over the seeds given) and `dangling(p)` is the mass on
/// nodes with no allowed out-edge: that mass returns to the seeds, so the scores always sum to 1.
/// Edges are followed once per stored triple: two triples u→v count twice.
///
/// ```swift
/// let ppr = PersonalizedPageRank(snapshot: snap)
/// let r = ppr.power(seeds: [usa], alpha: 0.15, stop: .tolerance(1e-8))
/// let top = r.top(10)
/// ```
public struct PersonalizedPageRank: Sendable {
    public let nodeCount: Int
    /// Edges followed (allowed relations only).
    public let edgeCount: Int
    // Allowed edges by target (pull form for power iteration) and by source (push form).
    let inOffsets: Column<Int>
    let inSources: Column<Int32>
    let outOffsets: Column<Int>
    let outTargets: Column<Int32>
    let outDegree: [Int32]

    /// Uses every edge, or only those whose relation is in `relations`.
    public init(snapshot s: CSRSnapshot, relations: Set<Int32>? = nil) {
        nodeCount = s.nodeCount
        if let relations {
            var inOff = [Int](repeating: 0, count: s.nodeCount + 1), src: [Int32] = []
            for v in 0 ..< s.nodeCount {
                for p in s.inOffsets[v] ..< s.inOffsets[v + 1] where relations.contains(s.inRelations[p]) { src.append(s.inSources[p]) }
                inOff[v + 1] = src.count
            }
            var outOff = [Int](repeating: 0, count: s.nodeCount + 1), tgt: [Int32] = []
            for u in 0 ..< s.nodeCount {
                for e in s.outOffsets[u] ..< s.outOffsets[u + 1] where relations.contains(s.outRelations[e]) { tgt.append(s.outTargets[e]) }
                outOff[u + 1] = tgt.count
            }
            (inOffsets, inSources, outOffsets, outTargets) = (Column(inOff), Column(src), Column(outOff), Column(tgt))
        } else {
            (inOffsets, inSources, outOffsets, outTargets) = (s.inOffsets, s.inSources, s.outOffsets, s.outTargets)
        }
        edgeCount = inSources.count
        let off = outOffsets
        outDegree = (0 ..< s.nodeCount).map { Int32(off[$0 + 1] - off[$0]) }
    }

    public enum Stop: Sendable, Equatable {
        /// Exactly this many iterations.
        case iterations(Int)
        /// Until the L1 change of one iteration is below this, at most `maxIterations`.
        case tolerance(Double, maxIterations: Int = 1000)
    }

    public struct Result: Sendable {
        /// One score per node; they sum to 1 (up to rounding; for push, minus the residual left).
        public var scores: [Float]
        /// Power iterations run, or pushes done.
        public var iterations: Int
        /// Edge visits: edges × iterations for power iteration, out-edges scanned for push.
        public var edgeUpdates: Int
        /// True when `shouldStop` ended the run before it converged or ran its iterations.
        public var stopped = false

        /// The `k` best nodes, by score then node id.
        public func top(_ k: Int) -> [(node: Int32, score: Float)] {
            topK(scores, k)
        }
    }

    private func seedVector(_ seeds: [Int32]) -> [Float] {
        precondition(!seeds.isEmpty, "at least one seed")
        var s = [Float](repeating: 0, count: nodeCount)
        for seed in seeds { s[Int(seed)] += 1 / Float(seeds.count) }
        return s
    }

    /// Power iteration in pull form: each iteration reads every allowed edge once; rows are split
    /// among `threads` workers, each writing its own rows, so results do not depend on `threads`.
    /// `shouldStop` is asked after each iteration; when it says yes the scores so far are
    /// returned with `stopped` set.
    public func power(seeds: [Int32], alpha: Double = 0.15, stop: Stop = .tolerance(1e-7), threads: Int = defaultKernelThreads,
                      shouldStop: (() -> Bool)? = nil) -> Result {
        let n = nodeCount
        let s = seedVector(seeds)
        var p = s
        var next = [Float](repeating: 0, count: n)
        var scaled = [Float](repeating: 0, count: n)
        let damping = Float(1 - alpha)
        let maxIter: Int, tol: Double
        switch stop {
        case .iterations(let k): (maxIter, tol) = (k, -1)
        case .tolerance(let t, let m): (maxIter, tol) = (m, t)
        }
        let grain = 16384
        let blocks = (n + grain - 1) / grain
        var blockSums = [Double](repeating: 0, count: max(1, blocks))
        var iterations = 0
        while iterations < maxIter {
            // scaled[u] = p[u] / outdeg(u); the dangling mass is summed by block, in block order.
            p.withUnsafeBufferPointer { pv in
            scaled.withUnsafeMutableBufferPointer { sv in
            outDegree.withUnsafeBufferPointer { deg in
            blockSums.withUnsafeMutableBufferPointer { bs in
                let S = SharedPointer(sv.baseAddress!), B = SharedPointer(bs.baseAddress!)
                forEachBlock(count: n, grain: grain, threads: threads) { rows in
                    var dangling: Double = 0
                    for u in rows {
                        let d = deg[u]
                        if d == 0 { dangling += Double(pv[u]); S.base[u] = 0 } else { S.base[u] = pv[u] / Float(d) }
                    }
                    B.base[rows.lowerBound / grain] = dangling
                }
            }}}}
            let dangling = Float(blockSums.reduce(0, +))
            let restart = Float(alpha) + damping * dangling
            scaled.withUnsafeBufferPointer { sv in
            s.withUnsafeBufferPointer { seed in
            p.withUnsafeBufferPointer { pv in
            next.withUnsafeMutableBufferPointer { nv in
            inOffsets.withUnsafeBufferPointer { off in
            inSources.withUnsafeBufferPointer { src in
            blockSums.withUnsafeMutableBufferPointer { bs in
                let N = SharedPointer(nv.baseAddress!), B = SharedPointer(bs.baseAddress!)
                forEachBlock(count: n, grain: grain, threads: threads) { rows in
                    var change: Double = 0
                    var p0 = off[rows.lowerBound]
                    for v in rows {
                        let p1 = off[v + 1]
                        var acc: Float = 0
                        var e = p0
                        while e + 4 <= p1 {
                            acc += (sv[Int(src[e])] + sv[Int(src[e + 1])]) + (sv[Int(src[e + 2])] + sv[Int(src[e + 3])])
                            e += 4
                        }
                        while e < p1 { acc += sv[Int(src[e])]; e += 1 }
                        p0 = p1
                        let value = damping * acc + restart * seed[v]
                        change += Double(abs(value - pv[v]))
                        N.base[v] = value
                    }
                    B.base[rows.lowerBound / grain] = change
                }
            }}}}}}}
            swap(&p, &next)
            iterations += 1
            if tol >= 0 && blockSums.reduce(0, +) < tol { break }
            if iterations < maxIter, let shouldStop, shouldStop() {
                return Result(scores: p, iterations: iterations, edgeUpdates: iterations * edgeCount, stopped: true)
            }
        }
        return Result(scores: p, iterations: iterations, edgeUpdates: iterations * edgeCount)
    }

    /// Forward push (Andersen, Chung, Lang 2006), single-threaded: while some node holds residual
    /// `r[u] ≥ epsilon · max(1, outdeg(u))`, move `alpha · r[u]` into its score and spread the rest
    /// over its out-edges (to the seeds if it has none). Nodes are processed in FIFO order, so the
    /// result is deterministic. Every score is within `epsilon · outdeg` of the fixed point's.
    /// `shouldStop` is asked every 4,096 pushes; when it says yes the scores so far are returned
    /// with `stopped` set.
    public func push(seeds: [Int32], alpha: Double = 0.15, epsilon: Double = 1e-7, shouldStop: (() -> Bool)? = nil) -> Result {
        let n = nodeCount
        let seedMass = seedVector(seeds).map(Double.init)
        let seedList = Array(Set(seeds)).sorted()
        var p = [Double](repeating: 0, count: n)
        var r = seedMass
        var queued = [Bool](repeating: false, count: n)
        var queue: [Int32] = []
        var head = 0
        @inline(__always) func threshold(_ u: Int) -> Double { epsilon * Double(max(1, outDegree[u])) }
        for u in seedList where r[Int(u)] >= threshold(Int(u)) { queue.append(u); queued[Int(u)] = true }
        var pushes = 0, scanned = 0
        let damping = 1 - alpha
        while head < queue.count {
            let u = Int(queue[head]); head += 1
            queued[u] = false
            let ru = r[u]
            if ru < threshold(u) { continue }
            p[u] += alpha * ru
            r[u] = 0
            pushes += 1
            let deg = Int(outDegree[u])
            if deg == 0 {
                for s in seedList {
                    let v = Int(s)
                    r[v] += damping * ru * seedMass[v]
                    if !queued[v] && r[v] >= threshold(v) { queued[v] = true; queue.append(s) }
                }
            } else {
                let share = damping * ru / Double(deg)
                for e in outOffsets[u] ..< outOffsets[u + 1] {
                    let v = Int(outTargets[e])
                    r[v] += share
                    if !queued[v] && r[v] >= threshold(v) { queued[v] = true; queue.append(Int32(v)) }
                }
                scanned += deg
            }
            // Keep the queue's storage bounded on long runs.
            if head > 1 << 20 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
            if pushes & 4095 == 0, let shouldStop, shouldStop() {
                return Result(scores: p.map(Float.init), iterations: pushes, edgeUpdates: scanned, stopped: true)
            }
        }
        return Result(scores: p.map(Float.init), iterations: pushes, edgeUpdates: scanned)
    }
}

/// The `k` largest values with their indices, by value descending then index ascending.
public func topK(_ scores: [Float], _ k: Int) -> [(node: Int32, score: Float)] {
    guard k > 0 else { return [] }
    // A bounded selection: keep the best k in a small sorted array.
    var best: [(node: Int32, score: Float)] = []
    best.reserveCapacity(k + 1)
    func better(_ a: (node: Int32, score: Float), _ b: (node: Int32, score: Float)) -> Bool {
        a.score != b.score ? a.score > b.score : a.node < b.node
    }
    for (i, s) in scores.enumerated() {
        let item = (node: Int32(i), score: s)
        if best.count == k, !better(item, best[k - 1]) { continue }
        var lo = 0, hi = best.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if better(best[mid], item) { lo = mid + 1 } else { hi = mid }
        }
        best.insert(item, at: lo)
        if best.count > k { best.removeLast() }
    }
    return best
}
