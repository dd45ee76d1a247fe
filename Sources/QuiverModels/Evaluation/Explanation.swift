import Foundation
import QuiverCore
import QuiverKernels

/// A path from a query's head to an answer that supports the answer, with its importance.
/// `relations` are in the doubled numbering: `r < R` follows a fact forwards, `r ≥ R` follows
/// fact `r − R` backwards.
public struct ExplainedPath: Sendable, Equatable {
    public var importance: Float
    public var nodes: [Int32]
    public var relations: [Int32]
}

/// The message graph with inverse edges as plain out-lists, for path search.
struct FactAdjacency {
    var offsets: [Int]
    var targets: [Int32]
    var relations: [Int32]
    var slots: [Int32]

    init(entityCount: Int, relationCount base: Int32, facts: [IndexedTriple]) {
        var edges: [(Int32, Int32, Int32, Int32)] = []   // source, relation, target, slot
        for (i, f) in facts.enumerated() {
            edges.append((f.head, f.relation, f.tail, Int32(i)))
            edges.append((f.tail, f.relation + base, f.head, Int32(facts.count + i)))
        }
        edges.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        offsets = [Int](repeating: 0, count: entityCount + 1)
        for e in edges { offsets[Int(e.0) + 1] += 1 }
        for v in 0 ..< entityCount { offsets[v + 1] += offsets[v] }
        targets = edges.map(\.2)
        relations = edges.map(\.1)
        slots = edges.map(\.3)
    }
}

/// Beam search for the `count` paths of at most `maxHops` edges from `head` to `answer` with the
/// largest summed edge importance (NBFNet's path interpretation), without repeated nodes.
func bestPaths(adjacency a: FactAdjacency, head: Int32, answer: Int32, maxHops: Int, count: Int,
               importance: (Int32) -> Float) -> [ExplainedPath] {
    guard count > 0 else { return [] }
    let beam = max(count * 4, 16)
    var frontier: [Int32: [ExplainedPath]] = [head: [ExplainedPath(importance: 0, nodes: [head], relations: [])]]
    var found: [ExplainedPath] = []
    for _ in 0 ..< maxHops {
        var next: [Int32: [ExplainedPath]] = [:]
        for (u, paths) in frontier {
            for e in a.offsets[Int(u)] ..< a.offsets[Int(u) + 1] {
                let v = a.targets[e]
                let w = importance(a.slots[e])
                for p in paths where !p.nodes.contains(v) {
                    var q = p
                    q.nodes.append(v); q.relations.append(a.relations[e]); q.importance += w
                    if v == answer { found.append(q) } else { next[v, default: []].append(q) }
                }
            }
        }
        frontier = next.mapValues { paths in
            Array(paths.sorted { ($0.importance, $1.nodes.count) > ($1.importance, $0.nodes.count) }.prefix(beam))
        }
        if frontier.isEmpty { break }
    }
    found.sort { a, b in
        if a.importance != b.importance { return a.importance > b.importance }
        if a.nodes.count != b.nodes.count { return a.nodes.count < b.nodes.count }
        return a.nodes.lexicographicallyPrecedes(b.nodes) || (a.nodes == b.nodes && a.relations.lexicographicallyPrecedes(b.relations))
    }
    return Array(found.prefix(count))
}

extension PathGNN {
    /// The paths from `head` that contribute most to `answer`'s score, by the gradient of the
    /// score w.r.t. each edge's weight (summed over layers), as NBFNet's visualisation does.
    public func explain(head: Int32, relation: Int32, answer: Int32, paths: Int, facts: [IndexedTriple], threads: Int) -> [ExplainedPath] {
        let weights = [Float](repeating: 1, count: graph.edgeSlots)
        let tape = forward(heads: [head], relations: [relation], edgeWeights: weights, threads: threads)
        var seed = Matrix(rows: 1, cols: entityCount)
        seed.values[Int(answer)] = 1
        let (_, gEdge) = backward(tape, heads: [head], relations: [relation], edgeWeights: weights, scoreGradient: seed, threads: threads)
        let adjacency = FactAdjacency(entityCount: entityCount, relationCount: Int32(relationCount / 2), facts: facts)
        return bestPaths(adjacency: adjacency, head: head, answer: answer, maxHops: layers, count: paths) { gEdge[Int($0)] }
    }
}

extension EmbeddingModel {
    /// Paths of at most 3 facts from `head` to `answer`, ranked by how well the composition of
    /// their relation embeddings matches the query relation's (cosine similarity; for RotatE the
    /// mean cosine of the phase differences). At most `candidateCap` paths are scored, shortest
    /// first.
    public func explain(head: Int32, relation: Int32, answer: Int32, paths: Int, facts: [IndexedTriple]) -> [ExplainedPath] {
        let a = FactAdjacency(entityCount: entityCount, relationCount: Int32(relationCount / 2), facts: facts)
        // Edges into `answer`, by source: the last hop of every path.
        var intoAnswer: [Int32: [(relation: Int32, slot: Int)]] = [:]
        for u in 0 ..< entityCount {
            for e in a.offsets[u] ..< a.offsets[u + 1] where a.targets[e] == answer { intoAnswer[Int32(u), default: []].append((a.relations[e], e)) }
        }
        // Shortest paths first, at most `candidateCap` of them: dense graphs have millions of 3-hop paths.
        var candidates: [ExplainedPath] = []
        func close(_ nodes: [Int32], _ rels: [Int32]) {
            guard let last = intoAnswer[nodes.last!] else { return }
            for (r, _) in last where candidates.count < EmbeddingModel.candidateCap {
                candidates.append(ExplainedPath(importance: compositionSimilarity(rels + [r], relation), nodes: nodes + [answer], relations: rels + [r]))
            }
        }
        func firstHops(_ body: (Int32, Int32) -> Void) {
            for e1 in a.offsets[Int(head)] ..< a.offsets[Int(head) + 1] where a.targets[e1] != answer && a.targets[e1] != head {
                body(a.targets[e1], a.relations[e1])
            }
        }
        close([head], [])
        firstHops { m1, r1 in close([head, m1], [r1]) }
        firstHops { m1, r1 in
            for e2 in a.offsets[Int(m1)] ..< a.offsets[Int(m1) + 1] where candidates.count < EmbeddingModel.candidateCap {
                let m2 = a.targets[e2]
                guard m2 != answer, m2 != head, m2 != m1 else { continue }
                close([head, m1, m2], [r1, a.relations[e2]])
            }
        }
        candidates.sort { a, b in
            if a.importance != b.importance { return a.importance > b.importance }
            if a.nodes.count != b.nodes.count { return a.nodes.count < b.nodes.count }
            return a.nodes.lexicographicallyPrecedes(b.nodes) || (a.nodes == b.nodes && a.relations.lexicographicallyPrecedes(b.relations))
        }
        return Array(candidates.prefix(paths))
    }

    static let candidateCap = 20_000

    func compositionSimilarity(_ path: [Int32], _ query: Int32) -> Float {
        let R = relations
        let c = R.cols
        func row(_ r: Int32) -> ArraySlice<Float> { R.values[Int(r) * c ..< (Int(r) + 1) * c] }
        switch kind {
        case .rotate:
            var phase = [Float](repeating: 0, count: c)
            for r in path { for (j, v) in row(r).enumerated() { phase[j] += v } }
            let q = Array(row(query))
            return zip(phase, q).reduce(0) { $0 + cosf($1.0 - $1.1) } / Float(max(c, 1))
        case .complex:
            let k = c / 2
            var re = [Float](repeating: 1, count: k), im = [Float](repeating: 0, count: k)
            for r in path {
                let v = Array(row(r))
                for j in 0 ..< k {
                    let (a, b) = (re[j] * v[j] - im[j] * v[k + j], re[j] * v[k + j] + im[j] * v[j])
                    re[j] = a; im[j] = b
                }
            }
            return cosine(re + im, Array(row(query)))
        default:
            var prod = [Float](repeating: 1, count: c)
            for r in path { for (j, v) in row(r).enumerated() { prod[j] *= v } }
            return cosine(prod, Array(row(query)))
        }
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Float {
    var dot: Float = 0, na: Float = 0, nb: Float = 0
    for i in a.indices { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i] }
    return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : 0
}
