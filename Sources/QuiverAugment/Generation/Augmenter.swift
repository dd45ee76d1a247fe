import QuiverCore

/// Settings for raising phi on a real graph (2-hop, phi_r by first-hop relation).
public struct AugmentationOptions: Sendable {
    /// Every relation (or those in `relations`) should reach this phi_r.
    public var targetPhiR: Double?
    /// The whole graph should reach this phi; rare relations are raised first until it does.
    public var targetPhi: Double?
    /// Only these relations (names); nil: all.
    public var relations: [String]?
    /// Wrong-tail facts added per existing fact of a relation being raised, before bridges.
    public var corruptRate = 0.0
    /// Out-degree of each synthetic bridge; nil: ceil(target) + 2.
    public var bridgeOutDegree: Int?
    /// Most in-edges per synthetic bridge before a new one is made.
    public var bridgeInDegree = 16
    /// Give bridges' out-edges new synthetic relations (true) or existing ones (false).
    public var syntheticRelations = true
    public var seed: UInt64 = 0
    /// What augmentation may plan to hold; a target needing more is refused before anything is added.
    public var memoryBudget = MemoryBudget.current
    public init() {}
}

/// What augmentation added, per relation.
public struct AugmentationReport: Sendable, Codable, Equatable {
    public struct RelationChange: Sendable, Codable, Equatable {
        public var relation: String
        public var atomic_before: Int
        public var phi_r_before: Double
        public var atomic_after: Int
        public var phi_r_after: Double
        public var corrupted: Int
        public var bridge_edges: Int
    }
    public var bridges_added: Int
    /// Synthetic head entities, made once every real entity already had the relation being raised.
    public var heads_added: Int
    public var relations_added: Int
    public var synthetic_facts: Int
    public var corrupted_facts: Int
    public var phi_before: Double
    public var phi_after: Double
    public var target_phi_r: Double?
    public var target_phi: Double?
    public var relations: [RelationChange]
}

/// Raises phi on a sparse graph the way "Grokking in the Wild" does: where a relation's phi_r falls
/// short, add (c) corrupted facts with wrong tails at a given rate, then (a) synthetic bridge
/// entities whose out-edges (b) use synthetic relations, each new in-edge of relation r creating
/// `bridgeOutDegree` compositions that start with r. Rare relations go first. Every added fact keeps
/// the graph functional and carries `synthetic` or `corrupted` provenance.
public enum Augmenter {
    public static func augment(_ input: FactGraph, options: AugmentationOptions) throws -> (graph: FactGraph, report: AugmentationReport) {
        guard options.targetPhiR != nil || options.targetPhi != nil else {
            throw AugmentError.badOption("give \(option: "target-phi-r") or \(option: "target-phi")")
        }
        let target = options.targetPhiR ?? options.targetPhi!
        guard target > 0 && target.isFinite else { throw AugmentError.badOption("the target phi must be a positive number (got \(target))") }
        guard options.corruptRate >= 0 && options.corruptRate <= 10 else { throw AugmentError.badOption("\(option: "corrupt-rate") must be in [0, 10]") }
        if let d = options.bridgeOutDegree, Double(d) <= target {
            throw AugmentError.badOption("\(option: "bridge-out-degree") \(d) must exceed the target phi \(target): each bridge in-edge adds \(d) compositions")
        }
        guard options.bridgeInDegree >= 1 else { throw AugmentError.badOption("\(option: "bridge-in-degree") must be at least 1") }
        var chosen: Set<Int32>?
        if let names = options.relations {
            chosen = []
            for n in names {
                guard let r = input.relationNames.firstIndex(where: { $0.hasSameBytes(as: n) })
                        ?? input.relationNames.firstIndex(where: { localName(of: $0).hasSameBytes(as: n) }) else {
                    throw AugmentError.unknownRelation(n, suggestions: closeNames(n, input.relationNames))
                }
                chosen!.insert(Int32(r))
            }
        }

        let (g0, _) = input.isFunctional ? (input, 0) : input.functionalPart()
        var rng = SeededRandom.stream(seed: options.seed, step: 11)
        var entityCount = g0.entityCount
        var relationNames = g0.relationNames
        var entityNames = g0.entityNames
        // Live adjacency for exact incremental counts of 2-hop compositions.
        var outRel: [Set<Int32>] = (0..<entityCount).map { Set(g0.factRange(of: Int32($0)).map { g0.relations[$0] }) }
        var outDeg = outRel.map(\.count)
        var inEdges: [[Int32]] = Array(repeating: [], count: entityCount)   // relations of in-edges
        var atomic = g0.relationCounts
        var firstHop = [Int](repeating: 0, count: relationNames.count)
        for f in 0..<g0.factCount {
            inEdges[Int(g0.tails[f])].append(g0.relations[f])
            firstHop[Int(g0.relations[f])] += g0.factRange(of: g0.tails[f]).count
        }
        let atomicBefore = atomic, firstBefore = firstHop
        let order = (0..<Int32(g0.relationCount)).filter { chosen?.contains($0) ?? true }
            .sorted { (atomicBefore[Int($0)], $0) < (atomicBefore[Int($1)], $1) }
        try checkSize(g0, order: order, atomic: atomicBefore, firstHop: firstBefore, target: target, options: options)
        var added: [Fact] = []
        var corrupted = [Int](repeating: 0, count: relationNames.count), bridged = corrupted
        var bridges = 0, newRelations = 0
        var syntheticHeads = 0
        var corruptedSoFar = [Bool](repeating: false, count: relationNames.count)

        func add(_ h: Int32, _ r: Int32, _ t: Int32, _ p: Provenance) {
            added.append(Fact(h, r, t, provenance: p))
            outRel[Int(h)].insert(r)
            outDeg[Int(h)] += 1
            atomic[Int(r)] += 1
            firstHop[Int(r)] += outDeg[Int(t)]
            for q in inEdges[Int(h)] { firstHop[Int(q)] += 1 }
            inEdges[Int(t)].append(r)
        }
        func newEntity(_ name: String) -> Int32 {
            entityNames.append(name); outRel.append([]); outDeg.append(0); inEdges.append([])
            entityCount += 1
            return Int32(entityCount - 1)
        }
        func newRelation() -> Int32 {
            relationNames.append("synthetic_relation_\(newRelations)"); newRelations += 1
            atomic.append(0); firstHop.append(0); corrupted.append(0); bridged.append(0)
            return Int32(relationNames.count - 1)
        }
        var bridgeRelations: [Int32] = []
        func phiTotal() -> Double {
            let a = atomic.reduce(0, +)
            return a == 0 ? 0 : Double(firstHop.reduce(0, +)) / Double(a)
        }
        let realEntities = g0.entityCount
        let global = options.targetPhiR == nil
        // A global target is met by raising relations to a level; the bridges' own relations pull
        // the average down, so the level grows until the graph's phi reaches the target.
        var level = target
        for _ in 0..<(global ? 24 : 1) {
            if global && phiTotal() >= target { break }
            let d = max(options.bridgeOutDegree ?? 0, Int(level.rounded(.up)) + 2)
            for r in order {
                if global && phiTotal() >= target { break }
                try raise(r, to: level, bridgeOutDegree: d)
            }
            level *= 1.25
        }

        func raise(_ r: Int32, to level: Double, bridgeOutDegree d: Int) throws {
            func deficit() -> Int { Int((level * Double(atomic[Int(r)])).rounded(.up)) - firstHop[Int(r)] }
            guard deficit() > 0 else { return }
            // Each bridge in-edge adds one atomic fact of r and as many compositions as the bridge
            // has out-edges: with no more than `level` of them the deficit never shrinks.
            let compositionsPerEdge = options.syntheticRelations ? d : min(d, g0.relationCount)
            guard Double(compositionsPerEdge) > level else { throw unreachable(level, relations: g0.relationCount) }
            // Heads that lack r, in random order: a new (h, r, ·) keeps the graph functional.
            var heads = (0..<Int32(realEntities)).filter { !outRel[Int($0)].contains(r) }
            rng.shuffle(&heads)
            var nextHead = 0
            let wrong = corruptedSoFar[Int(r)] ? 0 : pythonRound(options.corruptRate * Double(atomicBefore[Int(r)]))
            corruptedSoFar[Int(r)] = true
            let busy = (0..<Int32(realEntities)).filter { outDeg[Int($0)] > 0 }
            for _ in 0..<wrong where nextHead < heads.count && !busy.isEmpty {
                add(heads[nextHead], r, busy[rng.below(busy.count)], .corrupted)
                corrupted[Int(r)] += 1
                nextHead += 1
            }
            var bridge: Int32 = -1, bridgeLoad = 0
            while deficit() > 0 {
                if nextHead >= heads.count {
                    // Every real entity has r already: the new fact starts at a synthetic head.
                    heads.append(newEntity("synthetic_head_\(syntheticHeads)"))
                    syntheticHeads += 1
                }
                if bridge < 0 || bridgeLoad >= options.bridgeInDegree {
                    bridge = newEntity("synthetic_bridge_\(bridges)")
                    bridges += 1
                    bridgeLoad = 0
                    if options.syntheticRelations {
                        while bridgeRelations.count < d { bridgeRelations.append(newRelation()) }
                    }
                    let rels = options.syntheticRelations
                        ? Array(bridgeRelations.prefix(d))
                        : rng.sortedSample(min(d, g0.relationCount), of: g0.relationCount).map(Int32.init)
                    for q in rels { add(bridge, q, Int32(rng.below(realEntities)), .synthetic) }
                }
                add(heads[nextHead], r, bridge, .synthetic)
                bridged[Int(r)] += 1
                bridgeLoad += 1
                nextHead += 1
            }
        }
        let graph = FactGraph(entityNames: entityNames, relationNames: relationNames, facts: g0.facts + added)
        let aBefore = atomicBefore.reduce(0, +)
        let report = AugmentationReport(
            bridges_added: bridges, heads_added: syntheticHeads, relations_added: newRelations,
            synthetic_facts: added.filter { $0.provenance == .synthetic }.count,
            corrupted_facts: added.filter { $0.provenance == .corrupted }.count,
            phi_before: aBefore == 0 ? 0 : Double(firstBefore.reduce(0, +)) / Double(aBefore), phi_after: phiTotal(),
            target_phi_r: options.targetPhiR, target_phi: options.targetPhi,
            relations: (0..<relationNames.count).map { r in
                AugmentationReport.RelationChange(
                    relation: relationNames[r], atomic_before: r < atomicBefore.count ? atomicBefore[r] : 0,
                    phi_r_before: r < atomicBefore.count && atomicBefore[r] > 0 ? Double(firstBefore[r]) / Double(atomicBefore[r]) : 0,
                    atomic_after: atomic[r], phi_r_after: atomic[r] > 0 ? Double(firstHop[r]) / Double(atomic[r]) : 0,
                    corrupted: corrupted[r], bridge_edges: bridged[r])
            })
        return (graph, report)
    }
}

extension Augmenter {
    /// Refuses a target whose facts, bridges and synthetic relations cannot fit the budget, from
    /// the first round's deficits (a global target may add more in later rounds). Each in-edge of
    /// relation r to a bridge with d out-edges closes d − target of r's deficit.
    static func unreachable(_ level: Double, relations: Int) -> AugmentError {
        .badOption("phi_r \(level) is unreachable with \(option: "existing-relations"): a bridge has at most \(relations) out-edges (one per "
                   + "relation); lower the target below that or leave out \(option: "existing-relations")")
    }

    static func checkSize(_ g: FactGraph, order: [Int32], atomic: [Int], firstHop: [Int], target: Double,
                          options: AugmentationOptions) throws(AugmentError) {
        let d = max(Double(options.bridgeOutDegree ?? 0), target.rounded(.up) + 2)
        let perEdge = (options.syntheticRelations ? d : min(d, Double(g.relationCount))) - target
        var inEdges = 0.0, corrupted = 0.0
        for r in order {
            let wrong = (options.corruptRate * Double(atomic[Int(r)])).rounded()
            let deficit = target * (Double(atomic[Int(r)]) + wrong) - Double(firstHop[Int(r)])
            guard deficit > 0 else { continue }
            corrupted += wrong
            guard perEdge > 0 else { throw unreachable(target, relations: g.relationCount) }
            inEdges += (deficit / perEdge).rounded(.up)
        }
        let bridges = (inEdges / Double(options.bridgeInDegree)).rounded(.up) + Double(order.count)
        let facts = corrupted + inEdges + bridges * min(d, options.syntheticRelations ? d : Double(g.relationCount))
        let relations = options.syntheticRelations ? d : 0
        // Per added fact: the fact, the live adjacency and the final graph's copy; per new
        // entity: its name, out-relation set and in-edge list; per new relation: its name and counters.
        let bytes = facts * 96 + (inEdges + bridges) * 128 + relations * 80 + Double(g.factCount) * 64
        var remedy: ErrorMessage = "\(option: options.targetPhiR != nil ? "target-phi-r" : "target-phi")"
        if options.bridgeOutDegree != nil { remedy = remedy + " or \(option: "bridge-out-degree")" }
        if options.corruptRate > 0 { remedy = remedy + " or \(option: "corrupt-rate")" }
        let what = "raising phi_r to \(target) (about \(Int(min(facts, 9e18))) facts and \(Int(min(relations, 9e18))) relations added)"
        if let refusal = options.memoryBudget.refusal(what, needs: bytes, lower: remedy) { throw AugmentError.badOption(refusal.message) }
    }
}

/// Up to three names closest to `name` by edit distance (for "did you mean").
func closeNames(_ name: String, _ names: [String]) -> [String] {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var prev = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
    let a = Array(name.lowercased())
    return names.map { ($0, distance(a, Array($0.lowercased()))) }.filter { $0.1 <= max(2, a.count / 2) }
        .sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
}
