import QuiverGraph

/// The per-query state of a search over a `ProductGraph`: distance arrays, limits and counters.
struct Searcher {
    let g: ProductGraph
    let order: PathOrder
    let q: Int
    var budget: Budget
    var stats = SearchStats()
    var forward: StampedArray
    var backward: StampedArray
    var marks: StampedArray
    /// `shortestOne`'s parent links, forward and backward.
    var fLinks: ParentLinks
    var bLinks: ParentLinks
    /// Visited sets for the searches that need only membership on their hot path.
    var fBits: VisitedBits
    var bBits: VisitedBits
    let maxFrontier: Int
    /// Yen's spur searches: nodes not to enter (a path's prefix, so a few), and first steps not to
    /// take (one per path found, so at most k). Both are short lists: a spur search from a hub
    /// tests every step, and hashing each cost more than the search. `bannedMask` has bit `v & 63`
    /// set for each banned node `v`: most steps pass it without looking at the list.
    var bannedNodes: [Int32] = [] {
        didSet { bannedMask = bannedNodes.reduce(0) { $0 | 1 << UInt64($1 & 63) } }
    }
    private(set) var bannedMask: UInt64 = 0
    var bannedFirst: [StepKey] = []
    var spurSource: Int32 = -1

    /// How the DAG walk finds a state's steps into the next position: by scanning the state's
    /// own row, by scanning the steps into the next position's states, or by whichever scans fewer
    /// entries (the default; tests force each way).
    enum DAGSteps: Sendable { case cheaper, fromRow, fromNext }
    var dagSteps = DAGSteps.cheaper

    struct StepKey: Equatable {
        var node: Int32
        var relation: Int32
        var isIn: Bool
    }

    init(
        g: ProductGraph, order: PathOrder, budget: Budget, arrays: [StampedArray], bits: [VisitedBits],
        links: [ParentLinks], maxFrontier: Int
    ) {
        self.g = g
        self.order = order
        self.q = g.stateCount
        self.budget = budget
        forward = arrays[0]
        backward = arrays[1]
        marks = arrays[2]
        fLinks = links[0]
        bLinks = links[1]
        fBits = bits[0]
        bBits = bits[1]
        self.maxFrontier = maxFrontier
        let size = g.nodeCount * q
        forward.reset(size: size)
        backward.reset(size: size)
        marks.reset(size: size)
        fLinks.reset(size: size)
        bLinks.reset(size: size)
        fBits.reset(size: size)
        bBits.reset(size: size)
    }

    var arrays: [StampedArray] { [forward, backward, marks] }
    var linkSets: [ParentLinks] { [fLinks, bLinks] }
    var bitSets: [VisitedBits] { [fBits, bBits] }

    @inline(__always) func state(_ node: Int32, _ s: Int32) -> Int32 { node &* Int32(q) &+ s }
    @inline(__always) func node(of x: Int32) -> Int32 { x / Int32(q) }
    @inline(__always) func automatonState(of x: Int32) -> Int32 { x % Int32(q) }

    @inline(__always) func stepAllowed(from u: Int32, to v: Int32, relation r: Int32, isIn: Bool) -> Bool {
        if isBanned(v) { return false }
        if u == spurSource && !bannedFirst.isEmpty && bannedFirst.contains(StepKey(node: v, relation: r, isIn: isIn)) {
            return false
        }
        return true
    }

    @inline(__always) func isBanned(_ v: Int32) -> Bool {
        bannedMask & (1 << UInt64(v & 63)) != 0 && bannedNodes.contains(v)
    }

    /// The shortest-walk DAG between `source` and `target` found by bidirectional BFS.
    struct ShortestDAG {
        var length: Int
        /// Positions `0…split` use the forward distances (and marks), later ones the backward distances.
        var split: Int
        /// The marked states at each forward depth `0…split`: the DAG's states at those positions.
        var forwardLayers: [[Int32]] = []
        /// The states first reached at each backward depth (their distance to the target).
        var backwardLevels: [[Int32]] = []
    }

    /// Bidirectional BFS over the product graph, always growing the smaller frontier. Returns the
    /// DAG of shortest walks, or nil with `reason` set when none was found (nil reason: none exists).
    mutating func shortestDAG(from source: Int32, to target: Int32, maxHops: Int) -> (ShortestDAG?, TruncationReason?) {
        let start = state(source, 0)
        var fFront: [Int32] = [start]
        forward.set(start, 0)
        var bFront: [Int32] = []
        for s in 0..<q where g.isAccepting(Int32(s)) {
            let x = state(target, Int32(s))
            backward.set(x, 0)
            bFront.append(x)
        }
        if backward.get(start) >= 0 {
            marks.set(start, 1)
            return (ShortestDAG(length: 0, split: 0), nil)
        }
        var a = 0, b = 0
        var visited = 1 + bFront.count
        var met = false
        var meeting: [Int32] = []
        // Each round grows the side with fewer adjacency entries to scan (a frontier holding one
        // hub can cost more than one of a thousand leaves).
        var fWork = g.work(source, backward: false), bWork = g.work(target, backward: true)
        var backwardLevels = [bFront]
        while !met {
            if fFront.isEmpty || bFront.isEmpty { stats.statesVisited += visited; return (nil, nil) }
            if a + b >= maxHops { stats.statesVisited += visited; return (nil, .maxHops) }
            if budget.checkNow() { stats.statesVisited += visited; return (nil, budget.stopped) }
            if visited > maxFrontier { stats.statesVisited += visited; return (nil, .memory) }
            var next: [Int32] = []
            if fWork <= bWork {
                let depth = Int32(a + 1)
                for x in fFront {
                    if budget.exhausted() { break }
                    let u = node(of: x)
                    stats.edgesScanned += g.forEachStep(u, automatonState(of: x)) { v, q2, r, isIn, _ in
                        guard stepAllowed(from: u, to: v, relation: r, isIn: isIn) else { return }
                        let y = state(v, q2)
                        if forward.get(y) < 0 {
                            forward.set(y, depth)
                            next.append(y)
                            if backward.get(y) >= 0 { meeting.append(y); met = true }
                        }
                    }
                }
                a += 1
                fFront = next
                fWork = next.reduce(0) { $0 + g.work(node(of: $1), backward: false) }
            } else {
                let depth = Int32(b + 1)
                for y in bFront {
                    if budget.exhausted() { break }
                    let v = node(of: y)
                    stats.edgesScanned += g.forEachPredecessor(v, automatonState(of: y)) { u, p, r, isIn, _ in
                        guard stepAllowed(from: u, to: v, relation: r, isIn: isIn) else { return }
                        if isBanned(u) { return }
                        let x = state(u, p)
                        if backward.get(x) < 0 {
                            backward.set(x, depth)
                            next.append(x)
                            if forward.get(x) >= 0 { meeting.append(x); met = true }
                        }
                    }
                }
                b += 1
                bFront = next
                backwardLevels.append(next)
                bWork = next.reduce(0) { $0 + g.work(node(of: $1), backward: true) }
            }
            if let stop = budget.stopped { stats.statesVisited += visited; return (nil, stop) }
            visited += next.count
        }
        stats.statesVisited += visited
        // Mark the forward part of the DAG: states at forward depth i that lead to a meeting state.
        let length = a + b
        var layer: [Int32] = []
        for x in meeting where forward.get(x) == Int32(a) && backward.get(x) == Int32(b) && marks.get(x) < 0 {
            marks.set(x, 1)
            layer.append(x)
        }
        var forwardLayers = [[Int32]](repeating: [], count: a + 1)
        forwardLayers[a] = layer
        var i = a
        while i > 0 {
            var prev: [Int32] = []
            let want = Int32(i - 1)
            for y in layer {
                let v = node(of: y)
                stats.edgesScanned += g.forEachPredecessor(v, automatonState(of: y)) { u, p, r, isIn, _ in
                    guard stepAllowed(from: u, to: v, relation: r, isIn: isIn) else { return }
                    let x = state(u, p)
                    if forward.get(x) == want && marks.get(x) < 0 {
                        marks.set(x, 1)
                        prev.append(x)
                    }
                }
            }
            layer = prev
            i -= 1
            forwardLayers[i] = layer
        }
        return (ShortestDAG(length: length, split: a, forwardLayers: forwardLayers, backwardLevels: backwardLevels), nil)
    }

    /// A step of the search, with the product state it reaches.
    struct Child {
        var state: Int32
        var node: Int32
        var step: PathStep
        var edge: Int32
    }

    /// The steps out of `x` that `keep` keeps, in adjacency order.
    mutating func children(of x: Int32, where keep: (Child) -> Bool = { _ in true }) -> [Child] {
        var out: [Child] = []
        let u = node(of: x)
        stats.edgesScanned += g.forEachStep(u, automatonState(of: x)) { v, q2, r, isIn, e in
            guard stepAllowed(from: u, to: v, relation: r, isIn: isIn) else { return }
            let c = Child(state: state(v, q2), node: v, step: PathStep(relation: r, direction: isIn ? .in : .out), edge: e)
            if keep(c) { out.append(c) }
        }
        return out
    }

    /// The steps from `x` into the states `targets` (each listed once), as `children(of:)` would
    /// list those of its steps that reach them, in no particular order.
    mutating func children(into targets: [Int32], from x: Int32) -> [Child] {
        var out: [Child] = []
        for y in targets {
            let v = node(of: y)
            stats.edgesScanned += g.forEachPredecessor(v, automatonState(of: y)) { u, p, r, isIn, e in
                guard state(u, p) == x, stepAllowed(from: u, to: v, relation: r, isIn: isIn) else { return }
                out.append(Child(state: y, node: v, step: PathStep(relation: r, direction: isIn ? .in : .out), edge: e))
            }
        }
        return out
    }

    /// Sorts steps in path order: node name, relation name, direction.
    func inPathOrder(_ children: [Child]) -> [Child] {
        if children.count < 2 { return children }
        let order = self.order
        return children.sorted { order.compareStep(node: $0.node, $0.step, node: $1.node, $1.step) < 0 }
    }

    /// Lists walks of the DAG in path order, at most `limit` (and says whether more exist).
    mutating func enumerateDAG(_ dag: ShortestDAG, from source: Int32, limit: Int) -> ([Path], TruncationReason?) {
        var paths: [Path] = []
        var nodes: [Int32] = [source]
        var steps: [PathStep] = []
        var reason: TruncationReason?
        func visit(_ x: Int32, _ i: Int, _ s: inout Searcher) {
            if reason != nil { return }
            if i == dag.length {
                if paths.count == limit { reason = .limit; return }
                paths.append(Path(nodes: nodes, steps: steps))
                return
            }
            if s.budget.exhausted() { reason = s.budget.stopped; return }
            let nextPos = Int32(i + 1)
            let useForward = i + 1 <= dag.split
            let want = useForward ? nextPos : Int32(dag.length - i - 1)
            // The steps into the DAG's states at the next position: found by scanning x's steps,
            // or, when x is a hub and those states few, by scanning the steps into them.
            let next = useForward ? dag.forwardLayers[i + 1] : dag.backwardLevels[Int(want)]
            let fromNext: Bool
            switch s.dagSteps {
            case .fromRow: fromNext = false
            case .fromNext: fromNext = true
            case .cheaper:
                let own = s.g.work(s.node(of: x), backward: false)
                var theirs = 0
                for y in next where theirs < own { theirs += s.g.work(s.node(of: y), backward: true) }
                fromNext = theirs < own
            }
            let found: [Child]
            if fromNext {
                found = s.children(into: next, from: x)
            } else {
                let (forward, marks, backward) = (s.forward, s.marks, s.backward)
                found = s.children(of: x) { c in
                    useForward ? (forward.get(c.state) == want && marks.get(c.state) >= 0) : backward.get(c.state) == want
                }
            }
            let children = s.inPathOrder(found)
            for c in children {
                nodes.append(c.node)
                steps.append(c.step)
                visit(c.state, i + 1, &s)
                nodes.removeLast()
                steps.removeLast()
                if reason != nil { return }
            }
        }
        visit(state(source, 0), 0, &self)
        return (paths, reason)
    }
}
