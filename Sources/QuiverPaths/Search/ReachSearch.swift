import QuiverGraph

extension Searcher {
    /// Breadth-first over the product graph from (`source`, 0) up to `maxHops` steps; every node
    /// reached in an accepting state, with its least distance.
    mutating func reach(from source: Int32, maxHops: Int, includeSource: Bool) -> ([Reached], TruncationReason?) {
        var out: [Reached] = []
        let start = state(source, 0)
        _ = fBits.insert(start)
        // bBits holds the nodes already reported (an accepting visit), so each is listed once.
        if includeSource && g.isAccepting(0) {
            _ = bBits.insert(source)
            out.append(Reached(node: source, distance: 0))
        } else if !includeSource {
            _ = bBits.insert(source)
        }
        var front: [Int32] = [start]
        var visited = 1
        var depth = 0
        while !front.isEmpty && depth < maxHops {
            if budget.checkNow() { break }
            if visited > maxFrontier { stats.statesVisited += visited; return (out, .memory) }
            var next: [Int32] = []
            let d = depth + 1
            for x in front {
                if budget.exhausted() { break }
                stats.edgesScanned += g.forEachStep(node(of: x), automatonState(of: x)) { v, q2, _, _, _ in
                    let y = state(v, q2)
                    if fBits.insert(y) {
                        next.append(y)
                        if g.isAccepting(q2) && bBits.insert(v) {
                            out.append(Reached(node: v, distance: d))
                        }
                    }
                }
            }
            visited += next.count
            front = next
            depth += 1
        }
        stats.statesVisited += visited
        return (out, budget.stopped)
    }

    /// Walks of each length 0…`maxHops` from `source` to `target`, counted layer by layer
    /// (saturating at `UInt64.max`).
    mutating func countWalks(from source: Int32, to target: Int32, maxHops: Int) -> PathCount {
        let size = g.nodeCount * q
        var cur = [UInt64](repeating: 0, count: size), next = [UInt64](repeating: 0, count: size)
        var curList: [Int32] = [state(source, 0)]
        cur[Int(state(source, 0))] = 1
        var perLength: [UInt64] = []
        var saturated = false
        var reason: TruncationReason?
        func atTarget(_ counts: [UInt64]) -> UInt64 {
            var total: UInt64 = 0
            for s in 0..<q where g.isAccepting(Int32(s)) {
                let (sum, o) = total.addingReportingOverflow(counts[Int(state(target, Int32(s)))])
                if o { saturated = true; total = .max } else { total = sum }
            }
            return total
        }
        perLength.append(atTarget(cur))
        var length = 0
        while length < maxHops && !curList.isEmpty {
            if budget.checkNow() { reason = budget.stopped; break }
            var nextList: [Int32] = []
            for x in curList {
                let c = cur[Int(x)]
                stats.edgesScanned += g.forEachStep(node(of: x), automatonState(of: x)) { v, q2, _, _, _ in
                    let y = Int(state(v, q2))
                    if next[y] == 0 { nextList.append(Int32(y)) }
                    let (sum, o) = next[y].addingReportingOverflow(c)
                    if o { saturated = true; next[y] = .max } else { next[y] = sum }
                }
            }
            for x in curList { cur[Int(x)] = 0 }
            swap(&cur, &next)
            curList = nextList
            stats.statesVisited += nextList.count
            perLength.append(atTarget(cur))
            length += 1
        }
        var total: UInt64 = 0
        for c in perLength {
            let (sum, o) = total.addingReportingOverflow(c)
            if o { saturated = true; total = .max } else { total = sum }
        }
        return PathCount(perLength: perLength, total: total, saturated: saturated, reason: reason, stats: stats)
    }

    /// Composition: walks of exactly `hops` steps from `head` that the (chain) automaton accepts,
    /// grouped by tail, each with the bridge nodes in between. Tails in name order, at most `limit`,
    /// and at most `limit` witnesses per tail, in path order.
    mutating func hop(from head: Int32, hops: Int, limit: Int) -> ([HopTail], TruncationReason?) {
        let start = state(head, 0)
        forward.set(start, 0)
        var front: [Int32] = [start]
        for depth in 0..<hops {
            if budget.checkNow() { return ([], budget.stopped) }
            var next: [Int32] = []
            for x in front {
                stats.edgesScanned += g.forEachStep(node(of: x), automatonState(of: x)) { v, q2, _, _, _ in
                    let y = state(v, q2)
                    if forward.get(y) < 0 {
                        forward.set(y, Int32(depth + 1))
                        next.append(y)
                    }
                }
            }
            stats.statesVisited += next.count
            front = next
        }
        var finals = front.filter { g.isAccepting(automatonState(of: $0)) }
        var reason: TruncationReason?
        let order = self.order
        finals.sort { order.compareNodes(node(of: $0), node(of: $1)) < 0 }
        if finals.count > limit { finals.removeLast(finals.count - limit); reason = .limit }
        // Mark the states that lead to a kept tail.
        var layer = finals
        for x in layer { marks.set(x, 1) }
        var i = hops
        while i > 0 {
            var prev: [Int32] = []
            for y in layer {
                stats.edgesScanned += g.forEachPredecessor(node(of: y), automatonState(of: y)) { u, p, _, _, _ in
                    let x = state(u, p)
                    if forward.get(x) == Int32(i - 1) && marks.get(x) < 0 {
                        marks.set(x, 1)
                        prev.append(x)
                    }
                }
            }
            layer = prev
            i -= 1
        }
        var witnesses: [Int32: [[Int32]]] = [:]
        var bridge: [Int32] = []
        func visit(_ x: Int32, _ i: Int, _ s: inout Searcher) {
            if i == hops {
                let t = s.node(of: x)
                if witnesses[t, default: []].count >= limit { reason = reason ?? .limit; return }
                witnesses[t, default: []].append(bridge)
                return
            }
            if s.budget.exhausted() { reason = s.budget.stopped; return }
            let want = Int32(i + 1)
            var seenNodes: Set<Int32> = []
            let kept = s.children(of: x).filter { c in
                s.forward.get(c.state) == want && s.marks.get(c.state) >= 0 && seenNodes.insert(c.node).inserted
            }
            for c in s.inPathOrder(kept) {
                if i + 1 < hops { bridge.append(c.node) }
                visit(c.state, i + 1, &s)
                if i + 1 < hops { bridge.removeLast() }
                if let r = reason, r != .limit { return }
            }
        }
        visit(start, 0, &self)
        let tails = finals.map { x in HopTail(tail: node(of: x), witnesses: witnesses[node(of: x)] ?? []) }
        return (tails, reason)
    }
}
