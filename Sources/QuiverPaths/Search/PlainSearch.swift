import CPrefetch
import QuiverGraph

/// The common query, with no path expression and no excluded relation or node, searched straight
/// over the snapshot's CSR arrays: no automaton state, no closure per edge, membership in bit sets
/// that stay in cache, and every write sequential (a node reached is appended to its side's
/// `SearchTree`; nothing is written at an address picked by the node id but one bit).
///
/// Steps follow the query's direction exactly as the general search over `StepAutomaton.anyStep`
/// does: `out` follows out-edges, `in` in-edges, `both` the two (a self-loop once, as `out`).
/// "Edges scanned" counts the adjacency entries looked at, as the general search does.
struct PlainSearch {
    let graph: PlainGraph
    let buffers: PlainBuffers
    var budget: Budget
    let maxFrontier: Int
    var stats = SearchStats()

    /// One shortest walk by level-synchronous bidirectional BFS that stops at the first meeting.
    /// Each round grows the side whose frontier has fewer adjacency entries to scan (on power-law
    /// graphs a one-hub frontier can cost more than a thousand-leaf one); a walk found in round
    /// a + b + 1 is shortest for the reason given at `Searcher.shortestOne`.
    mutating func shortest(from source: Int32, to target: Int32, maxHops: Int) -> (Path?, TruncationReason?) {
        if source == target { stats.statesVisited = 1; return (Path(nodes: [source], steps: []), nil) }
        let b = buffers
        var fSeen = b.forwardSeen, bSeen = b.backwardSeen
        defer {
            fSeen.clear()
            bSeen.clear()
            b.forwardSeen = fSeen
            b.backwardSeen = bSeen
        }
        let fLists = graph.forwardLists, bLists = graph.backwardLists
        _ = fSeen.insert(source)
        _ = bSeen.insert(target)
        var fTree = SearchTree(b.trees[0], root: source), bTree = SearchTree(b.trees[1], root: target)
        var fWork = fLists.degree(source), bWork = bLists.degree(target)
        // Both roots' first entries load together; the side grown second would else miss later.
        fLists.prefetchEntries(of: source)
        bLists.prefetchEntries(of: target)
        var hops = 0
        while true {
            let visited = fTree.count + bTree.count
            if fTree.levelIsEmpty || bTree.levelIsEmpty { stats.statesVisited += visited; return (nil, nil) }
            if hops >= maxHops { stats.statesVisited += visited; return (nil, .maxHops) }
            if budget.checkNow() { stats.statesVisited += visited; return (nil, budget.stopped) }
            if visited > maxFrontier { stats.statesVisited += visited; return (nil, .memory) }
            let grewForward = fWork <= bWork
            var meeting: (forward: Int, backward: Int)?
            if grewForward {
                if let m = expand(&fTree, lists: fLists, seen: &fSeen, other: bTree, otherSeen: bSeen) {
                    meeting = (forward: m.mine, backward: m.theirs)
                }
            } else {
                if let m = expand(&bTree, lists: bLists, seen: &bSeen, other: fTree, otherSeen: fSeen) {
                    meeting = (forward: m.theirs, backward: m.mine)
                }
            }
            if let meeting {
                stats.statesVisited += fTree.count + bTree.count
                return (assemble(forward: fTree, meeting.forward, backward: bTree, meeting.backward), nil)
            }
            if let stop = budget.stopped { stats.statesVisited += fTree.count + bTree.count; return (nil, stop) }
            // Weigh the new level, and start loading the entries of its first nodes: their misses
            // overlap those of the weighing rather than coming a round later.
            let ahead = StepLists.prefetchDistance
            if grewForward {
                fWork = fLists.work(fTree)
                fLists.prefetchEntries(of: fTree.nodes, fTree.level.prefix(ahead))
            } else {
                bWork = bLists.work(bTree)
                bLists.prefetchEntries(of: bTree.nodes, bTree.level.prefix(ahead))
            }
            hops += 1
        }
    }

    /// Expands the last level of `tree` by one whole level. Returns the first node reached that
    /// the other side has seen, as its entry in `tree` and in `other`; nil when none was.
    private mutating func expand(
        _ tree: inout SearchTree, lists: StepLists, seen: inout NodeBits, other: SearchTree, otherSeen: NodeBits
    ) -> (mine: Int, theirs: Int)? {
        let level = tree.level
        tree.levelStart = tree.count
        var scanned = 0
        defer { stats.edgesScanned += scanned }
        // The pipeline of `reach`, less the offsets: weighing the level has just read them all.
        let ahead = StepLists.prefetchDistance
        lists.prefetchEntries(of: tree.nodes, level.prefix(ahead))
        for k in level {
            if k + ahead < level.upperBound { lists.prefetchEntries(of: tree.nodes[k + ahead]) }
            if budget.exhausted() { break }
            let parent = Int32(truncatingIfNeeded: k)
            var met = -1
            let (looked, stopped) = lists.scan(from: tree.nodes[k]) { v, code in
                // Written whether new or not; kept (count advanced) only when new.
                let c = tree.count
                tree.nodes[c] = v
                tree.parents[c] = parent
                tree.steps[c] = code
                let isNew = seen.add(v)
                tree.count = c &+ isNew
                if isNew & otherSeen.bit(v) == 0 { return false }
                met = c
                return true
            }
            scanned += looked
            if stopped { return (met, other.entry(of: tree.nodes[met])) }
        }
        return nil
    }

    /// The walk from the forward root through the meeting node to the backward root.
    private func assemble(forward f: SearchTree, _ fEntry: Int, backward b: SearchTree, _ bEntry: Int) -> Path {
        var nodes: [Int32] = []
        var steps: [PathStep] = []
        var e = fEntry
        while true {
            nodes.append(f.nodes[e])
            let parent = Int(f.parents[e])
            if parent < 0 { break }
            steps.append(graph.step(f.steps[e], backward: false))
            e = parent
        }
        nodes.reverse()
        steps.reverse()
        e = bEntry
        while true {
            let parent = Int(b.parents[e])
            if parent < 0 { break }
            steps.append(graph.step(b.steps[e], backward: true))
            e = parent
            nodes.append(b.nodes[e])
        }
        return Path(nodes: nodes, steps: steps)
    }

    /// The nodes reachable from `source` in 1…`maxHops` steps (the source itself excluded), each
    /// once at its least distance, in discovery order; only counted unless `collect`.
    mutating func reach(from source: Int32, maxHops: Int, collect: Bool) -> (total: Int, found: [Reached], reason: TruncationReason?) {
        let b = buffers
        let lists = graph.forwardLists
        var seen = b.reachSeen
        var found: [Reached] = []
        var total = 0
        var scanned = 0
        defer {
            seen.clear()
            b.reachSeen = seen
            stats.edgesScanned += scanned
            stats.statesVisited += total + 1
        }
        _ = seen.insert(source)
        var front = Frontier(b.trees[0].nodes, count: 1), next = Frontier(b.trees[1].nodes, count: 0)
        front.nodes[0] = source
        var depth = 0
        while front.count > 0 && depth < maxHops {
            if budget.checkNow() { break }
            if total + 1 > maxFrontier { return (total, found, .memory) }
            depth += 1
            // The nodes first reached at this level (those of the last level are never expanded).
            var count = 0
            let nodes = next.nodes
            defer {
                next.count = count
                total += count
                if collect { for k in 0..<count { found.append(Reached(node: nodes[k], distance: depth)) } }
                swap(&front, &next)
            }
            let ahead = StepLists.prefetchDistance
            for k in 0..<min(2 * ahead, front.count) { lists.prefetchOffsets(of: front.nodes[k]) }
            for k in 0..<front.count {
                // A software pipeline over the frontier: a node's offsets are loaded 2 × `ahead`
                // nodes before it is scanned, its first entries `ahead` nodes before.
                if k + 2 * ahead < front.count { lists.prefetchOffsets(of: front.nodes[k + 2 * ahead]) }
                if k + ahead < front.count { lists.prefetchEntries(of: front.nodes[k + ahead]) }
                if budget.exhausted() { break }
                scanned += lists.scan(from: front.nodes[k]) { v, _ in
                    // Written whether new or not; kept (count advanced) only when new.
                    nodes[count] = v
                    count &+= seen.add(v)
                    return false
                }.scanned
            }
        }
        return (total, found, budget.stopped)
    }
}

/// One level of a reach search: node ids in memory owned by `PlainBuffers`.
struct Frontier {
    let nodes: UnsafeMutablePointer<Int32>
    var count: Int
    init(_ nodes: UnsafeMutablePointer<Int32>, count: Int) {
        self.nodes = nodes
        self.count = count
    }
}

/// Memory for one side of a bidirectional search, owned by `PlainBuffers`: room for every node.
struct TreeStorage {
    let nodes: UnsafeMutablePointer<Int32>
    let parents: UnsafeMutablePointer<Int32>
    let steps: UnsafeMutablePointer<Int32>
}

/// One side of a bidirectional search: every node it reached, level after level, each with the
/// entry it was reached from (-1 for the root) and the adjacency entry crossed
/// (`index << 1 | AdjacencyView.tag`). The last level, `level`, is the frontier.
struct SearchTree {
    let nodes: UnsafeMutablePointer<Int32>
    let parents: UnsafeMutablePointer<Int32>
    let steps: UnsafeMutablePointer<Int32>
    var count = 1
    var levelStart = 0

    init(_ storage: TreeStorage, root: Int32) {
        nodes = storage.nodes
        parents = storage.parents
        steps = storage.steps
        nodes[0] = root
        parents[0] = -1
        steps[0] = 0
    }

    var level: Range<Int> { levelStart..<count }
    var levelIsEmpty: Bool { levelStart == count }

    /// The entry of `v`, a node of the last level (where a node the other side just reached
    /// must be: one at an earlier level would have met that side a round before).
    func entry(of v: Int32) -> Int {
        var k = levelStart
        while nodes[k] != v { k += 1 }
        return k
    }
}

/// One CSR half of the snapshot as raw views, with the query's provenance filter and the
/// version's delta: entries `0 ..< baseEntries` are the base arrays', entry `baseEntries + j` is
/// entry `j` of the delta's rows.
struct AdjacencyView {
    let offsets: UnsafeBufferPointer<Int>
    let neighbors: UnsafeBufferPointer<Int32>
    /// Per entry, aligned with `neighbors`.
    let provenance: UnsafeBufferPointer<UInt8>
    let mask: UInt32
    let checkProvenance: Bool
    /// 0 for the forward (out) arrays, 1 for the reverse (in) ones: the low bit of a recorded step.
    let tag: Int32
    let delta: DeltaRows
    /// Nodes from `baseNodes` on have no base row.
    let baseNodes: Int
    let baseEntries: Int

    @inline(__always) func baseRow(_ u: Int32) -> Range<Int> {
        Int(u) < baseNodes ? offsets[Int(u)]..<offsets[Int(u) + 1] : 0..<0
    }

    @inline(__always) func degree(_ u: Int32) -> Int { baseRow(u).count + delta.row(u).count }
}

/// The adjacency lists a step from a node scans: one, or two for direction `both` (the second
/// skipping self-loops, which the first already followed).
struct StepLists {
    let first: AdjacencyView
    let second: AdjacencyView
    let count: Int

    @inline(__always) func degree(_ u: Int32) -> Int {
        count == 1 ? first.degree(u) : first.degree(u) + second.degree(u)
    }

    /// How many frontier nodes ahead of the scan a search loads a node's entries (and `reach`,
    /// twice as far, its offsets).
    static let prefetchDistance = 16

    /// Starts loading the offsets of `u`'s rows.
    @inline(__always) func prefetchOffsets(of u: Int32) {
        guard Int(u) < first.baseNodes else { return }
        quiver_prefetch(first.offsets.baseAddress! + Int(u))
        if count == 2 { quiver_prefetch(second.offsets.baseAddress! + Int(u)) }
    }

    /// Starts loading the first line of `u`'s entries (the hardware prefetcher follows a long row);
    /// reads its offsets, so call `prefetchOffsets` well before.
    @inline(__always) func prefetchEntries(of u: Int32) {
        guard Int(u) < first.baseNodes else { return }
        for l in 0..<count {
            let a = l == 0 ? first : second
            let lo = a.offsets[Int(u)]
            if lo < a.offsets[Int(u) + 1] { quiver_prefetch(a.neighbors.baseAddress! + lo) }
        }
    }

    /// Calls `body(v, code)` for each step from `u` the query follows, in adjacency order, with
    /// `code` the entry crossed (`index << 1 | AdjacencyView.tag`), until `body` returns true.
    /// Returns the adjacency entries looked at, and whether `body` stopped the scan.
    @inline(__always) func scan(from u: Int32, _ body: (Int32, Int32) -> Bool) -> (scanned: Int, stopped: Bool) {
        var scanned = 0
        for l in 0..<count {
            let a = l == 0 ? first : second
            let skipSelf = l == 1
            let row = a.baseRow(u)
            let lo = row.lowerBound, hi = row.upperBound
            var i = lo
            while i < hi {
                let v = a.neighbors[i]
                i += 1
                if skipSelf && v == u { continue }
                if a.checkProvenance && a.mask & (1 << UInt32(a.provenance[i - 1])) == 0 { continue }
                if a.delta.isDeleted(i - 1) { continue }
                if body(v, Int32(truncatingIfNeeded: (i - 1) << 1) | a.tag) { return (scanned + i - lo, true) }
            }
            scanned += hi - lo
            let added = a.delta.row(u)
            for j in added {
                let v = a.delta.columns[j]
                if skipSelf && v == u { continue }
                if a.checkProvenance && a.mask & (1 << UInt32(a.delta.provenance[j])) == 0 { continue }
                if body(v, Int32(truncatingIfNeeded: (a.baseEntries + j) << 1) | a.tag) { return (scanned + added.scanned(through: j), true) }
            }
            scanned += added.count
        }
        return (scanned, false)
    }

    /// `prefetchEntries` for the nodes at `range` in `nodes`.
    func prefetchEntries(of nodes: UnsafeMutablePointer<Int32>, _ range: Range<Int>) {
        for k in range { prefetchEntries(of: nodes[k]) }
    }

    /// The adjacency entries expanding the last level of `tree` would scan.
    func work(_ tree: SearchTree) -> Int {
        var w = 0
        for k in tree.level { w += degree(tree.nodes[k]) }
        return w
    }
}

/// The snapshot's arrays as the plain search reads them, valid inside `PlainGraph.with`.
struct PlainGraph {
    let out: AdjacencyView
    let `in`: AdjacencyView
    let outRelations: UnsafeBufferPointer<Int32>
    let inRelations: UnsafeBufferPointer<Int32>
    let direction: Direction

    /// Steps away from a node: out-edges for `out`, in-edges for `in`, both for `both`.
    var forwardLists: StepLists {
        switch direction {
        case .out: StepLists(first: out, second: out, count: 1)
        case .in: StepLists(first: self.in, second: self.in, count: 1)
        case .both: StepLists(first: out, second: self.in, count: 2)
        }
    }

    /// Steps into a node, walked backwards: the mirror image of `forwardLists`.
    var backwardLists: StepLists {
        switch direction {
        case .out: StepLists(first: self.in, second: self.in, count: 1)
        case .in: StepLists(first: out, second: out, count: 1)
        case .both: StepLists(first: self.in, second: out, count: 2)
        }
    }

    /// The path step a recorded link stands for. Forward, an entry of the out arrays is crossed
    /// `out`; backward (from the target), an entry of the in arrays is.
    func step(_ code: Int32, backward: Bool) -> PathStep {
        let index = Int(code >> 1)
        let fromIn = code & 1 == 1
        let view = fromIn ? self.in : out
        let relation = index < view.baseEntries
            ? (fromIn ? inRelations[index] : outRelations[index]) : view.delta.relations[index - view.baseEntries]
        return PathStep(relation: relation, direction: fromIn != backward ? .in : .out)
    }

    /// Runs `body` over views of `snapshot`; `inProvenance` is the provenance of each in-entry
    /// (empty when no edge needs the filter).
    static func with<R>(
        _ snapshot: CSRSnapshot, inProvenance: [UInt8], direction: Direction, mask: UInt32, checkProvenance: Bool,
        _ body: (PlainGraph) -> R
    ) -> R {
        snapshot.outOffsets.withUnsafeBufferPointer { outOffsets in
            snapshot.outTargets.withUnsafeBufferPointer { outTargets in
                snapshot.outRelations.withUnsafeBufferPointer { outRelations in
                    snapshot.provenance.withUnsafeBufferPointer { outProvenance in
                        snapshot.inOffsets.withUnsafeBufferPointer { inOffsets in
                            snapshot.inSources.withUnsafeBufferPointer { inSources in
                                snapshot.inRelations.withUnsafeBufferPointer { inRelations in
                                    inProvenance.withUnsafeBufferPointer { inProv in
                                        body(PlainGraph(
                                            out: AdjacencyView(
                                                offsets: outOffsets, neighbors: outTargets, provenance: outProvenance,
                                                mask: mask, checkProvenance: checkProvenance, tag: 0,
                                                delta: snapshot.deltaRows(out: true), baseNodes: snapshot.baseNodeCount,
                                                baseEntries: snapshot.baseEdgeCount),
                                            in: AdjacencyView(
                                                offsets: inOffsets, neighbors: inSources, provenance: inProv,
                                                mask: mask, checkProvenance: checkProvenance, tag: 1,
                                                delta: snapshot.deltaRows(out: false), baseNodes: snapshot.baseNodeCount,
                                                baseEntries: snapshot.baseEdgeCount),
                                            outRelations: outRelations, inRelations: inRelations, direction: direction))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A set of node ids as bits in memory owned by `PlainBuffers`, emptied by zeroing only the words
/// it set (a 1M-node set is 128 KiB, which stays in cache). The two sets of a bidirectional search
/// are interleaved word by word (`shift` 1), so that the test for the other side's bit after
/// setting one's own reads the same cache line.
struct NodeBits {
    /// This set's first word; word `k` of the set is `words[k << shift]`.
    let words: UnsafeMutablePointer<UInt64>
    let shift: Int
    /// The indices (in `words`) of the non-zero words; each listed at most once.
    let touched: UnsafeMutablePointer<Int32>
    var touchedCount = 0

    @inline(__always) func word(_ v: Int32) -> Int { (Int(v) &>> 6) &<< shift }

    @inline(__always) func contains(_ v: Int32) -> Bool {
        words[word(v)] & (1 << UInt64(v & 63)) != 0
    }

    /// 1 when `v` is in the set, else 0.
    @inline(__always) func bit(_ v: Int32) -> Int {
        Int(truncatingIfNeeded: (words[word(v)] &>> (UInt64(truncatingIfNeeded: v) & 63)) & 1)
    }

    /// Adds `v`: 1 when it was not there, else 0. Branch-free, because in a search the answer is
    /// as often yes as no, and a mispredicted branch costs more than the unconditional writes.
    /// (`touched` has one spare slot for the write past its last word.)
    @inline(__always) mutating func add(_ v: Int32) -> Int {
        let k = word(v)
        let old = words[k]
        let shift = UInt64(truncatingIfNeeded: v) & 63
        words[k] = old | (1 &<< shift)
        touched[touchedCount] = Int32(truncatingIfNeeded: k)
        // 1 when the word was empty: `old | -old` has its top bit set exactly when `old != 0`.
        touchedCount &+= Int(truncatingIfNeeded: ((old | (0 &- old)) &>> 63) ^ 1)
        return Int(truncatingIfNeeded: (~old &>> shift) & 1)
    }

    /// Adds `v`; false when it was already there.
    @inline(__always) mutating func insert(_ v: Int32) -> Bool {
        add(v) == 1
    }

    mutating func clear() {
        for i in 0..<touchedCount { words[Int(touched[i])] = 0 }
        touchedCount = 0
    }
}

/// The plain search's per-thread memory for graphs of up to `nodeCount` nodes: the bit sets of a
/// bidirectional search (interleaved) and of a reach search, and two search trees (a reach search
/// uses the trees' node arrays as its frontiers). Between queries the bit sets are empty; the
/// trees are written before they are read, and only as far as a search goes.
final class PlainBuffers {
    let nodeCount: Int
    var forwardSeen: NodeBits
    var backwardSeen: NodeBits
    var reachSeen: NodeBits
    let trees: [TreeStorage]
    private let pairWords: UnsafeMutablePointer<UInt64>
    private let reachWords: UnsafeMutablePointer<UInt64>
    private let wordCount: Int

    init(nodeCount: Int) {
        self.nodeCount = nodeCount
        let wordCount = max(1, (nodeCount + 63) >> 6)
        self.wordCount = wordCount
        pairWords = .allocate(capacity: 2 * wordCount)
        pairWords.initialize(repeating: 0, count: 2 * wordCount)
        reachWords = .allocate(capacity: wordCount)
        reachWords.initialize(repeating: 0, count: wordCount)
        // One spare slot each: a search writes before it knows whether to keep what it wrote.
        forwardSeen = NodeBits(words: pairWords, shift: 1, touched: .allocate(capacity: wordCount + 1))
        backwardSeen = NodeBits(words: pairWords + 1, shift: 1, touched: .allocate(capacity: wordCount + 1))
        reachSeen = NodeBits(words: reachWords, shift: 0, touched: .allocate(capacity: wordCount + 1))
        let n = nodeCount + 1
        trees = (0..<2).map { _ in TreeStorage(nodes: .allocate(capacity: n), parents: .allocate(capacity: n), steps: .allocate(capacity: n)) }
    }

    /// Writes every page of the trees and lists, so that no query takes their first-touch faults.
    func touchAll() {
        let n = nodeCount + 1
        for t in trees {
            t.nodes.initialize(repeating: 0, count: n)
            t.parents.initialize(repeating: 0, count: n)
            t.steps.initialize(repeating: 0, count: n)
        }
        for s in [forwardSeen, backwardSeen, reachSeen] { s.touched.initialize(repeating: 0, count: wordCount + 1) }
    }

    deinit {
        pairWords.deallocate()
        reachWords.deallocate()
        for s in [forwardSeen, backwardSeen, reachSeen] { s.touched.deallocate() }
        for t in trees {
            t.nodes.deallocate()
            t.parents.deallocate()
            t.steps.deallocate()
        }
    }
}

/// What a plain query needs besides its endpoints.
struct PlainQuery {
    let direction: Direction
    let maxHops: Int
    let provenanceMask: UInt32
    let checkProvenance: Bool
}
