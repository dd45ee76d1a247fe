import QuiverGraph

extension Searcher {
    /// Fills `backward` with each product state's distance to an accepting state at `target`, up
    /// to `maxHops`. Returns true when states farther away were left unexplored.
    mutating func distancesToTarget(_ target: Int32, maxHops: Int) -> Bool {
        var front: [Int32] = []
        for s in 0..<q where g.isAccepting(Int32(s)) {
            let x = state(target, Int32(s))
            backward.set(x, 0)
            front.append(x)
        }
        var depth = 0
        while !front.isEmpty {
            if depth == maxHops { return true }
            if budget.exhausted() { return false }
            var next: [Int32] = []
            for y in front {
                let v = node(of: y)
                stats.edgesScanned += g.forEachPredecessor(v, automatonState(of: y)) { u, p, _, _, _ in
                    let x = state(u, p)
                    if backward.get(x) < 0 {
                        backward.set(x, Int32(depth + 1))
                        next.append(x)
                    }
                }
            }
            stats.statesVisited += next.count
            front = next
            depth += 1
        }
        return false
    }

    /// Simple paths (`trail == false`: no node twice) or trails (no edge twice) from `source` to
    /// `target` of at most `maxHops` steps, in path order, by iterative deepening with ordered
    /// children, pruned by the distance to the target. Stops after `limit` paths.
    mutating func enumeratePaths(from source: Int32, to target: Int32, trail: Bool, maxHops: Int, limit: Int)
        -> (paths: [Path], reason: TruncationReason?, cut: Bool)
    {
        let cut = distancesToTarget(target, maxHops: maxHops)
        var paths: [Path] = []
        var reason: TruncationReason?
        var nodes: [Int32] = [source]
        var steps: [PathStep] = []
        var edges: [Int32] = []
        let start = state(source, 0)
        guard backward.get(start) >= 0 else { return ([], budget.stopped, cut) }
        marks.set(source, 1)  // marks: nodes on the current path
        func visit(_ x: Int32, _ i: Int, _ depth: Int, _ s: inout Searcher) {
            let u = s.node(of: x)
            if i == depth {
                if u == target && s.g.isAccepting(s.automatonState(of: x)) {
                    if paths.count == limit { reason = .limit; return }
                    paths.append(Path(nodes: nodes, steps: steps))
                }
                return
            }
            if !trail && u == target { return }
            if s.budget.exhausted() { reason = s.budget.stopped; return }
            let remaining = Int32(depth - i - 1)
            let all = s.children(of: x)
            let kept = all.filter { c in
                let h = s.backward.get(c.state)
                if h < 0 || h > remaining { return false }
                return trail ? !edges.contains(c.edge) : s.marks.get(c.node) < 0
            }
            for c in s.inPathOrder(kept) {
                nodes.append(c.node)
                steps.append(c.step)
                edges.append(c.edge)
                if !trail { s.marks.set(c.node, 1) }
                visit(c.state, i + 1, depth, &s)
                if !trail { s.marks.set(c.node, -1) }
                nodes.removeLast()
                steps.removeLast()
                edges.removeLast()
                if reason != nil { return }
            }
        }
        for depth in 0...maxHops {
            if Int(backward.get(start)) > depth { continue }
            visit(start, 0, depth, &self)
            if reason != nil { break }
        }
        return (paths, reason, cut)
    }

    /// The lexicographically first shortest walk from `source` (automaton state 0) to `target`.
    mutating func firstShortest(from source: Int32, to target: Int32, maxHops: Int) -> (Path?, TruncationReason?) {
        let size = g.nodeCount * q
        forward.reset(size: size)
        backward.reset(size: size)
        marks.reset(size: size)
        let (dag, reason) = shortestDAG(from: source, to: target, maxHops: maxHops)
        guard let dag else { return (nil, reason) }
        let (paths, stop) = enumerateDAG(dag, from: source, limit: 1)
        return (paths.first, stop == .limit ? nil : stop)
    }

    /// Yen's algorithm: the `k` shortest simple paths in path order. Every spur path is the first
    /// shortest one in path order, so ties between equally long candidates resolve as the order says.
    /// Only for searches without an expression (one automaton state).
    mutating func kShortest(from source: Int32, to target: Int32, k: Int, maxHops: Int) -> ([Path], TruncationReason?) {
        precondition(q == 1)
        var found: [Path] = []
        var seen: Set<Path> = []
        var candidates: [Path] = []
        var cut = false
        let (first, r0) = firstShortest(from: source, to: target, maxHops: maxHops)
        guard let first else { return ([], r0) }
        found.append(first)
        seen.insert(first)
        while found.count < k {
            let prev = found[found.count - 1]
            for i in 0..<prev.length {
                if budget.checkNow() { return (found, budget.stopped) }
                let rootNodes = Array(prev.nodes[0...i])
                let rootSteps = Array(prev.steps[0..<i])
                bannedNodes = Array(prev.nodes[0..<i])
                spurSource = prev.nodes[i]
                bannedFirst = []
                for p in found where p.length > i && Array(p.nodes[0...i]) == rootNodes && Array(p.steps[0..<i]) == rootSteps {
                    let key = StepKey(node: p.nodes[i + 1], relation: p.steps[i].relation, isIn: p.steps[i].direction == .in)
                    if !bannedFirst.contains(key) { bannedFirst.append(key) }
                }
                let (spur, reason) = firstShortest(from: spurSource, to: target, maxHops: maxHops - i)
                bannedNodes = []
                bannedFirst = []
                spurSource = -1
                if reason == .maxHops { cut = true } else if let reason { return (found, reason) }
                guard let spur else { continue }
                let candidate = Path(nodes: rootNodes + spur.nodes.dropFirst(), steps: rootSteps + spur.steps)
                if seen.insert(candidate).inserted { candidates.append(candidate) }
            }
            guard !candidates.isEmpty else { break }
            var best = 0
            for j in 1..<candidates.count where order.less(candidates[j], candidates[best]) { best = j }
            found.append(candidates.remove(at: best))
        }
        return (found, found.count < k && cut ? .maxHops : nil)
    }
}
