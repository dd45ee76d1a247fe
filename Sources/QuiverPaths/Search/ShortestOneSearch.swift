import QuiverSnapshot

extension ProductGraph {
    /// `forEachStep` that stops as soon as `body` returns true. Returns the entries scanned.
    @inline(__always)
    func forEachStep(_ u: Int32, _ q: Int32, until body: (Int32, Int32, Int32, Bool) -> Bool) -> Int {
        var scanned = 0
        let row = Int(q) * classCount
        if scanOut {
            let lo = outOffsets[Int(u)], hi = outOffsets[Int(u) + 1]
            var i = lo
            while i < hi {
                let r = outRelations[i]
                let c = classOf[Int(r) &* 2]
                if c >= 0 {
                    let q2 = delta[row + Int(c)]
                    if q2 >= 0 {
                        let v = outTargets[i]
                        if allowed(edge: i, node: v) && body(v, q2, r, false) { return scanned + i - lo + 1 }
                    }
                }
                i += 1
            }
            scanned += hi - lo
        }
        if scanIn {
            let lo = inOffsets[Int(u)], hi = inOffsets[Int(u) + 1]
            var i = lo
            while i < hi {
                let r = inRelations[i]
                let c = classOf[Int(r) &* 2 &+ 1]
                if c >= 0 {
                    let q2 = delta[row + Int(c)]
                    if q2 >= 0 {
                        let v = inSources[i]
                        if !(skipSelfLoopIn && v == u) && allowed(edge: Int(inEdges[i]), node: v) && body(v, q2, r, true) {
                            return scanned + i - lo + 1
                        }
                    }
                }
                i += 1
            }
            scanned += hi - lo
        }
        return scanned
    }

    /// `forEachPredecessor` that stops as soon as `body` returns true. Returns the entries scanned.
    @inline(__always)
    func forEachPredecessor(_ v: Int32, _ q: Int32, until body: (Int32, Int32, Int32, Bool) -> Bool) -> Int {
        var scanned = 0
        if scanOut {
            let lo = inOffsets[Int(v)], hi = inOffsets[Int(v) + 1]
            for i in lo..<hi {
                let r = inRelations[i]
                let c = classOf[Int(r) &* 2]
                if c < 0 { continue }
                let e = Int(inEdges[i])
                if checkProvenance && provenanceMask & (1 << UInt32(provenance[e])) == 0 { continue }
                let k = Int(q) * classCount + Int(c)
                let u = inSources[i]
                if !excludedNodes.isEmpty && excludedNodes[Int(u)] { continue }
                for j in Int(reverseOffsets[k])..<Int(reverseOffsets[k + 1]) where body(u, reverseStates[j], r, false) {
                    return scanned + i - lo + 1
                }
            }
            scanned += hi - lo
        }
        if scanIn {
            let lo = outOffsets[Int(v)], hi = outOffsets[Int(v) + 1]
            for i in lo..<hi {
                let r = outRelations[i]
                let c = classOf[Int(r) &* 2 &+ 1]
                if c < 0 { continue }
                let u = outTargets[i]
                if skipSelfLoopIn && u == v { continue }
                if checkProvenance && provenanceMask & (1 << UInt32(provenance[i])) == 0 { continue }
                if !excludedNodes.isEmpty && excludedNodes[Int(u)] { continue }
                let k = Int(q) * classCount + Int(c)
                for j in Int(reverseOffsets[k])..<Int(reverseOffsets[k + 1]) where body(u, reverseStates[j], r, true) {
                    return scanned + i - lo + 1
                }
            }
            scanned += hi - lo
        }
        return scanned
    }
}

extension Searcher {
    /// One shortest walk by level-synchronous bidirectional BFS that stops at the first meeting.
    ///
    /// Each round grows the smaller frontier by one whole level, so when a state first appears in
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
        while meeting < 0 {
            if fFront.isEmpty || bFront.isEmpty { stats.statesVisited += visited; return (nil, nil) }
            if hops >= maxHops { stats.statesVisited += visited; return (nil, .maxHops) }
            if budget.checkNow() { stats.statesVisited += visited; return (nil, budget.stopped) }
            if visited > maxFrontier { stats.statesVisited += visited; return (nil, .memory) }
            var next: [Int32] = []
            if fFront.count <= bFront.count {
                for x in fFront {
                    if budget.exhausted() { break }
                    stats.edgesScanned += g.forEachStep(node(of: x), automatonState(of: x)) { v, q2, r, isIn in
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
            } else {
                for y in bFront {
                    if budget.exhausted() { break }
                    stats.edgesScanned += g.forEachPredecessor(node(of: y), automatonState(of: y)) { u, p, r, isIn in
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
