import QuiverCore

/// What to do with an input that has more than one answer: `(h, r)` with two tails makes every
/// composition through it, `(h, r, r2)`, ambiguous too.
public enum AmbiguityPolicy: String, Sendable, CaseIterable {
    /// Leave out the facts whose (head, relation) has several tails; every input then has one target.
    case drop
    /// Keep them; compositions are de-duplicated by (head, relations, tail), and inputs with several
    /// targets are counted by the self-checks.
    case keep
}

/// How an inferred fact relates to the ID/OOD split of its hops (Wang et al.).
enum HopClass: UInt8 {
    case allID = 0, allOOD = 1, mixed = 2
}

/// Enumerates the k-hop compositions of one head: walks `(h, r1, b1), (b1, r2, b2), …` given as the
/// fact indices of their hops. In a functional graph each walk is its own composition; otherwise walks
/// with the same (relations, tail) are one composition, witnessed by an all-ID walk when there is
/// one, else an all-OOD walk, else the first.
struct CompositionWalker {
    let graph: FactGraph
    let hops: Int
    let ood: [Bool]
    let functional: Bool
    private var walks: [SIMD4<Int32>] = []
    private var classes: [UInt8] = []

    /// `functional`: `graph.isFunctional`, when the caller knows it (it costs a pass over the facts).
    init(graph: FactGraph, hops: Int, ood: [Bool], functional: Bool? = nil) {
        self.graph = graph
        self.hops = hops
        self.ood = ood
        self.functional = functional ?? graph.isFunctional
    }

    /// Calls `body(edges, class)` for each composition of `head`, in a fixed order.
    /// `stop` is asked every 64K walks while a head's walks are collected: one head of a dense
    /// graph has millions (60 nodes of out-degree 59 give 12M 4-hop walks), too many to finish
    /// before a deadline is honoured. Once it says yes, nothing more is reported for this head.
    mutating func forEach(head: Int32, stop: (() -> Bool)? = nil, _ body: (SIMD4<Int32>, HopClass) -> Void) {
        if functional {
            graph.offsets.withUnsafeBufferPointer { off in
                graph.tails.withUnsafeBufferPointer { tails in
                    ood.withUnsafeBufferPointer { ood in
                        var edges = SIMD4<Int32>(repeating: -1)
                        guard let stop else {
                            walk(head, depth: 0, edges: &edges, anyID: false, anyOOD: false, off, tails, ood, body)
                            return
                        }
                        var seen = 0, stopped = false
                        walk(head, depth: 0, edges: &edges, anyID: false, anyOOD: false, off, tails, ood) { e, c in
                            if stopped { return }
                            seen += 1
                            if seen & 0xFFFF == 0, stop() { stopped = true; return }
                            body(e, c)
                        }
                    }
                }
            }
            return
        }
        walks.removeAll(keepingCapacity: true)
        classes.removeAll(keepingCapacity: true)
        var collected: [SIMD4<Int32>] = [], cls: [UInt8] = []
        swap(&collected, &walks); swap(&cls, &classes)
        graph.offsets.withUnsafeBufferPointer { off in
            graph.tails.withUnsafeBufferPointer { tails in
                ood.withUnsafeBufferPointer { ood in
                    var edges = SIMD4<Int32>(repeating: -1)
                    var stopped = false
                    walk(head, depth: 0, edges: &edges, anyID: false, anyOOD: false, off, tails, ood) { e, c in
                        if stopped { return }
                        if collected.count & 0xFFFF == 0xFFFF, let stop, stop() {
                            stopped = true
                            collected.removeAll()
                            cls.removeAll()
                            return
                        }
                        collected.append(e)
                        cls.append(c.rawValue)
                    }
                }
            }
        }
        // Group by (relations, tail); keep the best witness of each group.
        let k = hops
        let rel = graph.relations, tl = graph.tails
        func key(_ i: Int) -> SIMD4<Int32> {
            var s = SIMD4<Int32>(repeating: -1)
            for d in 0..<k { s[d] = rel[Int(collected[i][d])] }
            return s
        }
        var order = Array(0..<collected.count)
        let keys = (0..<collected.count).map(key)
        let ends = collected.map { tl[Int($0[k - 1])] }
        order.sort { a, b in
            for d in 0..<k where keys[a][d] != keys[b][d] { return keys[a][d] < keys[b][d] }
            if ends[a] != ends[b] { return ends[a] < ends[b] }
            return a < b
        }
        // One class per input (h, r1 … rk): when some answer of an input is all-ID, its all-OOD
        // answers are dropped, so no OOD test input is also a training input.
        var i = 0
        while i < order.count {
            var end = i + 1
            while end < order.count && keys[order[end]] == keys[order[i]] { end += 1 }
            let inputHasID = order[i..<end].contains { cls[$0] == HopClass.allID.rawValue }
            var j = i
            while j < end {
                var next = j + 1
                while next < end && ends[order[next]] == ends[order[j]] { next += 1 }
                var best = order[j]
                for x in order[j..<next] where cls[x] < cls[best] { best = x }
                var c = HopClass(rawValue: cls[best]) ?? .mixed
                if c == .allOOD && inputHasID { c = .mixed }
                body(collected[best], c)
                j = next
            }
            i = end
        }
        swap(&collected, &walks); swap(&cls, &classes)
    }

    private func walk(
        _ node: Int32, depth: Int, edges: inout SIMD4<Int32>, anyID: Bool, anyOOD: Bool,
        _ off: UnsafeBufferPointer<Int>, _ tails: UnsafeBufferPointer<Int32>, _ ood: UnsafeBufferPointer<Bool>,
        _ body: (SIMD4<Int32>, HopClass) -> Void
    ) {
        let start = off[Int(node)], end = off[Int(node) + 1]
        if depth == hops - 1 {
            for e in start..<end {
                edges[depth] = Int32(e)
                let o = ood[e]
                let id = anyID || !o, od = anyOOD || o
                body(edges, id && od ? .mixed : (od ? .allOOD : .allID))
            }
            return
        }
        for e in start..<end {
            edges[depth] = Int32(e)
            let o = ood[e]
            walk(tails[e], depth: depth + 1, edges: &edges, anyID: anyID || !o, anyOOD: anyOOD || o, off, tails, ood, body)
        }
    }
}
