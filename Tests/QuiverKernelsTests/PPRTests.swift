import QuiverCore
import QuiverGraph
import Testing
@testable import QuiverKernels

@Suite struct PPRTests {
    /// Dense Float64 power iteration with the documented convention (dangling mass to the seeds).
    func reference(_ s: CSRSnapshot, seeds: [Int32], alpha: Double, relations: Set<Int32>? = nil, iterations: Int = 2000) -> [Double] {
        let n = s.nodeCount
        var seed = [Double](repeating: 0, count: n)
        for x in seeds { seed[Int(x)] += 1 / Double(seeds.count) }
        let edges = forwardEdges(s).filter { relations?.contains(Int32($0.r)) ?? true }
        var deg = [Int](repeating: 0, count: n)
        for e in edges { deg[e.u] += 1 }
        var p = seed
        for _ in 0 ..< iterations {
            var next = [Double](repeating: 0, count: n)
            var dangling = 0.0
            for u in 0 ..< n where deg[u] == 0 { dangling += p[u] }
            for e in edges { next[e.v] += (1 - alpha) * p[e.u] / Double(deg[e.u]) }
            for v in 0 ..< n { next[v] += (alpha + (1 - alpha) * dangling) * seed[v] }
            p = next
        }
        return p
    }

    @Test func powerAndPushMatchTheReference() {
        var rng = SeededRandom(seed: 17)
        for (n, m) in [(2, 1), (20, 50), (300, 2000), (2000, 9000)] {
            let s = randomSnapshot(nodes: n, relations: 3, edges: m, rng: &rng)
            let seeds: [Int32] = [Int32(Int.random(in: 0 ..< s.nodeCount, using: &rng)), 0]
            for relations: Set<Int32>? in [nil, [0, 2]] {
                let ref = reference(s, seeds: seeds, alpha: 0.2, relations: relations)
                let ppr = PersonalizedPageRank(snapshot: s, relations: relations)
                let power = ppr.power(seeds: seeds, alpha: 0.2, stop: .tolerance(1e-9), threads: 3)
                #expect(maxRelativeError(power.scores, ref) < 1e-5)
                let total = power.scores.reduce(0, +)
                #expect(abs(total - 1) < 1e-4)
                let push = ppr.push(seeds: seeds, alpha: 0.2, epsilon: 1e-10)
                #expect(maxRelativeError(push.scores, ref) < 1e-5)
                // Top-k: by score, ties by node id.
                let top = power.top(5)
                let expected = ref.enumerated().sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }.prefix(5)
                #expect(top.count == min(5, s.nodeCount))
                for (t, e) in zip(top, expected) { #expect(abs(Double(t.score) - e.element) < 1e-5) }
            }
        }
    }

    @Test func handWorkedChain() {
        // a → b → c, c dangling; alpha 0.5, seed a. Fixed point: p = 0.5 s + 0.5 (Pᵀp + p_c s):
        // p_b = p_a/2, p_c = p_b/2, p_a = 0.5 + 0.5 p_c ⇒ p_a = 8/15, p_b = 4/15, p_c = 2/15 … scaled
        // to sum 1: p_a = 4/7, p_b = 2/7, p_c = 1/7.
        var b = SnapshotBuilder(graph: "g")
        b.add(Triple(.name("a"), .name("r"), .name("b")))
        b.add(Triple(.name("b"), .name("r"), .name("c")))
        let s = b.build()
        let ppr = PersonalizedPageRank(snapshot: s)
        let a = s.node(named: "a")!
        let r = ppr.power(seeds: [a], alpha: 0.5, stop: .tolerance(1e-12, maxIterations: 500), threads: 1)
        #expect(abs(r.scores[Int(a)] - 4.0 / 7) < 1e-6)
        #expect(abs(r.scores[Int(s.node(named: "b")!)] - 2.0 / 7) < 1e-6)
        #expect(abs(r.scores[Int(s.node(named: "c")!)] - 1.0 / 7) < 1e-6)
        let fixed = ppr.power(seeds: [a], alpha: 0.5, stop: .iterations(3), threads: 1)
        #expect(fixed.iterations == 3 && fixed.edgeUpdates == 6)
    }

    @Test func threadsDoNotChangeTheScores() {
        var rng = SeededRandom(seed: 4)
        let s = randomSnapshot(nodes: 50000, relations: 3, edges: 200_000, rng: &rng)
        let ppr = PersonalizedPageRank(snapshot: s)
        let one = ppr.power(seeds: [1, 2], stop: .iterations(15), threads: 1)
        for t in [2, 5] { #expect(ppr.power(seeds: [1, 2], stop: .iterations(15), threads: t).scores == one.scores) }
    }
}
