import QuiverCore
import QuiverGraph
import QuiverSPARQLSyntax

/// Property paths (§9, §18.4) over a graph version, by term ids: `/` and `|` keep duplicates (they
/// are joins and unions), `*`, `+` and `?` are sets, and a zero-length step matches a bound term
/// even when the graph lacks it. A path with both ends free starts from every node of the graph.
extension Evaluator {
    func joinPath(_ rows: Solutions, _ p: PathPattern, graph: CSRSnapshot) throws -> Solutions {
        let s = endpoint(p.subject), o = endpoint(p.object)
        var out: Solutions = []
        for row in padded(rows) {
            let start = s.slot.map { row[$0] } ?? s.constant!
            let end = o.slot.map { row[$0] } ?? o.constant!
            func emit(_ a: Int64, _ b: Int64) {
                var r = row
                if let slot = s.slot { r[slot] = a }
                if let slot = o.slot {
                    if r[slot] != Binding.unbound && r[slot] != b { return }
                    r[slot] = b
                }
                out.append(r)
            }
            if start != Binding.unbound {
                for b in step(p.path, from: start, graph) where end == Binding.unbound || end == b { emit(start, b) }
            } else if end != Binding.unbound {
                for a in step(reversed(p.path), from: end, graph) { emit(a, end) }
            } else {
                for n in 0..<Int32(graph.nodeCount) where graph.isLive(node: n) {
                    let a = graph.nodeTermID(n)
                    for b in step(p.path, from: a, graph) where s.slot != o.slot || a == b { emit(a, b) }
                    try check(rows: out.count)
                }
            }
            try check(rows: out.count)
        }
        return out
    }

    private func endpoint(_ t: TermPattern) -> (slot: Int?, constant: Int64?) {
        switch t {
        case .variable(let v): (slot(v), nil)
        case .term(.blank(let label)): (blankSlot(label), nil)
        case .term(let term): (nil, terms.id(term))
        }
    }

    /// The path walked backwards.
    func reversed(_ p: PropertyPath) -> PropertyPath {
        switch p {
        case .iri: .inverse(p)
        case .inverse(let q): q
        case .sequence(let a, let b): .sequence(reversed(b), reversed(a))
        case .alternative(let a, let b): .alternative(reversed(a), reversed(b))
        case .zeroOrMore(let q): .zeroOrMore(reversed(q))
        case .oneOrMore(let q): .oneOrMore(reversed(q))
        case .zeroOrOne(let q): .zeroOrOne(reversed(q))
        case .negatedSet(let members):
            .negatedSet(members.map { m in
                switch m {
                case .forward(let iri): .inverse(iri)
                case .inverse(let iri): .forward(iri)
                }
            })
        }
    }

    /// The ends of the path from `start` (term ids), with the multiplicities §18.4 gives.
    func step(_ path: PropertyPath, from start: Int64, _ graph: CSRSnapshot) -> [Int64] {
        switch path {
        case .iri(let iri):
            guard let n = graph.node(termID: start), let r = graph.relation(termID: terms.id(.iri(iri))) else { return [] }
            var out: [Int64] = []
            graph.matchEdges(subject: n, relation: r, object: nil) { _, _, o in out.append(graph.nodeTermID(o)); return true }
            return out
        case .inverse(.iri(let iri)):
            guard let n = graph.node(termID: start), let r = graph.relation(termID: terms.id(.iri(iri))) else { return [] }
            var out: [Int64] = []
            graph.matchEdges(subject: nil, relation: r, object: n) { s, _, _ in out.append(graph.nodeTermID(s)); return true }
            return out
        case .inverse(let q): return step(reversed(q), from: start, graph)
        case .sequence(let a, let b): return step(a, from: start, graph).flatMap { step(b, from: $0, graph) }
        case .alternative(let a, let b): return step(a, from: start, graph) + step(b, from: start, graph)
        case .zeroOrOne(let q):
            var seen: Set<Int64> = [start]
            return [start] + step(q, from: start, graph).filter { seen.insert($0).inserted }
        case .zeroOrMore(let q): return closure(q, from: start, graph, includingStart: true)
        case .oneOrMore(let q): return closure(q, from: start, graph, includingStart: false)
        case .negatedSet(let members):
            guard let n = graph.node(termID: start) else { return [] }
            var forward = Set<Int64>(), inverse = Set<Int64>()
            var anyForward = false, anyInverse = false
            for m in members {
                switch m {
                case .forward(let iri): forward.insert(terms.id(.iri(iri))); anyForward = true
                case .inverse(let iri): inverse.insert(terms.id(.iri(iri))); anyInverse = true
                }
            }
            var out: [Int64] = []
            if anyForward {
                graph.matchEdges(subject: n, relation: nil, object: nil) { _, r, o in
                    if !forward.contains(graph.relationTermID(r)) { out.append(graph.nodeTermID(o)) }
                    return true
                }
            }
            if anyInverse {
                graph.matchEdges(subject: nil, relation: nil, object: n) { s, r, _ in
                    if !inverse.contains(graph.relationTermID(r)) { out.append(graph.nodeTermID(s)) }
                    return true
                }
            }
            return out
        }
    }

    /// The nodes reachable by one or more steps of `q` (and `start` itself when asked), each once.
    private func closure(_ q: PropertyPath, from start: Int64, _ graph: CSRSnapshot, includingStart: Bool) -> [Int64] {
        var seen = Set<Int64>(), out: [Int64] = []
        if includingStart {
            seen.insert(start)
            out.append(start)
        }
        var frontier = [start], visited: Set<Int64> = [start]
        while let x = frontier.popLast() {
            for y in step(q, from: x, graph) {
                if seen.insert(y).inserted { out.append(y) }
                if visited.insert(y).inserted { frontier.append(y) }
            }
        }
        return out
    }
}
