import QuiverCore
import Foundation
import Testing
@testable import QuiverKernels

@Suite struct KGEScoresTests {
    func naive(_ model: KGEModel, _ e: Matrix, _ r: Matrix, _ h: Int, _ rel: Int, _ t: Int) -> Double {
        let d = e.cols, k = d / 2
        func E(_ i: Int, _ j: Int) -> Double { Double(e[i, j]) }
        func R(_ i: Int, _ j: Int) -> Double { Double(r[i, j]) }
        switch model {
        case .transE(let norm):
            let diffs = (0 ..< d).map { E(h, $0) + R(rel, $0) - E(t, $0) }
            return norm == .l1 ? -diffs.map(abs).reduce(0, +) : -diffs.map { $0 * $0 }.reduce(0, +).squareRoot()
        case .distMult:
            return (0 ..< d).map { E(h, $0) * R(rel, $0) * E(t, $0) }.reduce(0, +)
        case .complEx:
            var s = 0.0
            for j in 0 ..< k {
                let (hr, hi, rr, ri, tr, ti) = (E(h, j), E(h, k + j), R(rel, j), R(rel, k + j), E(t, j), E(t, k + j))
                // Re(h · r · conj(t))
                s += (hr * rr - hi * ri) * tr + (hr * ri + hi * rr) * ti
            }
            return s
        case .rotatE:
            var s = 0.0
            for j in 0 ..< k {
                let th = R(rel, j)
                let re = E(h, j) * cos(th) - E(h, k + j) * sin(th) - E(t, j)
                let im = E(h, j) * sin(th) + E(h, k + j) * cos(th) - E(t, k + j)
                s += (re * re + im * im).squareRoot()
            }
            return -s
        }
    }

    @Test(arguments: [KGEModel.transE(norm: .l1), .transE(norm: .l2), .distMult, .complEx, .rotatE])
    func scoresMatchTheDefinitions(model: KGEModel) {
        var rng = SeededRandom(seed: 8)
        for (n, dim) in [(1, 2), (7, 6), (300, 18), (1000, 64), (513, 34)] {
            let e = randomMatrix(n, dim, rng: &rng)
            let rCols = model == .rotatE ? dim / 2 : dim
            let r = randomMatrix(5, rCols, rng: &rng, range: model == .rotatE ? -3.1 ... 3.1 : -1 ... 1)
            let heads = (0 ..< 6).map { _ in Int32.random(in: 0 ..< Int32(n), using: &rng) }
            let rels = (0 ..< 6).map { _ in Int32.random(in: 0 ..< 5, using: &rng) }
            let s = KGEScores.tails(model: model, entities: e, relations: r, heads: heads, relationIDs: rels, threads: 3)
            #expect(s.rows == 6 && s.cols == n)
            for q in 0 ..< 6 {
                for t in 0 ..< n {
                    let ref = naive(model, e, r, Int(heads[q]), Int(rels[q]), t)
                    #expect(abs(Double(s[q, t]) - ref) < 1e-4 * max(1, abs(ref)), "q \(q) t \(t) dim \(dim)")
                }
            }
            let again = KGEScores.tails(model: model, entities: e, relations: r, heads: heads, relationIDs: rels, threads: 1)
            #expect(again == s)
        }
    }
}
