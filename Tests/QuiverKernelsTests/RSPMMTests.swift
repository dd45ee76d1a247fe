import QuiverCore
import QuiverGraph
import Testing
@testable import QuiverKernels

@Suite struct RSPMMTests {
    /// Random graphs and widths (1, 7, 8, 13, 32, 45: multiples of 8 and not), every semiring,
    /// with and without edge weights, against the Float64 reference.
    @Test(arguments: Semiring.allCases)
    func forwardMatchesReference(semiring: Semiring) {
        var rng = SeededRandom(seed: 11)
        for (n, m, nr) in [(1, 1, 1), (9, 20, 3), (40, 200, 5), (120, 900, 7)] {
            let s = randomSnapshot(nodes: n, relations: nr, edges: m, rng: &rng)
            let g = MessageGraph(snapshot: s)
            for width in [1, 7, 8, 13, 32, 45] {
                for weighted in [false, true] {
                    let x = randomMatrix(s.nodeCount, width, rng: &rng)
                    let r = randomMatrix(s.relationCount, width, rng: &rng)
                    let w: [Float]? = weighted ? (0 ..< s.edgeCount).map { _ in Float.random(in: 0.5 ... 1.5, using: &rng) } : nil
                    let out = RSPMM.forward(graph: g, semiring: semiring, relations: r, input: x, edgeWeights: w, threads: 1)
                    let ref = referenceRSPMM(s, semiring, r: r.values.map(Double.init), rCols: width, x: x.values.map(Double.init),
                                             width: width, w: w?.map(Double.init))
                    #expect(maxRelativeError(out.values, ref) < 1e-5, "n \(n) width \(width) weighted \(weighted)")
                }
            }
        }
    }

    @Test func emptyRowsGetTheIdentity() {
        // a -r-> b: a has no in-edge.
        var b = SnapshotBuilder(graph: "g")
        b.add(Triple(.name("a"), .name("r"), .name("b")))
        let s = b.build()
        let g = MessageGraph(snapshot: s)
        let a = Int(s.node(named: "a")!), bn = Int(s.node(named: "b")!)
        let x = Matrix(rows: 2, cols: 3, values: [1, 2, 3, 4, 5, 6])
        let r = Matrix(rows: 1, cols: 3, values: [2, 2, 2])
        for semiring in Semiring.allCases {
            let out = RSPMM.forward(graph: g, semiring: semiring, relations: r, input: x, threads: 1)
            #expect(out.row(a) == [Float](repeating: semiring.identity, count: 3))
            let xa = x.row(a)
            let expected = semiring == .sumMul || semiring == .maxMul || semiring == .minMul ? xa.map { $0 * 2 } : xa.map { $0 + 2 }
            #expect(out.row(bn) == expected)
        }
        #expect(Semiring.maxMul.identity == -Float.greatestFiniteMagnitude)
        #expect(Semiring.minAdd.identity == Float.greatestFiniteMagnitude)
    }

    /// The batch folded into the width with relation vectors shared by the batch gives each query's
    /// block as if run alone.
    @Test func sharedRelationsBroadcastOverTheBatch() {
        var rng = SeededRandom(seed: 5)
        let s = randomSnapshot(nodes: 30, relations: 4, edges: 120, rng: &rng)
        let g = MessageGraph(snapshot: s)
        let d = 11, batch = 3
        let x = randomMatrix(s.nodeCount, d * batch, rng: &rng)
        let r = randomMatrix(s.relationCount, d, rng: &rng)
        for semiring in Semiring.allCases {
            let out = RSPMM.forward(graph: g, semiring: semiring, relations: r, input: x, threads: 2)
            let ref = referenceRSPMM(s, semiring, r: r.values.map(Double.init), rCols: d, x: x.values.map(Double.init), width: d * batch, w: nil)
            #expect(maxRelativeError(out.values, ref) < 1e-5)
            for q in 0 ..< batch {
                var xq = Matrix(rows: s.nodeCount, cols: d)
                for v in 0 ..< s.nodeCount { for j in 0 ..< d { xq[v, j] = x[v, q * d + j] } }
                let alone = RSPMM.forward(graph: g, semiring: semiring, relations: r, input: xq, threads: 1)
                for v in 0 ..< s.nodeCount { for j in 0 ..< d { #expect(alone[v, j] == out[v, q * d + j]) } }
            }
        }
    }

    @Test func provenanceFilterAndMaskDropEdges() {
        var rng = SeededRandom(seed: 9)
        let s = randomSnapshot(nodes: 50, relations: 4, edges: 300, rng: &rng, provenances: [.asserted, .inferred, .synthetic])
        let mask = (0 ..< s.edgeCount).map { _ in Bool.random(using: &rng) }
        let g = MessageGraph(snapshot: s, provenances: [.asserted, .inferred], relations: [0, 1, 3], edgeMask: mask)
        let keep: (Int) -> Bool = { e in
            s.provenance[e] != UInt8(Provenance.synthetic.rawValue) && s.outRelations[e] != 2 && mask[e]
        }
        #expect(g.edgeCount == (0 ..< s.edgeCount).filter(keep).count)
        let x = randomMatrix(s.nodeCount, 9, rng: &rng), r = randomMatrix(s.relationCount, 9, rng: &rng)
        for semiring in Semiring.allCases {
            let out = RSPMM.forward(graph: g, semiring: semiring, relations: r, input: x, threads: 2)
            let ref = referenceRSPMM(s, semiring, r: r.values.map(Double.init), rCols: 9, x: x.values.map(Double.init), width: 9, w: nil, keep: keep)
            #expect(maxRelativeError(out.values, ref) < 1e-5)
        }
    }

    /// Same bits with 1, 2, 3 and 8 threads, forward and backward.
    @Test func resultsDoNotDependOnThreads() {
        var rng = SeededRandom(seed: 3)
        let s = randomSnapshot(nodes: 3000, relations: 6, edges: 20000, rng: &rng)
        let g = MessageGraph(snapshot: s)
        let x = randomMatrix(s.nodeCount, 40, rng: &rng), r = randomMatrix(s.relationCount, 40, rng: &rng)
        let w = (0 ..< s.edgeCount).map { _ in Float.random(in: 0.5 ... 1.5, using: &rng) }
        for semiring in [Semiring.sumMul, .maxAdd] {
            let base = RSPMM.forward(graph: g, semiring: semiring, relations: r, input: x, edgeWeights: w, threads: 1)
            let gout = randomMatrix(s.nodeCount, 40, rng: &rng)
            let gb = RSPMM.backward(graph: g, semiring: semiring, relations: r, input: x, edgeWeights: w, output: base, outputGradient: gout, threads: 1)
            for t in [2, 3, 8] {
                let out = RSPMM.forward(graph: g, semiring: semiring, relations: r, input: x, edgeWeights: w, threads: t)
                #expect(out == base)
                let gt = RSPMM.backward(graph: g, semiring: semiring, relations: r, input: x, edgeWeights: w, output: out, outputGradient: gout, threads: t)
                #expect(gt.input == gb.input && gt.relations == gb.relations && gt.edgeWeights == gb.edgeWeights)
            }
        }
    }

    /// Gradients w.r.t. X, R and w against central finite differences of the Float64 reference
    /// (loss = Σ out ∘ G), for every semiring, widths 5, 8, 19, shared and per-query relations.
    @Test(arguments: Semiring.allCases)
    func backwardMatchesFiniteDifferences(semiring: Semiring) {
        var rng = SeededRandom(seed: 21)
        for (width, rCols) in [(5, 5), (8, 8), (19, 19), (12, 4)] {
            let s = randomSnapshot(nodes: 10, relations: 3, edges: 30, rng: &rng, provenances: [.asserted, .synthetic])
            let g = MessageGraph(snapshot: s, provenances: [.asserted])
            let keep: (Int) -> Bool = { s.provenance[$0] == 0 }
            let x = randomMatrix(s.nodeCount, width, rng: &rng), r = randomMatrix(s.relationCount, rCols, rng: &rng)
            let w = (0 ..< s.edgeCount).map { _ in Float.random(in: 0.5 ... 1.5, using: &rng) }
            let gout = randomMatrix(s.nodeCount, width, rng: &rng)
            let out = RSPMM.forward(graph: g, semiring: semiring, relations: r, input: x, edgeWeights: w, threads: 1)
            let grads = RSPMM.backward(graph: g, semiring: semiring, relations: r, input: x, edgeWeights: w, output: out, outputGradient: gout, threads: 2)
            let X = x.values.map(Double.init), R = r.values.map(Double.init), W = w.map(Double.init), G = gout.values.map(Double.init)
            func loss(_ X: [Double], _ R: [Double], _ W: [Double]) -> Double {
                let o = referenceRSPMM(s, semiring, r: R, rCols: rCols, x: X, width: width, w: W, keep: keep)
                var l = 0.0
                for (i, v) in o.enumerated() where abs(v) < 1e30 { l += v * G[i] }
                return l
            }
            let h = 1e-6
            func fd(_ v: [Double], _ i: Int, _ f: ([Double]) -> Double) -> Double {
                var a = v, b = v
                a[i] += h; b[i] -= h
                return (f(a) - f(b)) / (2 * h)
            }
            for i in 0 ..< X.count {
                let num = fd(X, i) { loss($0, R, W) }
                #expect(abs(Double(grads.input.values[i]) - num) < 1e-3 * max(1, abs(num)), "dX[\(i)] width \(width)")
            }
            for i in 0 ..< R.count {
                let num = fd(R, i) { loss(X, $0, W) }
                #expect(abs(Double(grads.relations.values[i]) - num) < 1e-3 * max(1, abs(num)), "dR[\(i)] width \(width)")
            }
            for i in 0 ..< W.count {
                let num = fd(W, i) { loss(X, R, $0) }
                #expect(abs(Double(grads.edgeWeights[i]) - num) < 1e-3 * max(1, abs(num)), "dw[\(i)] width \(width)")
            }
        }
    }
}
