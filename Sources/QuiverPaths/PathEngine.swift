import QuiverCore
import QuiverGraph

/// Multi-hop queries over one immutable snapshot. Holds no mutable state: any number of threads
/// may query one engine at once (each query allocates its own buffers, or uses the caller's
/// `SearchScratch`).
///
/// ```swift
/// let engine = PathEngine(snapshot: snap, inverses: PathEngine.inverseMap(from: ontology, snapshot: snap))
/// let r = try engine.paths(from: "usa", to: "china", mode: .kShortest, k: 3)
/// for p in r.paths { print(NamedPath(p, in: snap)) }
/// let tails = try engine.hop(from: "usa", relations: ["embassy", "^treaties"])
/// ```
public struct PathEngine: Sendable {
    public let snapshot: CSRSnapshot
    /// Relation names usable in expressions that are not stored: name → stored relation it inverts.
    /// Keyed by exact bytes, as the snapshot finds stored relations (by term id).
    public let inverses: [ExactName: String]
    /// The largest `maxHops` a query may ask for; also the default.
    public let maxHopsCeiling: Int
    /// Bit `p` set when some edge has provenance `p` (in the base; in this version).
    let baseProvenances: UInt32
    let presentProvenances: UInt32
    /// The provenance of each entry of the in-edge arrays (`provenance[inEdges[i]]`), so that the
    /// plain search filters in-edges as cheaply as out-edges; empty when every edge is asserted.
    let inProvenance: [UInt8]
    /// Name lookup in one or two cache misses.
    let nodeIndex: NodeIndex
    /// `StepAutomaton.anyStep` for each direction (in `Direction.allCases` order), no exclusions.
    let anyStepAutomata: [StepAutomaton]
    /// Whether queries without an expression or exclusions take `PlainSearch` (tests turn it off
    /// to hold it to the general search's answers).
    var plainSearchEnabled = true
    /// How shortest-walk DAGs are walked (tests force each way).
    var dagSteps = Searcher.DAGSteps.cheaper

    public init(snapshot: CSRSnapshot, inverses: [ExactName: String] = [:], maxHopsCeiling: Int = 16) {
        var mask: UInt32 = 0
        snapshot.provenance.withUnsafeBufferPointer { p in
            var seen = [Bool](repeating: false, count: 256)
            for b in p { seen[Int(b)] = true }
            for i in 0..<32 where seen[i] { mask |= 1 << UInt32(i) }
        }
        let inProvenance = mask & ~(1 << UInt32(Provenance.asserted.rawValue)) != 0
            ? snapshot.inEdges.map { snapshot.provenance[Int($0)] } : []
        self.init(snapshot: snapshot, inverses: inverses, maxHopsCeiling: maxHopsCeiling, baseProvenances: mask,
                  inProvenance: inProvenance, nodeIndex: NodeIndex(sortedIDs: snapshot.nodeTermIDs))
    }

    private init(snapshot: CSRSnapshot, inverses: [ExactName: String], maxHopsCeiling: Int, baseProvenances: UInt32,
                 inProvenance: [UInt8], nodeIndex: NodeIndex) {
        self.snapshot = snapshot
        self.inverses = inverses
        self.maxHopsCeiling = maxHopsCeiling
        self.baseProvenances = baseProvenances
        presentProvenances = baseProvenances | snapshot.delta.provenanceMask
        self.inProvenance = inProvenance
        self.nodeIndex = nodeIndex
        anyStepAutomata = Direction.allCases.map {
            StepAutomaton.anyStep(relationCount: snapshot.relationCount, direction: $0, excluded: [])
        }
    }

    /// The engine for another version of the same graph: what was derived from the base arrays is
    /// reused when `snapshot` shares them (a version made by `applying`), so that publishing a
    /// write costs no pass over the graph.
    public func updated(to snapshot: CSRSnapshot, inverses: [ExactName: String]) -> PathEngine {
        guard snapshot.baseIdentity == self.snapshot.baseIdentity else {
            return PathEngine(snapshot: snapshot, inverses: inverses, maxHopsCeiling: maxHopsCeiling)
        }
        var engine = PathEngine(snapshot: snapshot, inverses: inverses, maxHopsCeiling: maxHopsCeiling, baseProvenances: baseProvenances,
                                inProvenance: inProvenance, nodeIndex: nodeIndex)
        engine.plainSearchEnabled = plainSearchEnabled
        engine.dagSteps = dagSteps
        return engine
    }

    /// The inverse names an ontology adds to a snapshot: for each `owl:inverseOf` pair with one side
    /// stored and the other not, the other side (its IRI and its local name) → the stored relation.
    public static func inverseMap(from ontology: Ontology, snapshot: CSRSnapshot) -> [ExactName: String] {
        var map: [ExactName: String] = [:]
        for stored in snapshot.relationNames {
            for pair in ontology.inverses where pair.count == 2 {
                for (mine, other) in [(pair[0], pair[1]), (pair[1], pair[0])] where ontology.matches(mine, stored) {
                    for name in [other, localName(of: other)] where snapshot.relation(named: name) == nil && map[ExactName(name)] == nil {
                        map[ExactName(name)] = stored
                    }
                }
            }
        }
        return map
    }

    // MARK: Names

    /// The node named `name`, or an error naming it with close names.
    public func node(named name: String) throws -> Int32 {
        if let n = nodeIndex.node(named: name, in: snapshot) { return n }
        let snapshot = self.snapshot
        let names = (0..<snapshot.nodeCount).lazy.map { snapshot.nodeName(Int32($0)) }
        throw PathError.unknownNode(name, suggestions: closeNames(to: name, in: names))
    }

    /// A relation by name, or an inverse name from the ontology (then `inverted` is true).
    public func relation(named name: String) throws -> (relation: Int32, inverted: Bool) {
        if let r = snapshot.relation(named: name) { return (r, false) }
        if let stored = inverses[ExactName(name)], let r = snapshot.relation(named: stored) { return (r, true) }
        throw PathError.unknownRelation(name, suggestions: closeNames(to: name, in: Array(snapshot.relationNames) + inverses.keys.map(\.text)))
    }

    // MARK: Queries

    /// The edges at `node`: relation, direction and the node at the other end.
    public func neighbors(of node: String, relation: String? = nil, options: PathOptions = PathOptions()) throws -> NeighborResult {
        let u = try self.node(named: node)
        var expression: PathExpression = .anyRelation(inverse: false)
        if let relation { expression = .relation(relation, inverse: false) }
        let plan = try makePlan(options: options, expression: expression, endpoints: [u], hopsNeeded: 1)
        var found: [Neighbor] = []
        var stats = SearchStats()
        plan.withProductGraph { g in
            stats.edgesScanned = g.forEachStep(u, 0) { v, _, r, isIn, _ in
                found.append(Neighbor(relation: r, direction: isIn ? .in : .out, node: v))
            }
        }
        let order = PathOrder(snapshot)
        found.sort { a, b in
            if a.direction != b.direction { return a.direction < b.direction }
            let r = order.compareRelations(a.relation, b.relation)
            return r != 0 ? r < 0 : order.compareNodes(a.node, b.node) < 0
        }
        stats.statesVisited = found.count
        var reason: TruncationReason?
        if found.count > options.limit { found.removeLast(found.count - options.limit); reason = .limit }
        return NeighborResult(neighbors: found, reason: reason, stats: stats)
    }

    /// Paths from `from` to `to`. `k` is used by `.kShortest`; `via` is a regular path expression
    /// the relations along each path must match (see `PathExpression`).
    public func paths(
        from: String, to: String, mode: PathMode = .shortest, k: Int = 1, via: String? = nil,
        options: PathOptions = PathOptions(), scratch: SearchScratch? = nil
    ) throws -> PathResult {
        nodeIndex.prefetch(from, to, in: snapshot)
        let s = try node(named: from), t = try node(named: to)
        let expression = try via.map(PathExpression.parse)
        if mode == .kShortest && k < 1 { throw PathError.invalidArgument("\(option: "k") must be at least 1, not \(k)") }
        if options.limit < 0 { throw PathError.invalidArgument("\(option: "limit") must not be negative") }
        if mode == .shortest && expression == nil, let plain = try plainQuery(options) {
            return withPlainSearch(plain, options: options, scratch: scratch) { search in
                let (path, reason) = search.shortest(from: s, to: t, maxHops: plain.maxHops)
                return PathResult(paths: path.map { [$0] } ?? [], reason: reason, stats: search.stats)
            }
        }
        let plan = try makePlan(options: options, expression: expression, endpoints: [s, t])
        if plan.automaton.isEmpty { return PathResult(paths: [], reason: nil, stats: SearchStats()) }
        return withSearcher(plan, options: options, scratch: scratch) { searcher in
            switch mode {
            case .shortest:
                let (path, reason) = searcher.shortestOne(from: s, to: t, maxHops: plan.maxHops)
                return PathResult(paths: path.map { [$0] } ?? [], reason: reason, stats: searcher.stats)
            case .allShortest:
                let (dag, reason) = searcher.shortestDAG(from: s, to: t, maxHops: plan.maxHops)
                guard let dag else { return PathResult(paths: [], reason: reason, stats: searcher.stats) }
                let (paths, stop) = searcher.enumerateDAG(dag, from: s, limit: options.limit)
                return PathResult(paths: paths, reason: stop, stats: searcher.stats)
            case .kShortest where plan.stateCount == 1 && expression == nil:
                let (paths, reason) = searcher.kShortest(from: s, to: t, k: k, maxHops: plan.maxHops)
                return PathResult(paths: paths, reason: reason, stats: searcher.stats)
            case .kShortest:
                let r = searcher.enumeratePaths(from: s, to: t, trail: false, maxHops: plan.maxHops, limit: k)
                var reason = r.reason == .limit ? nil : r.reason
                if reason == nil && r.paths.count < k && r.cut { reason = .maxHops }
                return PathResult(paths: r.paths, reason: reason, stats: searcher.stats)
            case .simple, .trail:
                let r = searcher.enumeratePaths(from: s, to: t, trail: mode == .trail, maxHops: plan.maxHops, limit: options.limit)
                return PathResult(paths: r.paths, reason: r.reason, stats: searcher.stats)
            }
        }
    }

    /// The nodes reachable from `from` within `maxHops` steps (matching `via` when given), with
    /// their distance. The source itself is listed (at distance 0) only when `via` matches the
    /// empty path.
    /// With `countOnly`, `endpoints` stays empty and only `total` is filled (no sorting by name).
    public func reach(
        from: String, via: String? = nil, options: PathOptions = PathOptions(), scratch: SearchScratch? = nil,
        countOnly: Bool = false
    ) throws -> ReachResult {
        let s = try node(named: from)
        let expression = try via.map(PathExpression.parse)
        if expression == nil, let plain = try plainQuery(options) {
            return withPlainSearch(plain, options: options, scratch: scratch) { search in
                let (total, found, reason) = search.reach(from: s, maxHops: plain.maxHops, collect: !countOnly)
                if countOnly { return ReachResult(endpoints: [], total: total, reason: reason, stats: search.stats) }
                return reachResult(found, reason: reason, limit: options.limit, stats: search.stats)
            }
        }
        let plan = try makePlan(options: options, expression: expression, endpoints: [s])
        if plan.automaton.isEmpty { return ReachResult(endpoints: [], total: 0, reason: nil, stats: SearchStats()) }
        return withSearcher(plan, options: options, scratch: scratch) { searcher in
            let (found, reason) = searcher.reach(from: s, maxHops: plan.maxHops, includeSource: expression != nil)
            if countOnly { return ReachResult(endpoints: [], total: found.count, reason: reason, stats: searcher.stats) }
            return reachResult(found, reason: reason, limit: options.limit, stats: searcher.stats)
        }
    }

    /// Endpoints by distance then name, at most `limit` of them.
    private func reachResult(_ found: [Reached], reason: TruncationReason?, limit: Int, stats: SearchStats) -> ReachResult {
        var found = found, reason = reason
        let order = PathOrder(snapshot)
        found.sort { $0.distance != $1.distance ? $0.distance < $1.distance : order.compareNodes($0.node, $1.node) < 0 }
        let total = found.count
        if found.count > limit {
            found.removeLast(found.count - limit)
            reason = reason ?? .limit
        }
        return ReachResult(endpoints: found, total: total, reason: reason, stats: stats)
    }

    /// Composition: every tail `t` with a walk `head -R1-> b1 -R2-> … -Rk-> t`, each with its bridge
    /// nodes `[b1, …, b(k-1)]` as witnesses. Each `Ri` is a relation, `^relation`, an ontology
    /// inverse name, or `.` for any relation.
    public func hop(from head: String, relations: [String], options: PathOptions = PathOptions(), scratch: SearchScratch? = nil) throws -> HopResult {
        guard !relations.isEmpty else { throw PathError.invalidArgument("hop needs at least one relation") }
        let h = try node(named: head)
        var parts: [PathExpression] = []
        for r in relations {
            let e = try PathExpression.parse(r)
            switch e {
            case .relation, .anyRelation: parts.append(e)
            default: throw PathError.invalidArgument("hop takes plain relations (r, ^r or .), not the expression '\(r)'; use \(option: "via") with \(command: "paths") for expressions")
            }
        }
        var o = options
        o.direction = .out
        o.maxHops = relations.count
        let plan = try makePlan(options: o, expression: parts.count == 1 ? parts[0] : .sequence(parts), endpoints: [h])
        if plan.automaton.isEmpty { return HopResult(tails: [], reason: nil, stats: SearchStats()) }
        return withSearcher(plan, options: options, scratch: scratch) { searcher in
            let (tails, reason) = searcher.hop(from: h, hops: relations.count, limit: options.limit)
            return HopResult(tails: tails, reason: reason, stats: searcher.stats)
        }
    }

    /// The number of walks of at most `maxHops` steps from `from` to `to` (matching `via`), by
    /// dynamic programming over the hop layers: never lists them, never overflows (saturates).
    public func countPaths(from: String, to: String, via: String? = nil, options: PathOptions = PathOptions(), scratch: SearchScratch? = nil) throws -> PathCount {
        let s = try node(named: from), t = try node(named: to)
        let expression = try via.map(PathExpression.parse)
        let plan = try makePlan(options: options, expression: expression, endpoints: [s, t])
        if plan.automaton.isEmpty { return PathCount(perLength: [], total: 0, saturated: false, reason: nil, stats: SearchStats()) }
        return withSearcher(plan, options: options, scratch: scratch) { searcher in
            searcher.countWalks(from: s, to: t, maxHops: plan.maxHops)
        }
    }

    // MARK: Plumbing

    func checkedMaxHops(_ requested: Int?) throws -> Int {
        let maxHops = requested ?? maxHopsCeiling
        if maxHops > maxHopsCeiling { throw PathError.maxHopsAboveCeiling(requested: maxHops, ceiling: maxHopsCeiling) }
        if maxHops < 0 { throw PathError.invalidArgument("\(option: "max-hops") must not be negative") }
        return maxHops
    }

    /// A query `PlainSearch` can answer: no exclusions, and step codes (`index << 1`) that fit in
    /// 32 bits. Nil otherwise (the general search answers it).
    func plainQuery(_ options: PathOptions) throws -> PlainQuery? {
        guard plainSearchEnabled, options.excludedRelations.isEmpty, options.excludedNodes.isEmpty,
              snapshot.baseEdgeCount + snapshot.delta.addedCount < 1 << 30 else { return nil }
        let maxHops = try checkedMaxHops(options.maxHops)
        var mask: UInt32 = 0
        for p in options.provenances { mask |= 1 << UInt32(p.rawValue) }
        // Without `inProvenance` (every edge asserted) only a filter that keeps asserted edges is free.
        let check = presentProvenances & ~mask != 0
        if check && inProvenance.isEmpty && snapshot.baseEdgeCount > 0 { return nil }
        return PlainQuery(direction: options.direction, maxHops: maxHops, provenanceMask: mask,
                          checkProvenance: check)
    }

    func withPlainSearch<R>(_ query: PlainQuery, options: PathOptions, scratch: SearchScratch?, _ body: (inout PlainSearch) -> R) -> R {
        let buffers = scratch?.plainBuffers(nodeCount: snapshot.nodeCount) ?? PlainBuffers(nodeCount: snapshot.nodeCount)
        return PlainGraph.with(
            snapshot, inProvenance: inProvenance, direction: query.direction, mask: query.provenanceMask,
            checkProvenance: query.checkProvenance
        ) { graph in
            var search = PlainSearch(
                graph: graph, buffers: buffers, budget: Budget(timeout: options.timeout, deadline: options.deadline, token: options.cancellation),
                maxFrontier: options.maxFrontier)
            return body(&search)
        }
    }

    func makePlan(options: PathOptions, expression: PathExpression?, endpoints: [Int32], hopsNeeded: Int? = nil) throws -> QueryPlan {
        let maxHops = try checkedMaxHops(hopsNeeded ?? options.maxHops)
        var excludedRelations: Set<Int32> = []
        for name in options.excludedRelations {
            excludedRelations.insert(try relation(named: name).relation)
        }
        var excludedNodes: [Bool] = []
        if !options.excludedNodes.isEmpty {
            excludedNodes = [Bool](repeating: false, count: snapshot.nodeCount)
            for name in options.excludedNodes { excludedNodes[Int(try node(named: name))] = true }
            for e in endpoints { excludedNodes[Int(e)] = false }
        }
        var mask: UInt32 = 0
        for p in options.provenances { mask |= 1 << UInt32(p.rawValue) }
        let automaton: StepAutomaton
        if let expression {
            automaton = try StepAutomaton.compile(
                expression, snapshot: snapshot, inverses: inverses, direction: options.direction, excluded: excludedRelations)
        } else if excludedRelations.isEmpty, let i = Direction.allCases.firstIndex(of: options.direction) {
            automaton = anyStepAutomata[i]
        } else {
            automaton = StepAutomaton.anyStep(relationCount: snapshot.relationCount, direction: options.direction, excluded: excludedRelations)
        }
        return QueryPlan(
            snapshot: snapshot, automaton: automaton, provenanceMask: mask,
            checkProvenance: presentProvenances & ~mask != 0, excludedNodes: excludedNodes,
            direction: options.direction, maxHops: maxHops, limit: options.limit, maxFrontier: options.maxFrontier)
    }

    func withSearcher<R>(_ plan: QueryPlan, options: PathOptions, scratch: SearchScratch?, _ body: (inout Searcher) -> R) -> R {
        let scratch = scratch ?? SearchScratch()
        return plan.withProductGraph { g in
            var searcher = Searcher(
                g: g, order: PathOrder(snapshot), budget: Budget(timeout: options.timeout, deadline: options.deadline, token: options.cancellation),
                arrays: scratch.arrays.take(3), bits: scratch.bits.take(2), links: scratch.links.take(2),
                maxFrontier: options.maxFrontier)
            searcher.dagSteps = dagSteps
            let result = body(&searcher)
            scratch.arrays.give(searcher.arrays)
            scratch.bits.give(searcher.bitSets)
            scratch.links.give(searcher.linkSets)
            return result
        }
    }
}
