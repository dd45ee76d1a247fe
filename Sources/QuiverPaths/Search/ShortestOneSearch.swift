import QuiverGraph

extension Searcher {
    /// One shortest walk by level-synchronous bidirectional BFS that stops at the first meeting.
    ///
    /// Each round grows one frontier by one whole level, so when a state first appears in
    /// both searches the walk through it is shortest: before the round no state was in both, which
    /// rules out every walk of length ≤ a + b, and the new walk has length a + b + 1. The walk is
    /// the first one met in adjacency order, the same on every run over a snapshot (but not
    /// necessarily the first in path order; `all-shortest` lists them all in that order).
    ///
    /// Membership is tested in the visited bit sets; `fLinks`/`bLinks` record, for each state, the
    /// state it was reached from and the step taken (relation << 1 | isIn).
    mutating func shortestOne(from source: Int32, to target: Int32, maxHops: Int) -> (Path?, TruncationReason?) {
        let start = state(source, 0)
        fLinks.set(start, parent: start, step: 0)
        _ = fBits.insert(start)
        var fFront: [Int32] = [start]
        var bFront: [Int32] = []
        for s in 0..<q where g.isAccepting(Int32(s)) {
            let x = state(target, Int32(s))
            bLinks.set(x, parent: x, step: 0)
            _ = bBits.insert(x)
            bFront.append(x)
        }
        if bBits.contains(start) { return (assemble(meeting: start, start: start), nil) }
        var hops = 0
        var visited = 1 + bFront.count
        var meeting: Int32 = -1
        // Each round grows the side with fewer adjacency entries to scan, as `shortestDAG` does.
        var fWork = g.work(source, backward: false), bWork = g.work(target, backward: true)
        while meeting < 0 {
            if fFront.isEmpty || bFront.isEmpty { stats.statesVisited += visited; return (nil, nil) }
            if hops >= maxHops { stats.statesVisited += visited; return (nil, .maxHops) }
            if budget.checkNow() { stats.statesVisited += visited; return (nil, budget.stopped) }
            if visited > maxFrontier { stats.statesVisited += visited; return (nil, .memory) }
            var next: [Int32] = []
            if fWork <= bWork {
                for x in fFront {
                    if budget.exhausted() { break }
                    stats.edgesScanned += g.scanSteps(node(of: x), automatonState(of: x)) { v, q2, r, isIn, _ in
                        let y = state(v, q2)
                        if !fBits.insert(y) { return false }
                        fLinks.set(y, parent: x, step: r << 1 | (isIn ? 1 : 0))
                        if bBits.contains(y) { meeting = y; return true }
                        next.append(y)
                        return false
                    }
                    if meeting >= 0 { break }
                }
                fFront = next
                fWork = next.reduce(0) { $0 + g.work(node(of: $1), backward: false) }
            } else {
                for y in bFront {
                    if budget.exhausted() { break }
                    stats.edgesScanned += g.scanPredecessors(node(of: y), automatonState(of: y)) { u, p, r, isIn, _ in
                        let x = state(u, p)
                        if !bBits.insert(x) { return false }
                        bLinks.set(x, parent: y, step: r << 1 | (isIn ? 1 : 0))
                        if fBits.contains(x) { meeting = x; return true }
                        next.append(x)
                        return false
                    }
                    if meeting >= 0 { break }
                }
                bFront = next
                bWork = next.reduce(0) { $0 + g.work(node(of: $1), backward: true) }
            }
            if meeting < 0, let stop = budget.stopped { stats.statesVisited += visited; return (nil, stop) }
            hops += 1
            visited += next.count
        }
        stats.statesVisited += visited
        return (assemble(meeting: meeting, start: start), nil)
    }

    /// The walk start → meeting (forward parent links) → target (backward parent links).
    private func assemble(meeting: Int32, start: Int32) -> Path {
        var head: [(Int32, PathStep)] = []
        var x = meeting
        while x != start {
            let link = fLinks.get(x)
            head.append((node(of: x), PathStep(relation: link.step >> 1, direction: link.step & 1 == 1 ? .in : .out)))
            x = link.parent
        }
        var nodes: [Int32] = [node(of: start)]
        var steps: [PathStep] = []
        for (n, s) in head.reversed() {
            nodes.append(n)
            steps.append(s)
        }
        x = meeting
        while true {
            let link = bLinks.get(x)
            if link.parent == x { break }
            steps.append(PathStep(relation: link.step >> 1, direction: link.step & 1 == 1 ? .in : .out))
            x = link.parent
            nodes.append(node(of: x))
        }
        return Path(nodes: nodes, steps: steps)
    }
}
