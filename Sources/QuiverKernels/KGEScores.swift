/// Knowledge-graph-embedding score functions for queries `(h, r, ?)` against every entity at once.
///
/// Embedding layouts: entities are `entityCount × d` and relations `relationCount × d`, except
/// - ComplEx: entities and relations `× 2k`, the first `k` columns real parts, the last `k` imaginary;
/// - RotatE: entities `× 2k` (real | imaginary halves), relations `× k` phases in radians.
///
/// Scores (higher is more plausible; no margin γ is added):
/// - TransE: `−‖h + r − t‖₁` or `−‖h + r − t‖₂`
/// - DistMult: `Σ h·r·t`
/// - ComplEx: `Re Σ h·r·conj(t)`
/// - RotatE: `−Σ_k |h_k·e^{iθ_k} − t_k|`
public enum KGEModel: Sendable, Equatable {
    case transE(norm: KGENorm)
    case distMult
    case complEx
    case rotatE
}

public enum KGENorm: Sendable, Equatable { case l1, l2 }

public enum KGEScores {
    /// `scores[q, t]` for query `q = (heads[q], relationIDs[q], ?)` and every entity `t`: a
    /// `queries × entityCount` matrix. Threaded over blocks of entities; SIMD over the dimension.
    public static func tails(
        model: KGEModel, entities: Matrix, relations: Matrix, heads: [Int32], relationIDs: [Int32],
        threads: Int = defaultKernelThreads
    ) -> Matrix {
        precondition(heads.count == relationIDs.count, "one relation per head")
        let q = queries(model: model, entities: entities, relations: relations, heads: heads, relationIDs: relationIDs)
        let n = entities.rows, dim = entities.cols, b = heads.count
        var out = Matrix(rows: b, cols: n)
        guard n > 0, b > 0 else { return out }
        q.values.withUnsafeBufferPointer { qv in
        entities.values.withUnsafeBufferPointer { ev in
        out.values.withUnsafeMutableBufferPointer { ov in
            let Q = qv.baseAddress!, E = ev.baseAddress!, O = SharedPointer(ov.baseAddress!)
            forEachBlock(count: n, grain: 256, threads: threads) { block in
                for qi in 0 ..< b {
                    let qp = Q + qi * dim
                    let op = O.base + qi * n
                    for t in block {
                        let tp = E + t * dim
                        let s: Float
                        switch model {
                        case .transE(.l1): s = -l1Distance(qp, tp, dim)
                        case .transE(.l2): s = -squaredDistance(qp, tp, dim).squareRoot()
                        case .distMult, .complEx: s = dot(qp, tp, dim)
                        case .rotatE: s = -complexDistance(qp, tp, dim / 2)
                        }
                        op[t] = s
                    }
                }
            }
        }}}
        return out
    }

    /// The per-query vector every entity is compared with: h + r (TransE), h∘r (DistMult), the
    /// complex product h·r (ComplEx, RotatE).
    public static func queries(model: KGEModel, entities e: Matrix, relations r: Matrix, heads: [Int32], relationIDs: [Int32]) -> Matrix {
        let dim = e.cols
        switch model {
        case .transE, .distMult: precondition(r.cols == dim, "relations must have the entities' width")
        case .complEx: precondition(r.cols == dim && dim % 2 == 0, "ComplEx needs an even width shared by entities and relations")
        case .rotatE: precondition(dim % 2 == 0 && r.cols == dim / 2, "RotatE needs entities × 2k and relations × k")
        }
        var q = Matrix(rows: heads.count, cols: dim)
        let k = dim / 2
        for (i, (h, rel)) in zip(heads, relationIDs).enumerated() {
            let hb = Int(h) * dim, rb = Int(rel) * r.cols, qb = i * dim
            switch model {
            case .transE: for d in 0 ..< dim { q.values[qb + d] = e.values[hb + d] + r.values[rb + d] }
            case .distMult: for d in 0 ..< dim { q.values[qb + d] = e.values[hb + d] * r.values[rb + d] }
            case .complEx, .rotatE:
                for d in 0 ..< k {
                    let hr = e.values[hb + d], hi = e.values[hb + k + d]
                    let rr: Float, ri: Float
                    if model == .complEx { (rr, ri) = (r.values[rb + d], r.values[rb + k + d]) } else {
                        let theta = r.values[rb + d]
                        (rr, ri) = (cosf(theta), sinf(theta))
                    }
                    q.values[qb + d] = hr * rr - hi * ri
                    q.values[qb + k + d] = hr * ri + hi * rr
                }
            }
        }
        return q
    }
}

@inline(__always) func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc0 = SIMD8<Float>(repeating: 0), acc1 = SIMD8<Float>(repeating: 0)
    var d = 0
    while d + 16 <= n { acc0 += load8(a + d) * load8(b + d); acc1 += load8(a + d + 8) * load8(b + d + 8); d += 16 }
    while d + 8 <= n { acc0 += load8(a + d) * load8(b + d); d += 8 }
    var s = (acc0 + acc1).sum()
    while d < n { s += a[d] * b[d]; d += 1 }
    return s
}

@inline(__always) func l1Distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    var d = 0
    while d + 8 <= n {
        let x = load8(a + d) - load8(b + d)
        acc += x.replacing(with: -x, where: x .< 0)
        d += 8
    }
    var s = acc.sum()
    while d < n { s += abs(a[d] - b[d]); d += 1 }
    return s
}

@inline(__always) func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    var d = 0
    while d + 8 <= n { let x = load8(a + d) - load8(b + d); acc += x * x; d += 8 }
    var s = acc.sum()
    while d < n { let x = a[d] - b[d]; s += x * x; d += 1 }
    return s
}

/// Σ_j |a_j − b_j| over `k` complex numbers stored as (k real | k imaginary).
@inline(__always) func complexDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ k: Int) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    var d = 0
    while d + 8 <= k {
        let re = load8(a + d) - load8(b + d), im = load8(a + k + d) - load8(b + k + d)
        acc += (re * re + im * im).squareRoot()
        d += 8
    }
    var s = acc.sum()
    while d < k {
        let re = a[d] - b[d], im = a[k + d] - b[k + d]
        s += (re * re + im * im).squareRoot()
        d += 1
    }
    return s
}

#if canImport(Glibc)
import QuiverCore
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
