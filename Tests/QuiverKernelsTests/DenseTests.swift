import QuiverCore
import Foundation
import Testing
@testable import QuiverKernels

@Suite struct DenseTests {
    @Test func matmulMatchesNaive() {
        var rng = SeededRandom(seed: 2)
        for (m, k, n) in [(1, 1, 1), (3, 5, 7), (4, 16, 16), (17, 33, 41), (70, 64, 130), (5, 0, 3), (0, 4, 4)] {
            let a = randomMatrix(m, k, rng: &rng), b = randomMatrix(k, n, rng: &rng)
            let c = Dense.matmul(a, b, threads: 3)
            for i in 0 ..< m {
                for j in 0 ..< n {
                    var s = 0.0
                    for p in 0 ..< k { s += Double(a[i, p]) * Double(b[p, j]) }
                    #expect(abs(Double(c[i, j]) - s) < 1e-4 * max(1, abs(s)))
                }
            }
            #expect(Dense.matmul(a, b, threads: 1) == c)
            let bt = b.transposed()
            #expect(Dense.matmul(a, transposing: bt, threads: 2) == c)
            #expect(Dense.matmul(transposing: a.transposed(), b, threads: 2) == c)
        }
    }

    /// Central differences of loss = Σ f(x) ∘ G in Float64 for each row-wise layer.
    func checkGradient(_ x: Matrix, _ g: Matrix, analytic: Matrix, _ f: ([Double]) -> [Double], tolerance: Double = 2e-3) {
        let X = x.values.map(Double.init), G = g.values.map(Double.init)
        func loss(_ v: [Double]) -> Double { zip(f(v), G).map { $0 * $1 }.reduce(0, +) }
        let h = 1e-6
        for i in 0 ..< X.count {
            var a = X, b = X
            a[i] += h; b[i] -= h
            let num = (loss(a) - loss(b)) / (2 * h)
            #expect(abs(Double(analytic.values[i]) - num) < tolerance * max(1, abs(num)), "element \(i)")
        }
    }

    func rows(_ v: [Double], _ cols: Int, _ f: ([Double]) -> [Double]) -> [Double] {
        stride(from: 0, to: v.count, by: cols).flatMap { f(Array(v[$0 ..< $0 + cols])) }
    }

    @Test func reluSoftmaxLogSoftmax() {
        var rng = SeededRandom(seed: 6)
        for (r, c) in [(1, 1), (3, 7), (5, 8), (4, 19)] {
            let x = randomMatrix(r, c, rng: &rng, range: -3 ... 3), g = randomMatrix(r, c, rng: &rng)
            let relu = Dense.relu(x)
            #expect(relu.values == x.values.map { max(0, $0) })
            checkGradient(x, g, analytic: Dense.reluBackward(gradient: g, input: x)) { $0.map { max(0, $0) } }

            func softmax(_ v: [Double]) -> [Double] { let m = v.max()!; let e = v.map { exp($0 - m) }; let s = e.reduce(0, +); return e.map { $0 / s } }
            let y = Dense.softmax(x)
            #expect(maxRelativeError(y.values, rows(x.values.map(Double.init), c, softmax)) < 1e-5)
            checkGradient(x, g, analytic: Dense.softmaxBackward(gradient: g, output: y)) { rows($0, c, softmax) }

            func logSoftmax(_ v: [Double]) -> [Double] { let m = v.max()!; let l = log(v.map { exp($0 - m) }.reduce(0, +)); return v.map { $0 - m - l } }
            let ly = Dense.logSoftmax(x)
            #expect(maxRelativeError(ly.values, rows(x.values.map(Double.init), c, logSoftmax)) < 1e-5)
            checkGradient(x, g, analytic: Dense.logSoftmaxBackward(gradient: g, output: ly)) { rows($0, c, logSoftmax) }
        }
        // Large logits do not overflow.
        let big = Dense.softmax(Matrix(rows: 1, cols: 2, values: [1000, 1000]))
        #expect(big.values == [0.5, 0.5])
    }

    @Test func layerNormForwardAndBackward() {
        var rng = SeededRandom(seed: 12)
        for (r, c) in [(1, 2), (3, 7), (6, 16), (2, 33)] {
            let x = randomMatrix(r, c, rng: &rng, range: -2 ... 2), g = randomMatrix(r, c, rng: &rng)
            let gamma = (0 ..< c).map { _ in Float.random(in: 0.5 ... 1.5, using: &rng) }
            let beta = (0 ..< c).map { _ in Float.random(in: -0.5 ... 0.5, using: &rng) }
            let eps: Float = 1e-5
            func ln(_ v: [Double], _ gm: [Double], _ bt: [Double]) -> [Double] {
                rows(v, c) { row in
                    let mu = row.reduce(0, +) / Double(c)
                    let variance = row.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(c)
                    return row.enumerated().map { ($0.element - mu) / (variance + Double(eps)).squareRoot() * gm[$0.offset] + bt[$0.offset] }
                }
            }
            let G = gamma.map(Double.init), B = beta.map(Double.init)
            let (y, cache) = Dense.layerNorm(x, gamma: gamma, beta: beta, epsilon: eps, threads: 2)
            #expect(maxRelativeError(y.values, ln(x.values.map(Double.init), G, B)) < 1e-4)
            let grads = Dense.layerNormBackward(gradient: g, input: x, gamma: gamma, cache: cache, threads: 2)
            checkGradient(x, g, analytic: grads.input) { ln($0, G, B) }
            let gammaMatrix = Matrix(rows: 1, cols: c, values: gamma), betaMatrix = Matrix(rows: 1, cols: c, values: beta)
            let X = x.values.map(Double.init), GO = g.values.map(Double.init)
            // gamma and beta: loss as a function of one row vector.
            for (param, analytic, isGamma) in [(gammaMatrix, grads.gamma, true), (betaMatrix, grads.beta, false)] {
                let P = param.values.map(Double.init)
                for i in 0 ..< c {
                    var a = P, b = P
                    a[i] += 1e-6; b[i] -= 1e-6
                    func loss(_ p: [Double]) -> Double { zip(isGamma ? ln(X, p, B) : ln(X, G, p), GO).map { $0 * $1 }.reduce(0, +) }
                    let num = (loss(a) - loss(b)) / 2e-6
                    #expect(abs(Double(analytic[i]) - num) < 2e-3 * max(1, abs(num)))
                }
            }
        }
    }
}
