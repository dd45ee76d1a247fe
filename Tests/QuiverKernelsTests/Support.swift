import QuiverCore
import QuiverGraph
@testable import QuiverKernels

/// A random multigraph-free graph on up to `nodes` nodes: node "n0" … with relations "r0" …; the
/// last quarter of the nodes only ever appear as subjects, so they have empty in-rows.
func randomSnapshot(nodes: Int, relations: Int, edges: Int, rng: inout SeededRandom,
                    provenances: [Provenance] = [.asserted]) -> CSRSnapshot {
    var b = SnapshotBuilder(graph: "g")
    var seen = Set<[Int]>()
    let targets = max(1, nodes * 3 / 4)
    for _ in 0 ..< edges {
        let u = Int.random(in: 0 ..< nodes, using: &rng), v = Int.random(in: 0 ..< targets, using: &rng)
        let r = Int.random(in: 0 ..< relations, using: &rng)
        guard seen.insert([u, r, v]).inserted else { continue }
        b.add(Triple(.name("n\(u)"), .name("r\(r)"), .name("n\(v)")), provenance: provenances.randomElement(using: &rng)!)
    }
    return b.build()
}

func randomMatrix(_ rows: Int, _ cols: Int, rng: inout SeededRandom, range: ClosedRange<Float> = -1 ... 1) -> Matrix {
    Matrix(rows: rows, cols: cols, values: (0 ..< rows * cols).map { _ in Float.random(in: range, using: &rng) })
}

/// The forward edges of a snapshot as (source, relation, target, forward index).
func forwardEdges(_ s: CSRSnapshot) -> [(u: Int, r: Int, v: Int, e: Int)] {
    var out: [(u: Int, r: Int, v: Int, e: Int)] = []
    for u in 0 ..< s.nodeCount {
        for e in s.outEdges(of: Int32(u)) { out.append((u, Int(s.outRelations[e]), Int(s.outTargets[e]), e)) }
    }
    return out
}

/// rspmm in Float64, straight from the definition.
func referenceRSPMM(_ s: CSRSnapshot, _ semiring: Semiring, r: [Double], rCols: Int, x: [Double], width: Int,
                    w: [Double]?, keep: (Int) -> Bool = { _ in true }) -> [Double] {
    let n = s.nodeCount
    let isMax = semiring == .maxMul || semiring == .maxAdd, isMin = semiring == .minMul || semiring == .minAdd
    let isMul = semiring == .sumMul || semiring == .maxMul || semiring == .minMul
    var out = [Double](repeating: isMax ? -Double(Float.greatestFiniteMagnitude) : isMin ? Double(Float.greatestFiniteMagnitude) : 0,
                       count: n * width)
    for (u, rel, v, e) in forwardEdges(s) where keep(e) {
        for d in 0 ..< width {
            let rv = r[rel * rCols + d % rCols], xv = x[u * width + d]
            let y = (w?[e] ?? 1) * (isMul ? rv * xv : rv + xv)
            let o = v * width + d
            out[o] = isMax ? max(out[o], y) : isMin ? min(out[o], y) : out[o] + y
        }
    }
    return out
}

func maxRelativeError(_ a: [Float], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var worst = 0.0
    for (x, y) in zip(a, b) { worst = max(worst, abs(Double(x) - y) / max(1, abs(y))) }
    return worst
}

