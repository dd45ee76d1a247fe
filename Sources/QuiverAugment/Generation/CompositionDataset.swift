import QuiverCore

/// Settings of Wang et al.'s composition task. Defaults are theirs.
public struct CompositionOptions: Sendable {
    /// Hops per inferred fact, 2...4.
    public var hops = 2
    /// Inferred training facts per ID atomic fact: `round(phi × |ID atomic|)` candidates are sampled.
    /// The denominator is the ID atomic facts, as in their code, not all atomic facts.
    public var phi = 7.2
    /// Share of atomic facts held out as OOD (an exact count, `round(ratio × |atomic|)`).
    public var oodRatio = 0.05
    /// Chance that an all-ID inferred fact becomes a `test_inferred_iid` item instead of a candidate.
    public var iidTestProbability = 0.005
    /// Items per probe type in test.json (and in valid.json).
    public var probeSize = 3000
    public var seed: UInt64 = 0
    /// Caps the training compositions and each test pool; nil: no cap.
    public var maxItems: Int?
    public var ambiguity: AmbiguityPolicy = .drop

    public init() {}

    /// Refuses options no dataset can be built with; `build` calls it first.
    public func validate() throws(AugmentError) {
        guard (2...4).contains(hops) else { throw AugmentError.badOption("\(option: "hops") must be 2, 3 or 4 (got \(hops))") }
        guard phi >= 0 && phi <= maximumPhi else { throw AugmentError.badOption("\(option: "phi") must be a number in [0, \(Int(maximumPhi))] (got \(phi))") }
        guard oodRatio >= 0 && oodRatio < 1 else { throw AugmentError.badOption("\(option: "ood-ratio") must be in [0, 1) (got \(oodRatio))") }
        guard iidTestProbability >= 0 && iidTestProbability <= 1 else {
            throw AugmentError.badOption("\(option: "iid-test-prob") must be in [0, 1] (got \(iidTestProbability))")
        }
        guard probeSize >= 0 else { throw AugmentError.badOption("\(option: "probe-size") must be at least 0") }
        if let m = maxItems, m < 0 { throw AugmentError.badOption("\(option: "max-items") must be at least 0") }
    }
}

/// Inferred facts stored flat: item `i` is the `hops` fact indices `edges[i*hops ..< (i+1)*hops]`.
public struct InferredItems: Sendable, Equatable {
    public let hops: Int
    public private(set) var edges: [Int32] = []
    public init(hops: Int) { self.hops = hops }
    public var count: Int { hops == 0 ? 0 : edges.count / hops }
    public subscript(i: Int) -> ArraySlice<Int32> { edges[(i * hops) ..< ((i + 1) * hops)] }
    mutating func append(_ e: SIMD4<Int32>) { for d in 0..<hops { edges.append(e[d]) } }
    mutating func reserveCapacity(_ items: Int) { edges.reserveCapacity(items * hops) }
    mutating func append(contentsOf other: InferredItems) { edges.append(contentsOf: other.edges) }
    func picking(_ indices: [Int]) -> InferredItems {
        var out = InferredItems(hops: hops)
        let k = hops, n = count
        out.edges = [Int32](unsafeUninitializedCapacity: indices.count * k) { buffer, initialized in
            edges.withUnsafeBufferPointer { edges in
                var o = 0
                for i in indices {
                    precondition(i >= 0 && i < n, "item index out of range")
                    for d in 0..<k { buffer[o + d] = edges[i * k + d] }
                    o += k
                }
            }
            initialized = indices.count * k
        }
        return out
    }
}

/// Counts of the closure, gathered while streaming over it.
public struct CompositionPool: Sendable, Equatable {
    /// Walks of `hops` facts (Wang's "inferred facts" before the split; 800,000 in their setup).
    public var walks = 0
    /// Distinct (head, relations, tail) compositions.
    public var compositions = 0
    /// All-ID compositions that may be sampled for training.
    public var candidates = 0
    public var testIID = 0
    public var testOOD = 0
    /// Compositions with some hops ID and some OOD: dropped, as in their code.
    public var mixedDropped = 0
    /// Candidates per (first relation, last relation) pair, row-major; nil when there are too many relations.
    public var pairCounts: [Int]?
}

/// Wang et al.'s composition dataset, as fact indices into `graph`.
///
/// ```swift
/// var o = CompositionOptions(); o.seed = 7
/// let ds = try CompositionDataset.build(graph: g, options: o)
/// try DatasetWriter(dataset: ds).write(to: "out/")
/// ```
public struct CompositionDataset: Sendable {
    public let graph: FactGraph
    public let options: CompositionOptions
    /// Per fact: held out (OOD).
    public let ood: [Bool]
    public let idAtomic: [Int32]
    public let oodAtomic: [Int32]
    /// Facts left out because their (head, relation) has several tails (ambiguity policy `drop`).
    public let ambiguousFactsDropped: Int
    /// The sampled training compositions, in random order.
    public let trainInferred: InferredItems
    public let pool: CompositionPool
    /// Probes of test.json; `testInferredOOD` is also valid.json.
    public let probeIDAtomic: [Int32]
    public let probeOODAtomic: [Int32]
    public let probeTrainInferred: InferredItems
    public let probeTestIID: InferredItems
    public let probeTestOOD: InferredItems
    /// Training compositions requested: `round(phi × |ID atomic|)` (before --max-items).
    public let requestedTrainInferred: Int

    public var hops: Int { options.hops }
    public var phiRealised: Double { idAtomic.isEmpty ? 0 : Double(trainInferred.count) / Double(idAtomic.count) }
    /// The highest phi this graph and split allow: all candidates over the ID atomic facts.
    public var phiMaximum: Double { idAtomic.isEmpty ? 0 : Double(pool.candidates) / Double(idAtomic.count) }

    public static func build(graph input: FactGraph, options: CompositionOptions, progress: ((Double) -> Void)? = nil) throws -> CompositionDataset {
        try options.validate()
        var graph = input
        var ambiguousDropped = 0
        if options.ambiguity == .drop && !input.isFunctional {
            (graph, ambiguousDropped) = input.functionalPart()
        }
        let n = graph.factCount
        // ID/OOD split: exactly round(ratio × |atomic|) facts are OOD.
        var splitRNG = SeededRandom.stream(seed: options.seed, step: 1)
        var ood = [Bool](repeating: false, count: n)
        for i in splitRNG.sortedSample(pythonRound(options.oodRatio * Double(n)), of: n) { ood[i] = true }
        let idAtomic = (0..<n).filter { !ood[$0] }.map(Int32.init)
        let oodAtomic = (0..<n).filter { ood[$0] }.map(Int32.init)

        // Pass 1: count the candidates per head and collect the (few) test compositions.
        let k = options.hops
        let R = graph.relationCount
        let densePairs = R * R <= 1 << 22
        let coinSeed = mix64(options.seed ^ 0xC01D_C0FF_EE00_0001)
        let p = options.iidTestProbability
        let parts = chunks(graph.entityCount, parts: 64)
        struct Pass1 {
            var perHead: [Int] = []
            var iid: InferredItems, oodItems: InferredItems
            var compositions = 0, mixed = 0
        }
        // Relation-pair counts are sums, so each worker keeps one table (not one per part).
        struct Worker {
            var parts: [(Int, Pass1)] = []
            var pairs: [Int]
        }
        let frozenGraph = graph, frozenOOD = ood, functional = graph.isFunctional
        let workers: [Worker] = graph.relations.withUnsafeBufferPointer { relations in
            parallelWorkers(parts.count) { claim in
                var walker = CompositionWalker(graph: frozenGraph, hops: k, ood: frozenOOD, functional: functional)
                var worker = Worker(pairs: densePairs ? [Int](repeating: 0, count: R * R) : [])
                while let c = claim() {
                    var out = Pass1(iid: InferredItems(hops: k), oodItems: InferredItems(hops: k))
                    out.perHead.reserveCapacity(parts[c].count)
                    var coin = IIDCoin(seed: coinSeed, relations: relations, hops: k)
                    for h in parts[c] {
                        var count = 0
                        walker.forEach(head: Int32(h)) { e, cls in
                            out.compositions += 1
                            switch cls {
                            case .mixed: out.mixed += 1
                            case .allOOD: out.oodItems.append(e)
                            case .allID:
                                if coin.value(e, head: Int32(h)) < p {
                                    out.iid.append(e)
                                } else {
                                    count += 1
                                    if densePairs { worker.pairs[Int(relations[Int(e[0])]) * R + Int(relations[Int(e[k - 1])])] += 1 }
                                }
                            }
                        }
                        out.perHead.append(count)
                    }
                    worker.parts.append((c, out))
                }
                return worker
            }
        }
        progress?(0.5)
        var first = [Pass1?](repeating: nil, count: parts.count)
        for w in workers { for (c, part) in w.parts { first[c] = part } }
        var pool = CompositionPool()
        var iidAll = InferredItems(hops: k), oodAll = InferredItems(hops: k)
        var chunkStart = [Int](), headCandidates = [Int]()
        for case let part? in first {
            chunkStart.append(pool.candidates)
            for c in part.perHead { pool.candidates += c }
            headCandidates.append(contentsOf: part.perHead)
            pool.compositions += part.compositions
            pool.mixedDropped += part.mixed
            iidAll.append(contentsOf: part.iid)
            oodAll.append(contentsOf: part.oodItems)
        }
        var pairs: [Int]? = densePairs ? workers[0].pairs : nil
        if densePairs { for w in workers.dropFirst() { for i in 0..<(R * R) { pairs![i] += w.pairs[i] } } }
        pool.walks = walkCount(graph, heads: 0..<graph.entityCount, hops: k)
        pool.testIID = iidAll.count
        pool.testOOD = oodAll.count
        pool.pairCounts = pairs

        let requested = pythonRound(options.phi * Double(idAtomic.count))
        guard requested <= pool.candidates else {
            let maxPhi = idAtomic.isEmpty ? 0 : Double(pool.candidates) / Double(idAtomic.count)
            throw AugmentError.phiUnreachable(
                requested: options.phi, maximum: maxPhi,
                detail: "\(pool.candidates) training candidates for \(idAtomic.count) ID atomic facts, \(requested) needed")
        }
        let take = min(requested, options.maxItems ?? Int.max)

        // Probes, in Wang et al.'s order of draws.
        var probeRNG = SeededRandom.stream(seed: options.seed, step: 2)
        let cap = options.maxItems ?? Int.max
        let probeIDAtomic = probeRNG.choose(idAtomic, options.probeSize)
        let probeOODAtomic = probeRNG.choose(oodAtomic, options.probeSize)
        let probeTestIID = iidAll.picking(probeRNG.choose(Array(0..<iidAll.count), min(options.probeSize, cap)))
        let probeTestOOD = oodAll.picking(probeRNG.choose(Array(0..<oodAll.count), min(options.probeSize, cap)))

        // Pass 2: emit the sampled candidates. Their ordinals are drawn first, so memory follows the
        // output, not the closure.
        var sampleRNG = SeededRandom.stream(seed: options.seed, step: 3)
        let chosen = sampleRNG.sortedSample(take, of: pool.candidates)
        let emitted: [InferredItems] = graph.relations.withUnsafeBufferPointer { relations in
            parallelMap(parts.count) { c in
                var walker = CompositionWalker(graph: frozenGraph, hops: k, ood: frozenOOD, functional: functional)
                var out = InferredItems(hops: k)
                var ordinal = chunkStart[c]
                var next = lowerBound(chosen, ordinal)
                var coin = IIDCoin(seed: coinSeed, relations: relations, hops: k)
                let end = c + 1 < chunkStart.count ? chunkStart[c + 1] : pool.candidates
                guard next < chosen.count, chosen[next] < end else { return out }
                out.reserveCapacity(lowerBound(chosen, end) - next)
                for h in parts[c] {
                    walker.forEach(head: Int32(h)) { e, cls in
                        guard cls == .allID, coin.value(e, head: Int32(h)) >= p else { return }
                        if next < chosen.count && chosen[next] == ordinal {
                            out.append(e)
                            next += 1
                        }
                        ordinal += 1
                    }
                    if next >= chosen.count || chosen[next] >= end { break }
                }
                return out
            }
        }
        var train = InferredItems(hops: k)
        for part in emitted { train.append(contentsOf: part) }
        var order = Array(0..<train.count)
        sampleRNG.shuffleIndices(&order)
        train = train.picking(order)
        let probeTrain = train.picking(probeRNG.choose(Array(0..<train.count), options.probeSize))
        progress?(1)

        return CompositionDataset(
            graph: graph, options: options, ood: ood, idAtomic: idAtomic, oodAtomic: oodAtomic,
            ambiguousFactsDropped: ambiguousDropped, trainInferred: train, pool: pool,
            probeIDAtomic: probeIDAtomic, probeOODAtomic: probeOODAtomic, probeTrainInferred: probeTrain,
            probeTestIID: probeTestIID, probeTestOOD: probeTestOOD, requestedTrainInferred: requested)
    }
}

/// Walks of `hops` facts starting at `heads`, counted without listing them: walks(v, 1) is v's
/// out-degree, walks(v, j) sums walks(tail, j-1) over v's facts.
func walkCount(_ g: FactGraph, heads: Range<Int>, hops: Int) -> Int {
    var ways = (0..<g.entityCount).map { g.offsets[$0 + 1] - g.offsets[$0] }
    for _ in 1..<hops {
        var next = [Int](repeating: 0, count: g.entityCount)
        for v in 0..<g.entityCount { for e in g.factRange(of: Int32(v)) { next[v] &+= ways[Int(g.tails[e])] } }
        ways = next
    }
    return heads.reduce(0) { $0 &+ ways[$1] }
}

func lowerBound(_ a: [Int], _ x: Int) -> Int {
    var lo = 0, hi = a.count
    while lo < hi { let m = (lo + hi) / 2; if a[m] < x { lo = m + 1 } else { hi = m } }
    return lo
}

/// The relations of a composition: its input without the head. The iid-test coin is drawn per
/// input, so all answers of an ambiguous input land on the same side.
@inline(__always) func inputKey(_ relations: UnsafeBufferPointer<Int32>, _ e: SIMD4<Int32>, _ k: Int) -> SIMD4<Int32> {
    var key = SIMD4<Int32>(repeating: -1)
    for d in 0..<k { key[d] = relations[Int(e[d])] }
    return key
}
