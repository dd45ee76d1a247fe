import QuiverCore
import QuiverGraph
@testable import QuiverPaths

func makeSnapshot(_ triples: [(String, String, String)], provenance: [Provenance]? = nil) -> CSRSnapshot {
    var b = SnapshotBuilder(graph: "test")
    for (i, (h, r, t)) in triples.enumerated() {
        b.add(Triple(.name(h), .name(r), .name(t)), provenance: provenance?[i] ?? .asserted)
    }
    return b.build()
}

/// Brute force: every walk up to `maxHops` steps, matched against the expression by a backtracking
/// matcher over its syntax tree (no automaton), filtered and sorted.
struct ReferenceSearch {
    let triples: [(String, String, String)]
    let direction: Direction
    let expression: PathExpression?

    struct Step: Hashable {
        var to: String
        var relation: String
        var isIn: Bool
        var edge: Int
    }

    func steps(from u: String) -> [Step] {
        var out: [Step] = []
        let useOut = expression != nil || direction != .in
        let useIn = expression != nil || direction != .out
        for (i, (h, r, t)) in triples.enumerated() {
            if useOut && h == u { out.append(Step(to: t, relation: r, isIn: false, edge: i)) }
            if useIn && t == u && !(direction == .both && h == u) { out.append(Step(to: h, relation: r, isIn: true, edge: i)) }
        }
        return out
    }

    func atomMatches(_ rel: String?, _ inv: Bool, _ s: Step) -> Bool {
        if let rel, rel != s.relation { return false }
        switch direction {
        case .both: return true
        case .out: return s.isIn == inv
        case .in: return s.isIn != inv
        }
    }

    func ends(_ e: PathExpression, _ w: [Step], _ i: Int) -> Set<Int> {
        switch e {
        case .relation(let r, let inv): return i < w.count && atomMatches(r, inv, w[i]) ? [i + 1] : []
        case .anyRelation(let inv): return i < w.count && atomMatches(nil, inv, w[i]) ? [i + 1] : []
        case .sequence(let xs):
            var cur: Set<Int> = [i]
            for x in xs { cur = Set(cur.flatMap { ends(x, w, $0) }) }
            return cur
        case .alternation(let xs): return Set(xs.flatMap { ends($0, w, i) })
        case .repetition(let x, let lo, let hi):
            var result: Set<Int> = []
            var cur: Set<Int> = [i]
            var n = 0
            var seen: Set<Int> = []
            while !cur.isEmpty {
                if n >= lo { result.formUnion(cur) }
                if let hi, n >= hi { break }
                if n >= lo { cur.subtract(seen); seen.formUnion(cur) }
                cur = Set(cur.flatMap { ends(x, w, $0) })
                n += 1
                if n > w.count + lo + 1 { break }
            }
            return result
        }
    }

    func accepts(_ w: [Step]) -> Bool {
        guard let expression else { return true }
        return ends(expression, w, 0).contains(w.count)
    }

    /// Every walk from `s` of at most `maxHops` steps (as (nodes, steps)).
    func walks(from s: String, maxHops: Int) -> [([String], [Step])] {
        var out: [([String], [Step])] = []
        func go(_ nodes: [String], _ w: [Step]) {
            out.append((nodes, w))
            if w.count == maxHops { return }
            for st in steps(from: nodes.last!) { go(nodes + [st.to], w + [st]) }
        }
        go([s], [])
        return out
    }

    func named(_ nodes: [String], _ w: [Step]) -> NamedPath {
        NamedPath(nodes: nodes, edges: w.map { NamedPath.Edge(relation: $0.relation, direction: $0.isIn ? .in : .out) })
    }

    /// Matching walks from s to t, in path order.
    func matching(from s: String, to t: String, maxHops: Int) -> [([String], [Step])] {
        let found = walks(from: s, maxHops: maxHops).filter { $0.0.last == t && accepts($0.1) }
        return found.sorted { a, b in
            if a.1.count != b.1.count { return a.1.count < b.1.count }
            return key(a) < key(b)
        }
    }

    func key(_ p: ([String], [Step])) -> [[UInt8]] {
        var k: [[UInt8]] = [Array(p.0[0].utf8)]
        for (i, s) in p.1.enumerated() {
            k.append(Array(p.0[i + 1].utf8))
            k.append(Array(s.relation.utf8))
            k.append([s.isIn ? 1 : 0])
        }
        return k
    }

    func paths(from s: String, to t: String, mode: PathMode, k: Int, maxHops: Int) -> [NamedPath] {
        let all = matching(from: s, to: t, maxHops: maxHops)
        switch mode {
        case .shortest, .allShortest:
            guard let first = all.first else { return [] }
            let best = all.filter { $0.1.count == first.1.count }.map { named($0.0, $0.1) }
            return mode == .shortest ? [best[0]] : best
        case .simple, .kShortest:
            let simple = all.filter { Set($0.0).count == $0.0.count || ($0.1.isEmpty) }.map { named($0.0, $0.1) }
            return mode == .simple ? simple : Array(simple.prefix(k))
        case .trail:
            return all.filter { Set($0.1.map(\.edge)).count == $0.1.count }.map { named($0.0, $0.1) }
        }
    }

    func count(from s: String, to t: String, maxHops: Int) -> Int { matching(from: s, to: t, maxHops: maxHops).count }

    /// Node → least distance, by the engine's rule for the source.
    func reach(from s: String, maxHops: Int) -> [String: Int] {
        var best: [String: Int] = [:]
        for (nodes, w) in walks(from: s, maxHops: maxHops) where accepts(w) {
            let v = nodes.last!
            if expression == nil && (w.isEmpty || v == s) { continue }
            best[v] = min(best[v] ?? .max, w.count)
        }
        return best
    }
}

extension Array where Element == UInt8 {
    static func < (a: [UInt8], b: [UInt8]) -> Bool { a.lexicographicallyPrecedes(b) }
}

extension Array where Element == [UInt8] {
    static func < (a: [[UInt8]], b: [[UInt8]]) -> Bool {
        a.lexicographicallyPrecedes(b) { $0.lexicographicallyPrecedes($1) }
    }
}

