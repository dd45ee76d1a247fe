import QuiverCore

/// The (aggregate, combine) pair of a relational SpMM: `out[v] = ⊕_{(u,r,v)} w_e · (R[r] ⊗ X[u])`.
///
/// As in torchdrug's `generalized_rspmm` (the kernel NBFNet uses): the edge weight always multiplies
/// the combined message, and a node with no kept in-edge gets the aggregate's identity: 0 for sum,
/// `-Float.greatestFiniteMagnitude` for max and `+Float.greatestFiniteMagnitude` for min (the
/// lowest / highest finite value, not an infinity). In the backward pass a max or min passes the
/// gradient to every message equal to the result (ties all receive it).
public enum Semiring: String, Sendable, CaseIterable {
    case sumMul = "sum-mul", sumAdd = "sum-add", maxMul = "max-mul", minMul = "min-mul", maxAdd = "max-add", minAdd = "min-add"

    /// The value of a node without in-edges.
    public var identity: Float {
        switch self {
        case .sumMul, .sumAdd: 0
        case .maxMul, .maxAdd: -Float.greatestFiniteMagnitude
        case .minMul, .minAdd: Float.greatestFiniteMagnitude
        }
    }
}

/// Gradients of an `RSPMM.forward` call.
public struct RSPMMGradients: Sendable {
    /// d loss / d X, the shape of the input.
    public var input: Matrix
    /// d loss / d R, the shape of the relation matrix.
    public var relations: Matrix
    /// d loss / d w, one per forward edge of the snapshot (0 for edges not kept).
    public var edgeWeights: [Float]
}

/// Relational generalized sparse × dense products over a `MessageGraph`, SIMD over the feature
/// width and threaded over node rows.
///
/// `input` is `nodes × width`; `relations` is `relationCount × width` (one vector per relation and
/// query: the batch folded into the width) or `relationCount × d` with `width` a multiple of `d`
/// (one vector per relation, shared by the `width / d` queries of the batch). `edgeWeights`, when
/// given, has `graph.edgeSlots` entries in forward-edge order; without it every weight is 1.
///
/// Results do not depend on `threads`: each output row (and each block of a relation-gradient
/// partial sum) is computed by one worker in a fixed edge order, and partial sums are added in
/// block order.
public enum RSPMM {
    public static func forward(
        graph g: MessageGraph, semiring: Semiring, relations r: Matrix, input x: Matrix,
        edgeWeights: [Float]? = nil, threads: Int = defaultKernelThreads
    ) -> Matrix {
        check(g, r, x, edgeWeights)
        switch semiring {
        case .sumMul: return forwardKernel(SumAgg.self, MulComb.self, g, r, x, edgeWeights, threads)
        case .sumAdd: return forwardKernel(SumAgg.self, AddComb.self, g, r, x, edgeWeights, threads)
        case .maxMul: return forwardKernel(MaxAgg.self, MulComb.self, g, r, x, edgeWeights, threads)
        case .minMul: return forwardKernel(MinAgg.self, MulComb.self, g, r, x, edgeWeights, threads)
        case .maxAdd: return forwardKernel(MaxAgg.self, AddComb.self, g, r, x, edgeWeights, threads)
        case .minAdd: return forwardKernel(MinAgg.self, AddComb.self, g, r, x, edgeWeights, threads)
        }
    }

    /// Gradients given the forward `output` and `outputGradient` (d loss / d output).
    public static func backward(
        graph g: MessageGraph, semiring: Semiring, relations r: Matrix, input x: Matrix,
        edgeWeights: [Float]? = nil, output: Matrix, outputGradient: Matrix, threads: Int = defaultKernelThreads
    ) -> RSPMMGradients {
        check(g, r, x, edgeWeights)
        precondition(output.rows == x.rows && output.cols == x.cols && outputGradient.rows == x.rows && outputGradient.cols == x.cols,
                     "output and its gradient must have the input's shape")
        switch semiring {
        case .sumMul: return backwardKernel(SumAgg.self, MulComb.self, g, r, x, edgeWeights, output, outputGradient, threads)
        case .sumAdd: return backwardKernel(SumAgg.self, AddComb.self, g, r, x, edgeWeights, output, outputGradient, threads)
        case .maxMul: return backwardKernel(MaxAgg.self, MulComb.self, g, r, x, edgeWeights, output, outputGradient, threads)
        case .minMul: return backwardKernel(MinAgg.self, MulComb.self, g, r, x, edgeWeights, output, outputGradient, threads)
        case .maxAdd: return backwardKernel(MaxAgg.self, AddComb.self, g, r, x, edgeWeights, output, outputGradient, threads)
        case .minAdd: return backwardKernel(MinAgg.self, AddComb.self, g, r, x, edgeWeights, output, outputGradient, threads)
        }
    }

    private static func check(_ g: MessageGraph, _ r: Matrix, _ x: Matrix, _ w: [Float]?) {
        precondition(x.rows == g.nodeCount, "input needs one row per node (\(g.nodeCount)), has \(x.rows)")
        precondition(r.rows == g.relationCount, "relations need one row per relation (\(g.relationCount)), has \(r.rows)")
        precondition(r.cols > 0 ? x.cols % r.cols == 0 : x.cols == 0, "input width \(x.cols) must be a multiple of the relation width \(r.cols)")
        precondition(w == nil || w!.count == g.edgeSlots, "edgeWeights needs \(g.edgeSlots) entries")
    }

    /// Per kept in-edge position, its weight.
    private static func inWeights(_ g: MessageGraph, _ w: [Float]?) -> [Float] {
        guard let w else { return [Float](repeating: 1, count: g.edgeCount) }
        return g.inEdgeIDs.map { w[Int($0)] }
    }

    static func rowGrain(width: Int, nodes: Int) -> Int { max(16, min(4096, (1 << 16) / max(1, width))) }

    private static func forwardKernel<A: Aggregator, C: Combiner>(
        _: A.Type, _: C.Type, _ g: MessageGraph, _ r: Matrix, _ x: Matrix, _ w: [Float]?, _ threads: Int
    ) -> Matrix {
        var out = Matrix(rows: x.rows, cols: x.cols)
        let width = x.cols, segW = r.cols
        guard width > 0 else { return out }
        let segments = width / segW
        let wIn = inWeights(g, w)
        g.inOffsets.withUnsafeBufferPointer { off in
        g.inSources.withUnsafeBufferPointer { src in
        g.inRelations.withUnsafeBufferPointer { rel in
        wIn.withUnsafeBufferPointer { wts in
        r.values.withUnsafeBufferPointer { rv in
        x.values.withUnsafeBufferPointer { xv in
        out.values.withUnsafeMutableBufferPointer { ov in
            let R = rv.baseAddress!, X = xv.baseAddress!, O = SharedPointer(ov.baseAddress!)
            forEachBlock(count: g.nodeCount, grain: rowGrain(width: width, nodes: g.nodeCount), threads: threads) { rows in
                for v in rows {
                    let start = off[v], end = off[v + 1]
                    for seg in 0 ..< segments {
                        let xo = seg * segW
                        let o = O.base + v * width + xo
                        var d = 0
                        while d + 32 <= segW {
                            let id = SIMD8<Float>(repeating: A.identity)
                            var a0 = id, a1 = id, a2 = id, a3 = id
                            for p in start ..< end {
                                let xp = X + Int(src[p]) * width + xo + d, rp = R + Int(rel[p]) * segW + d
                                let wv = SIMD8<Float>(repeating: wts[p])
                                a0 = A.reduce(a0, wv * C.forward(load8(rp), load8(xp)))
                                a1 = A.reduce(a1, wv * C.forward(load8(rp + 8), load8(xp + 8)))
                                a2 = A.reduce(a2, wv * C.forward(load8(rp + 16), load8(xp + 16)))
                                a3 = A.reduce(a3, wv * C.forward(load8(rp + 24), load8(xp + 24)))
                            }
                            store8(a0, o + d); store8(a1, o + d + 8); store8(a2, o + d + 16); store8(a3, o + d + 24)
                            d += 32
                        }
                        while d + 8 <= segW {
                            var a0 = SIMD8<Float>(repeating: A.identity)
                            for p in start ..< end {
                                let xp = X + Int(src[p]) * width + xo + d, rp = R + Int(rel[p]) * segW + d
                                a0 = A.reduce(a0, SIMD8<Float>(repeating: wts[p]) * C.forward(load8(rp), load8(xp)))
                            }
                            store8(a0, o + d)
                            d += 8
                        }
                        while d < segW {
                            var a = A.identity
                            for p in start ..< end {
                                a = A.reduce(a, wts[p] * C.forward(R[Int(rel[p]) * segW + d], X[Int(src[p]) * width + xo + d]))
                            }
                            o[d] = a
                            d += 1
                        }
                    }
                }
            }
        }}}}}}}
        return out
    }

    private static func backwardKernel<A: Aggregator, C: Combiner>(
        _: A.Type, _: C.Type, _ g: MessageGraph, _ r: Matrix, _ x: Matrix, _ w: [Float]?, _ out: Matrix, _ gout: Matrix, _ threads: Int
    ) -> RSPMMGradients {
        let width = x.cols, segW = r.cols
        var gx = Matrix(rows: x.rows, cols: x.cols)
        var gr = Matrix(rows: r.rows, cols: r.cols)
        var gw = [Float](repeating: 0, count: g.edgeSlots)
        guard width > 0, g.edgeCount > 0 else { return RSPMMGradients(input: gx, relations: gr, edgeWeights: gw) }
        let segments = width / segW
        let wIn = inWeights(g, w)
        let wOut: [Float] = w.map { w in g.outEdgeIDs.map { ids in ids.map { w[Int($0)] } } ?? w } ?? [Float](repeating: 1, count: g.edgeCount)
        // Pass 1, by target: the weight gradients and per-block partial relation gradients. The
        // block count depends on the graph only, so the partial sums (and their order) do too.
        let n = g.nodeCount
        let grain = max(rowGrain(width: width, nodes: n), (n + 63) / 64)
        let blocks = (n + grain - 1) / grain
        var partial = [Float](repeating: 0, count: blocks * r.rows * segW)
        var gwIn = [Float](repeating: 0, count: g.edgeCount)
        g.inOffsets.withUnsafeBufferPointer { off in
        g.inSources.withUnsafeBufferPointer { src in
        g.inRelations.withUnsafeBufferPointer { rel in
        wIn.withUnsafeBufferPointer { wts in
        r.values.withUnsafeBufferPointer { rv in
        x.values.withUnsafeBufferPointer { xv in
        out.values.withUnsafeBufferPointer { ov in
        gout.values.withUnsafeBufferPointer { gv in
        partial.withUnsafeMutableBufferPointer { pv in
        gwIn.withUnsafeMutableBufferPointer { gwv in
            let R = rv.baseAddress!, X = xv.baseAddress!, O = ov.baseAddress!, G = gv.baseAddress!
            let P = SharedPointer(pv.baseAddress!), GW = SharedPointer(gwv.baseAddress!)
            forEachBlock(count: n, grain: grain, threads: threads) { rows in
                let block = rows.lowerBound / grain
                let part = P.base + block * r.rows * segW
                for v in rows {
                    for p in off[v] ..< off[v + 1] {
                        let wv = wts[p]
                        var acc = SIMD8<Float>(repeating: 0)
                        var accS: Float = 0
                        for seg in 0 ..< segments {
                            let xo = seg * segW
                            let xp = X + Int(src[p]) * width + xo, rp = R + Int(rel[p]) * segW
                            let op = O + v * width + xo, gp = G + v * width + xo
                            let pp = part + Int(rel[p]) * segW
                            var d = 0
                            while d + 8 <= segW {
                                let rr = load8(rp + d), xx = load8(xp + d)
                                let m = C.forward(rr, xx)
                                let y = SIMD8<Float>(repeating: wv) * m
                                let gy = load8(gp + d) * A.backward(load8(op + d), y)
                                acc += gy * m
                                store8(load8(pp + d) + gy * SIMD8<Float>(repeating: wv) * C.dRelation(rr, xx), pp + d)
                                d += 8
                            }
                            while d < segW {
                                let rr = rp[d], xx = xp[d]
                                let m = C.forward(rr, xx)
                                let gy = gp[d] * A.backward(op[d], wv * m)
                                accS += gy * m
                                pp[d] += gy * wv * C.dRelation(rr, xx)
                                d += 1
                            }
                        }
                        GW.base[p] = acc.sum() + accS
                    }
                }
            }
        }}}}}}}}}}
        // Reduce the partials in block order.
        gr.values.withUnsafeMutableBufferPointer { gv in
            partial.withUnsafeBufferPointer { pv in
                let size = r.rows * segW
                for b in 0 ..< blocks {
                    let base = b * size
                    for i in 0 ..< size { gv[i] += pv[base + i] }
                }
            }
        }
        for (p, e) in g.inEdgeIDs.enumerated() { gw[Int(e)] = gwIn[p] }

        // Pass 2, by source: the input gradient, one row per worker, out-edges in order.
        g.outOffsets.withUnsafeBufferPointer { off in
        g.outTargets.withUnsafeBufferPointer { tgt in
        g.outRelations.withUnsafeBufferPointer { rel in
        wOut.withUnsafeBufferPointer { wts in
        r.values.withUnsafeBufferPointer { rv in
        x.values.withUnsafeBufferPointer { xv in
        out.values.withUnsafeBufferPointer { ov in
        gout.values.withUnsafeBufferPointer { gv in
        gx.values.withUnsafeMutableBufferPointer { gxv in
            let R = rv.baseAddress!, X = xv.baseAddress!, O = ov.baseAddress!, G = gv.baseAddress!
            let GX = SharedPointer(gxv.baseAddress!)
            forEachBlock(count: n, grain: rowGrain(width: width, nodes: n), threads: threads) { rows in
                for u in rows {
                    for seg in 0 ..< segments {
                        let xo = seg * segW
                        let xp = X + u * width + xo, gxp = GX.base + u * width + xo
                        var d = 0
                        while d + 8 <= segW {
                            let xx = load8(xp + d)
                            var acc = SIMD8<Float>(repeating: 0)
                            for p in off[u] ..< off[u + 1] {
                                let v = Int(tgt[p])
                                let rr = load8(R + Int(rel[p]) * segW + d)
                                let wv = SIMD8<Float>(repeating: wts[p])
                                let y = wv * C.forward(rr, xx)
                                let gy = load8(G + v * width + xo + d) * A.backward(load8(O + v * width + xo + d), y)
                                acc += gy * wv * C.dInput(rr, xx)
                            }
                            store8(acc, gxp + d)
                            d += 8
                        }
                        while d < segW {
                            let xx = xp[d]
                            var acc: Float = 0
                            for p in off[u] ..< off[u + 1] {
                                let v = Int(tgt[p])
                                let rr = R[Int(rel[p]) * segW + d]
                                let y = wts[p] * C.forward(rr, xx)
                                let gy = G[v * width + xo + d] * A.backward(O[v * width + xo + d], y)
                                acc += gy * wts[p] * C.dInput(rr, xx)
                            }
                            gxp[d] = acc
                            d += 1
                        }
                    }
                }
            }
        }}}}}}}}}
        return RSPMMGradients(input: gx, relations: gr, edgeWeights: gw)
    }
}

// MARK: Semiring operations, specialised into the kernels

protocol Aggregator {
    static var identity: Float { get }
    static func reduce(_ a: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float>
    static func reduce(_ a: Float, _ y: Float) -> Float
    /// d out / d y: 1 where the message counts toward the result.
    static func backward(_ out: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float>
    static func backward(_ out: Float, _ y: Float) -> Float
}

protocol Combiner {
    static func forward(_ r: SIMD8<Float>, _ x: SIMD8<Float>) -> SIMD8<Float>
    static func forward(_ r: Float, _ x: Float) -> Float
    static func dRelation(_ r: SIMD8<Float>, _ x: SIMD8<Float>) -> SIMD8<Float>
    static func dRelation(_ r: Float, _ x: Float) -> Float
    static func dInput(_ r: SIMD8<Float>, _ x: SIMD8<Float>) -> SIMD8<Float>
    static func dInput(_ r: Float, _ x: Float) -> Float
}

enum SumAgg: Aggregator {
    static var identity: Float { 0 }
    @inline(__always) static func reduce(_ a: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> { a + y }
    @inline(__always) static func reduce(_ a: Float, _ y: Float) -> Float { a + y }
    @inline(__always) static func backward(_ out: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> { SIMD8(repeating: 1) }
    @inline(__always) static func backward(_ out: Float, _ y: Float) -> Float { 1 }
}

enum MaxAgg: Aggregator {
    static var identity: Float { -Float.greatestFiniteMagnitude }
    @inline(__always) static func reduce(_ a: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: y, where: y .> a) }
    @inline(__always) static func reduce(_ a: Float, _ y: Float) -> Float { y > a ? y : a }
    @inline(__always) static func backward(_ out: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(repeating: 0).replacing(with: 1, where: out .== y)
    }
    @inline(__always) static func backward(_ out: Float, _ y: Float) -> Float { out == y ? 1 : 0 }
}

enum MinAgg: Aggregator {
    static var identity: Float { Float.greatestFiniteMagnitude }
    @inline(__always) static func reduce(_ a: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: y, where: y .< a) }
    @inline(__always) static func reduce(_ a: Float, _ y: Float) -> Float { y < a ? y : a }
    @inline(__always) static func backward(_ out: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(repeating: 0).replacing(with: 1, where: out .== y)
    }
    @inline(__always) static func backward(_ out: Float, _ y: Float) -> Float { out == y ? 1 : 0 }
}

enum MulComb: Combiner {
    @inline(__always) static func forward(_ r: SIMD8<Float>, _ x: SIMD8<Float>) -> SIMD8<Float> { r * x }
    @inline(__always) static func forward(_ r: Float, _ x: Float) -> Float { r * x }
    @inline(__always) static func dRelation(_ r: SIMD8<Float>, _ x: SIMD8<Float>) -> SIMD8<Float> { x }
    @inline(__always) static func dRelation(_ r: Float, _ x: Float) -> Float { x }
    @inline(__always) static func dInput(_ r: SIMD8<Float>, _ x: SIMD8<Float>) -> SIMD8<Float> { r }
    @inline(__always) static func dInput(_ r: Float, _ x: Float) -> Float { r }
}

enum AddComb: Combiner {
    @inline(__always) static func forward(_ r: SIMD8<Float>, _ x: SIMD8<Float>) -> SIMD8<Float> { r + x }
    @inline(__always) static func forward(_ r: Float, _ x: Float) -> Float { r + x }
    @inline(__always) static func dRelation(_ r: SIMD8<Float>, _ x: SIMD8<Float>) -> SIMD8<Float> { SIMD8(repeating: 1) }
    @inline(__always) static func dRelation(_ r: Float, _ x: Float) -> Float { 1 }
    @inline(__always) static func dInput(_ r: SIMD8<Float>, _ x: SIMD8<Float>) -> SIMD8<Float> { SIMD8(repeating: 1) }
    @inline(__always) static func dInput(_ r: Float, _ x: Float) -> Float { 1 }
}
