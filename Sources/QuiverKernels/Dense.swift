/// Dense building blocks for the models: matrix products, layer norm, ReLU, softmax, each with its
/// backward pass. Row-major Float32; threaded over row blocks; every output row is written by one
/// worker, so results do not depend on `threads`.
public enum Dense {
    // MARK: Matrix product

    /// `a · b` (`m × k` times `k × n`): a 4 × 16 register tile of SIMD8 accumulators over the full
    /// `k`, column panels of `b` reused across each worker's row block.
    public static func matmul(_ a: Matrix, _ b: Matrix, threads: Int = defaultKernelThreads) -> Matrix {
        precondition(a.cols == b.rows, "matmul: \(a.rows)×\(a.cols) times \(b.rows)×\(b.cols)")
        let m = a.rows, k = a.cols, n = b.cols
        var c = Matrix(rows: m, cols: n)
        guard m > 0, n > 0 else { return c }
        guard k > 0 else { return c }
        a.values.withUnsafeBufferPointer { av in
        b.values.withUnsafeBufferPointer { bv in
        c.values.withUnsafeMutableBufferPointer { cv in
            let A = av.baseAddress!, B = bv.baseAddress!, C = SharedPointer(cv.baseAddress!)
            forEachBlock(count: m, grain: 64, threads: threads) { rows in
                var j = 0
                while j + 16 <= n {
                    var i = rows.lowerBound
                    while i + 4 <= rows.upperBound {
                        tile4x16(A + i * k, k, B + j, n, k, C.base + i * n + j, n)
                        i += 4
                    }
                    while i < rows.upperBound {
                        var c0 = SIMD8<Float>(repeating: 0), c1 = SIMD8<Float>(repeating: 0)
                        for p in 0 ..< k {
                            let av = SIMD8<Float>(repeating: A[i * k + p])
                            c0 += av * load8(B + p * n + j); c1 += av * load8(B + p * n + j + 8)
                        }
                        store8(c0, C.base + i * n + j); store8(c1, C.base + i * n + j + 8)
                        i += 1
                    }
                    j += 16
                }
                while j + 8 <= n {
                    for i in rows {
                        var c0 = SIMD8<Float>(repeating: 0)
                        for p in 0 ..< k { c0 += SIMD8<Float>(repeating: A[i * k + p]) * load8(B + p * n + j) }
                        store8(c0, C.base + i * n + j)
                    }
                    j += 8
                }
                while j < n {
                    for i in rows {
                        var s: Float = 0
                        for p in 0 ..< k { s += A[i * k + p] * B[p * n + j] }
                        C.base[i * n + j] = s
                    }
                    j += 1
                }
            }
        }}}
        return c
    }

    @inline(__always)
    private static func tile4x16(_ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ k: Int,
                                 _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        let z = SIMD8<Float>(repeating: 0)
        var c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z
        for p in 0 ..< k {
            let b0 = load8(b + p * ldb), b1 = load8(b + p * ldb + 8)
            let a0 = SIMD8<Float>(repeating: a[p]), a1 = SIMD8<Float>(repeating: a[lda + p])
            let a2 = SIMD8<Float>(repeating: a[2 * lda + p]), a3 = SIMD8<Float>(repeating: a[3 * lda + p])
            c00 += a0 * b0; c01 += a0 * b1
            c10 += a1 * b0; c11 += a1 * b1
            c20 += a2 * b0; c21 += a2 * b1
            c30 += a3 * b0; c31 += a3 * b1
        }
        store8(c00, c); store8(c01, c + 8)
        store8(c10, c + ldc); store8(c11, c + ldc + 8)
        store8(c20, c + 2 * ldc); store8(c21, c + 2 * ldc + 8)
        store8(c30, c + 3 * ldc); store8(c31, c + 3 * ldc + 8)
    }

    /// `a · bᵀ`.
    public static func matmul(_ a: Matrix, transposing b: Matrix, threads: Int = defaultKernelThreads) -> Matrix {
        matmul(a, b.transposed(), threads: threads)
    }

    /// `aᵀ · b`.
    public static func matmul(transposing a: Matrix, _ b: Matrix, threads: Int = defaultKernelThreads) -> Matrix {
        matmul(a.transposed(), b, threads: threads)
    }

    // MARK: Row-wise maps

    /// Applies `body(inputRow, outputRow, cols)` to every row, in parallel.
    private static func mapRows(_ x: Matrix, threads: Int, _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Matrix {
        var y = Matrix(rows: x.rows, cols: x.cols)
        let cols = x.cols
        guard cols > 0 else { return y }
        x.values.withUnsafeBufferPointer { xv in
        y.values.withUnsafeMutableBufferPointer { yv in
            let X = xv.baseAddress!, Y = SharedPointer(yv.baseAddress!)
            forEachBlock(count: x.rows, grain: max(1, 16384 / cols), threads: threads) { rows in
                for i in rows { body(X + i * cols, Y.base + i * cols, cols) }
            }
        }}
        return y
    }

    /// Applies `body(aRow, bRow, outputRow, cols)` to every row of two same-shaped matrices.
    private static func zipRows(_ a: Matrix, _ b: Matrix, threads: Int,
                                _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "shapes differ: \(a.rows)×\(a.cols) and \(b.rows)×\(b.cols)")
        var y = Matrix(rows: a.rows, cols: a.cols)
        let cols = a.cols
        guard cols > 0 else { return y }
        a.values.withUnsafeBufferPointer { av in
        b.values.withUnsafeBufferPointer { bv in
        y.values.withUnsafeMutableBufferPointer { yv in
            let A = av.baseAddress!, B = bv.baseAddress!, Y = SharedPointer(yv.baseAddress!)
            forEachBlock(count: a.rows, grain: max(1, 16384 / cols), threads: threads) { rows in
                for i in rows { body(A + i * cols, B + i * cols, Y.base + i * cols, cols) }
            }
        }}}
        return y
    }

    public static func relu(_ x: Matrix, threads: Int = defaultKernelThreads) -> Matrix {
        mapRows(x, threads: threads) { x, y, n in
            var d = 0
            let z = SIMD8<Float>(repeating: 0)
            while d + 8 <= n { let v = load8(x + d); store8(v.replacing(with: z, where: v .< z), y + d); d += 8 }
            while d < n { y[d] = x[d] < 0 ? 0 : x[d]; d += 1 }
        }
    }

    /// d loss / d x of ReLU: `gradient` where `x > 0`, else 0.
    public static func reluBackward(gradient g: Matrix, input x: Matrix, threads: Int = defaultKernelThreads) -> Matrix {
        zipRows(g, x, threads: threads) { g, x, y, n in
            var d = 0
            let z = SIMD8<Float>(repeating: 0)
            while d + 8 <= n { store8(load8(g + d).replacing(with: z, where: load8(x + d) .<= z), y + d); d += 8 }
            while d < n { y[d] = x[d] > 0 ? g[d] : 0; d += 1 }
        }
    }

    /// Row-wise softmax, computed as exp(x − max) / Σ.
    public static func softmax(_ x: Matrix, threads: Int = defaultKernelThreads) -> Matrix {
        mapRows(x, threads: threads) { x, y, n in
            var m = -Float.infinity
            for d in 0 ..< n { m = max(m, x[d]) }
            var s: Float = 0
            for d in 0 ..< n { let e = expf(x[d] - m); y[d] = e; s += e }
            let inv = 1 / s
            for d in 0 ..< n { y[d] *= inv }
        }
    }

    /// d loss / d x of softmax from its output `y`: `y ∘ (g − Σ g·y)`.
    public static func softmaxBackward(gradient g: Matrix, output y: Matrix, threads: Int = defaultKernelThreads) -> Matrix {
        zipRows(g, y, threads: threads) { g, y, out, n in
            let s = dot(g, y, n)
            for d in 0 ..< n { out[d] = y[d] * (g[d] - s) }
        }
    }

    /// Row-wise log-softmax: `x − max − log Σ exp(x − max)`.
    public static func logSoftmax(_ x: Matrix, threads: Int = defaultKernelThreads) -> Matrix {
        mapRows(x, threads: threads) { x, y, n in
            var m = -Float.infinity
            for d in 0 ..< n { m = max(m, x[d]) }
            var s: Float = 0
            for d in 0 ..< n { s += expf(x[d] - m) }
            let shift = m + logf(s)
            for d in 0 ..< n { y[d] = x[d] - shift }
        }
    }

    /// d loss / d x of log-softmax from its output `y`: `g − exp(y) · Σ g`.
    public static func logSoftmaxBackward(gradient g: Matrix, output y: Matrix, threads: Int = defaultKernelThreads) -> Matrix {
        zipRows(g, y, threads: threads) { g, y, out, n in
            var s: Float = 0
            for d in 0 ..< n { s += g[d] }
            for d in 0 ..< n { out[d] = g[d] - expf(y[d]) * s }
        }
    }

    // MARK: Layer norm

    /// What the backward pass of `layerNorm` needs besides the input.
    public struct LayerNormCache: Sendable {
        public var mean: [Float]
        /// 1 / sqrt(variance + epsilon), per row.
        public var inverseStd: [Float]
    }

    /// Per row: `(x − mean) / sqrt(var + epsilon) · gamma + beta` (biased variance, as PyTorch).
    public static func layerNorm(_ x: Matrix, gamma: [Float], beta: [Float], epsilon: Float = 1e-5,
                                 threads: Int = defaultKernelThreads) -> (output: Matrix, cache: LayerNormCache) {
        precondition(gamma.count == x.cols && beta.count == x.cols, "gamma and beta need one value per column")
        var mean = [Float](repeating: 0, count: x.rows), istd = [Float](repeating: 0, count: x.rows)
        var y = Matrix(rows: x.rows, cols: x.cols)
        let n = x.cols
        guard n > 0 else { return (y, LayerNormCache(mean: mean, inverseStd: istd)) }
        x.values.withUnsafeBufferPointer { xv in
        y.values.withUnsafeMutableBufferPointer { yv in
        mean.withUnsafeMutableBufferPointer { mv in
        istd.withUnsafeMutableBufferPointer { sv in
        gamma.withUnsafeBufferPointer { gv in
        beta.withUnsafeBufferPointer { bv in
            let X = xv.baseAddress!, Y = SharedPointer(yv.baseAddress!)
            let M = SharedPointer(mv.baseAddress!), S = SharedPointer(sv.baseAddress!)
            forEachBlock(count: x.rows, grain: max(1, 16384 / n), threads: threads) { rows in
                for i in rows {
                    let xr = X + i * n, yr = Y.base + i * n
                    var s: Float = 0
                    for d in 0 ..< n { s += xr[d] }
                    let mu = s / Float(n)
                    var v: Float = 0
                    for d in 0 ..< n { let c = xr[d] - mu; v += c * c }
                    let inv = 1 / (v / Float(n) + epsilon).squareRoot()
                    for d in 0 ..< n { yr[d] = (xr[d] - mu) * inv * gv[d] + bv[d] }
                    M.base[i] = mu
                    S.base[i] = inv
                }
            }
        }}}}}}
        return (y, LayerNormCache(mean: mean, inverseStd: istd))
    }

    /// Gradients of `layerNorm` w.r.t. its input, gamma and beta. The gamma and beta sums run over
    /// rows in order, on one thread.
    public static func layerNormBackward(gradient g: Matrix, input x: Matrix, gamma: [Float], cache: LayerNormCache,
                                         threads: Int = defaultKernelThreads) -> (input: Matrix, gamma: [Float], beta: [Float]) {
        let n = x.cols
        var gx = Matrix(rows: x.rows, cols: n)
        var gGamma = [Float](repeating: 0, count: n), gBeta = [Float](repeating: 0, count: n)
        guard n > 0 else { return (gx, gGamma, gBeta) }
        for i in 0 ..< x.rows {
            let mu = cache.mean[i], inv = cache.inverseStd[i]
            for d in 0 ..< n {
                let gd = g.values[i * n + d]
                gGamma[d] += gd * (x.values[i * n + d] - mu) * inv
                gBeta[d] += gd
            }
        }
        g.values.withUnsafeBufferPointer { gv in
        x.values.withUnsafeBufferPointer { xv in
        gx.values.withUnsafeMutableBufferPointer { ov in
        gamma.withUnsafeBufferPointer { gam in
        cache.mean.withUnsafeBufferPointer { mv in
        cache.inverseStd.withUnsafeBufferPointer { sv in
            let G = gv.baseAddress!, X = xv.baseAddress!, O = SharedPointer(ov.baseAddress!)
            forEachBlock(count: x.rows, grain: max(1, 16384 / n), threads: threads) { rows in
                for i in rows {
                    let mu = mv[i], inv = sv[i]
                    // With xhat = (x − mu)·inv and gh = g·gamma:
                    // dx = inv · (gh − mean(gh) − xhat · mean(gh · xhat)).
                    var sumG: Float = 0, sumGX: Float = 0
                    for d in 0 ..< n {
                        let gh = G[i * n + d] * gam[d]
                        sumG += gh
                        sumGX += gh * (X[i * n + d] - mu) * inv
                    }
                    let mG = sumG / Float(n), mGX = sumGX / Float(n)
                    for d in 0 ..< n {
                        let xhat = (X[i * n + d] - mu) * inv
                        O.base[i * n + d] = inv * (G[i * n + d] * gam[d] - mG - xhat * mGX)
                    }
                }
            }
        }}}}}}
        return (gx, gGamma, gBeta)
    }
}

#if canImport(Glibc)
import QuiverCore
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
