import Foundation
import QuiverCore

/// The checks a dataset must pass, computed from the items as written (not from how they were
/// drawn), and saved as DIR/stats.json.
public struct SelfChecks: Sendable, Codable, Equatable {
    public struct ChiSquare: Sendable, Codable, Equatable {
        public var statistic: Double
        public var degrees_of_freedom: Int
        /// With the finite-population correction for sampling without replacement.
        public var p_value: Double
    }

    public var hops: Int
    public var seed: UInt64
    public var atomic: Int
    public var id_atomic: Int
    public var ood_atomic: Int
    public var walks: Int
    public var compositions: Int
    public var candidates: Int
    public var test_inferred_iid_pool: Int
    public var test_inferred_ood_pool: Int
    public var mixed_dropped: Int
    public var ambiguous_facts_dropped: Int
    public var train_items: Int
    public var train_inferred: Int
    public var valid_items: Int
    public var test_items: Int
    public var phi_target: Double
    public var phi_realised: Double
    public var phi_maximum: Double
    /// Realised phi per first-hop relation: sampled training compositions starting with r over ID atomic facts of r.
    public var phi_r_first_hop: [String: Double]
    /// Inferred items with no witness in the graph whose hops are all in the right split.
    public var underivable: Int
    /// test_inferred_* and valid items whose input is also a training input.
    public var test_train_overlap: Int
    /// Inputs given two different targets anywhere in train, valid and test.
    public var inputs_with_two_targets: Int
    /// Share of ID atomic facts used as a hop by some training composition.
    public var id_atomic_coverage: Double
    public var chi_square: ChiSquare?
    /// Tokens in the longest target_text.
    public var longest_sequence: Int
    public var tokens_outside_vocab: Int
    public var passed: Bool
    public var failures: [String]

    public init(dataset ds: CompositionDataset) {
        let g = ds.graph, k = ds.hops
        hops = k
        seed = ds.options.seed
        atomic = g.factCount
        id_atomic = ds.idAtomic.count
        ood_atomic = ds.oodAtomic.count
        walks = ds.pool.walks
        compositions = ds.pool.compositions
        candidates = ds.pool.candidates
        test_inferred_iid_pool = ds.pool.testIID
        test_inferred_ood_pool = ds.pool.testOOD
        mixed_dropped = ds.pool.mixedDropped
        ambiguous_facts_dropped = ds.ambiguousFactsDropped
        train_inferred = ds.trainInferred.count
        train_items = ds.idAtomic.count + ds.oodAtomic.count + ds.trainInferred.count
        valid_items = ds.probeTestOOD.count
        test_items = ds.probeIDAtomic.count + ds.probeOODAtomic.count + ds.probeTrainInferred.count + ds.probeTestIID.count + ds.probeTestOOD.count
        phi_target = ds.options.phi
        phi_realised = ds.phiRealised
        phi_maximum = ds.phiMaximum

        let heads = g.heads, relations = g.relations, tails = g.tails
        let train = ds.trainInferred.edges
        var idPerRelation = [Int](repeating: 0, count: g.relationCount)
        for f in ds.idAtomic { idPerRelation[Int(relations[Int(f)])] += 1 }
        var trainPerRelation = [Int](repeating: 0, count: g.relationCount)
        for i in stride(from: 0, to: train.count, by: k) { trainPerRelation[Int(relations[Int(train[i])])] += 1 }
        var phiR: [String: Double] = [:]
        for r in 0..<g.relationCount where idPerRelation[r] > 0 {
            phiR[g.relationNames[r]] = Double(trainPerRelation[r]) / Double(idPerRelation[r])
        }
        phi_r_first_hop = phiR

        // Derivability: search a witness from the tokens alone (head, relations, tail).
        let inferredSets: [(InferredItems, Bool)] = [
            (ds.trainInferred, false), (ds.probeTestIID, false), (ds.probeTestOOD, true), (ds.probeTrainInferred, false),
        ]
        underivable = WitnessSearch.withSearch(ds) { search in
            inferredSets.reduce(0) { acc, pair in
                let (items, wantOOD) = pair
                let parts = chunks(items.count, parts: 16)
                return acc + parallelMap(parts.count) { c in
                    items.edges.withUnsafeBufferPointer { edges in
                        parts[c].reduce(0) { n, i in
                            n + (search.derivable(UnsafeBufferPointer(rebasing: edges[(i * items.hops) ..< ((i + 1) * items.hops)]), wantOOD: wantOOD) ? 0 : 1)
                        }
                    }
                }.reduce(0, +)
            }
        }

        // Inputs as 64-bit hashes (a collision among a few million inputs has odds below 1e-6).
        func hash(atomic f: Int32) -> UInt64 {
            mix64(mix64(1 ^ UInt64(UInt32(bitPattern: heads[Int(f)]))) ^ UInt64(UInt32(bitPattern: relations[Int(f)])))
        }
        func hash(_ edges: ArraySlice<Int32>) -> UInt64 {
            var h = mix64(UInt64(edges.count) ^ UInt64(UInt32(bitPattern: heads[Int(edges.first!)])))
            for e in edges { h = mix64(h ^ UInt64(UInt32(bitPattern: relations[Int(e)]))) }
            return h
        }
        // Training inputs with their targets; the lookups are exact while no training input has two
        // targets (the usual case). Otherwise the inputs are sorted with their targets, so that each
        // extra target counts.
        let trainCount = train_items
        var trainKeys = [UInt64](repeating: 0, count: trainCount), trainTargets = [UInt32](repeating: 0, count: trainCount)
        let atomicTrain = ds.idAtomic + ds.oodAtomic
        trainKeys.withUnsafeMutableBufferPointer { keys in
            trainTargets.withUnsafeMutableBufferPointer { targets in
                train.withUnsafeBufferPointer { train in
                    let parts = chunks(trainCount, parts: 16)
                    _ = parallelMap(parts.count) { c in
                        for j in parts[c] {
                            if j < atomicTrain.count {
                                let f = atomicTrain[j]
                                keys[j] = hash(atomic: f)
                                targets[j] = UInt32(bitPattern: tails[Int(f)])
                            } else {
                                let i = (j - atomicTrain.count) * k
                                var h = mix64(UInt64(k) ^ UInt64(UInt32(bitPattern: heads[Int(train[i])])))
                                for d in 0..<k { h = mix64(h ^ UInt64(UInt32(bitPattern: relations[Int(train[i + d])]))) }
                                keys[j] = h
                                targets[j] = UInt32(bitPattern: tails[Int(train[i + k - 1])])
                            }
                        }
                    }
                }
            }
        }
        var present: [UInt64] = [], differing: [(key: UInt64, target: UInt32)] = []
        for items in [ds.probeTestIID, ds.probeTestOOD] { for i in 0..<items.count { present.append(hash(items[i])) } }
        for f in ds.probeIDAtomic + ds.probeOODAtomic { differing.append((hash(atomic: f), UInt32(bitPattern: tails[Int(f)]))) }
        for items in [ds.probeTrainInferred, ds.probeTestIID, ds.probeTestOOD] {
            for i in 0..<items.count { differing.append((hash(items[i]), UInt32(bitPattern: tails[Int(items[i].last!)]))) }
        }
        if let answer = InputTargets.lookUp(train: trainKeys, targets: trainTargets, present: present, differing: differing) {
            test_train_overlap = answer.present
            inputs_with_two_targets = answer.differing
        } else {
            (test_train_overlap, inputs_with_two_targets) = Self.countBySorting(ds, hash(atomic:), hash(_:))
        }

        var used = [Bool](repeating: false, count: g.factCount)
        for e in train { used[Int(e)] = true }
        let covered = ds.idAtomic.reduce(0) { $0 + (used[Int($1)] ? 1 : 0) }
        id_atomic_coverage = ds.idAtomic.isEmpty ? 0 : Double(covered) / Double(ds.idAtomic.count)

        if let pool = ds.pool.pairCounts, ds.pool.candidates > 0, ds.trainInferred.count > 0 {
            let R = g.relationCount
            var observed = [Int](repeating: 0, count: R * R)
            for i in stride(from: 0, to: train.count, by: k) {
                observed[Int(relations[Int(train[i])]) * R + Int(relations[Int(train[i + k - 1])])] += 1
            }
            let n = Double(ds.trainInferred.count), N = Double(ds.pool.candidates)
            var stat = 0.0, cells = 0
            for c in 0..<(R * R) where pool[c] > 0 {
                let expected = Double(pool[c]) * n / N
                stat += (Double(observed[c]) - expected) * (Double(observed[c]) - expected) / expected
                cells += 1
            }
            let df = max(1, cells - 1)
            let fpc = 1 - n / N
            let corrected = fpc > 1e-9 ? stat / fpc : 0
            chi_square = ChiSquare(statistic: stat, degrees_of_freedom: df, p_value: fpc > 1e-9 ? chiSquareUpperTail(corrected, df: df) : 1)
        } else {
            chi_square = nil
        }

        longest_sequence = ds.trainInferred.count + ds.probeTestIID.count + ds.probeTestOOD.count > 0 ? k + 3 : 4
        // Tokens come from ids; every id must be one vocab.json lists.
        var outside = 0
        let maxE = Int32(g.entityCount), maxR = Int32(g.relationCount)
        for f in 0..<g.factCount where g.heads[f] >= maxE || g.tails[f] >= maxE || g.relations[f] >= maxR { outside += 1 }
        tokens_outside_vocab = outside

        var failures: [String] = []
        if underivable > 0 { failures.append("\(underivable) inferred items have no witness in the right split") }
        if test_train_overlap > 0 { failures.append("\(test_train_overlap) test inputs are also training inputs") }
        if inputs_with_two_targets > 0 && ds.options.ambiguity == .drop { failures.append("\(inputs_with_two_targets) inputs have two targets") }
        if tokens_outside_vocab > 0 { failures.append("\(tokens_outside_vocab) tokens are not in vocab.json") }
        let expectedTrain = min(ds.requestedTrainInferred, ds.options.maxItems ?? Int.max)
        if train_inferred != expectedTrain { failures.append("realised \(train_inferred) training compositions, expected \(expectedTrain)") }
        if let chi = chi_square, chi.p_value < 1e-4 { failures.append("relation pairs in training differ from the pool (chi-square p = \(chi.p_value))") }
        self.failures = failures
        passed = failures.isEmpty
    }

    /// Test-train overlap and inputs with two targets from the training inputs sorted with their
    /// targets: every extra target of an input counts.
    private static func countBySorting(
        _ ds: CompositionDataset, _ hash: (Int32) -> UInt64, _ hashItem: (ArraySlice<Int32>) -> UInt64
    ) -> (overlap: Int, conflicts: Int) {
        let g = ds.graph
        var trainKeys: [SIMD2<UInt64>] = []
        trainKeys.reserveCapacity(ds.idAtomic.count + ds.oodAtomic.count + ds.trainInferred.count)
        for f in ds.idAtomic { trainKeys.append(SIMD2(hash(f), UInt64(g.tails[Int(f)]))) }
        for f in ds.oodAtomic { trainKeys.append(SIMD2(hash(f), UInt64(g.tails[Int(f)]))) }
        for i in 0..<ds.trainInferred.count {
            let e = ds.trainInferred[i]
            trainKeys.append(SIMD2(hashItem(e), UInt64(g.tails[Int(e.last!)])))
        }
        trainKeys.sort { $0.x != $1.x ? $0.x < $1.x : $0.y < $1.y }
        func targets(_ key: UInt64) -> ArraySlice<SIMD2<UInt64>> {
            var lo = 0, hi = trainKeys.count
            while lo < hi { let m = (lo + hi) / 2; if trainKeys[m].x < key { lo = m + 1 } else { hi = m } }
            var end = lo
            while end < trainKeys.count && trainKeys[end].x == key { end += 1 }
            return trainKeys[lo..<end]
        }
        var overlap = 0
        for items in [ds.probeTestIID, ds.probeTestOOD] {
            for i in 0..<items.count where !targets(hashItem(items[i])).isEmpty { overlap += 1 }
        }
        var conflicts = 0
        for i in 1..<max(1, trainKeys.count) where trainKeys[i].x == trainKeys[i - 1].x && trainKeys[i].y != trainKeys[i - 1].y {
            conflicts += 1
        }
        func checkOutside(_ key: UInt64, _ t: Int32) { if targets(key).contains(where: { $0.y != UInt64(t) }) { conflicts += 1 } }
        for f in ds.probeIDAtomic + ds.probeOODAtomic { checkOutside(hash(f), g.tails[Int(f)]) }
        for items in [ds.probeTrainInferred, ds.probeTestIID, ds.probeTestOOD] {
            for i in 0..<items.count { checkOutside(hashItem(items[i]), g.tails[Int(items[i].last!)]) }
        }
        return (overlap, conflicts)
    }

    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// P(X ≥ x) for chi-square with `df` degrees of freedom (Wilson–Hilferty; good for df ≥ 3).
func chiSquareUpperTail(_ x: Double, df: Int) -> Double {
    let k = Double(df)
    let z = (pow(x / k, 1.0 / 3) - (1 - 2 / (9 * k))) / (2 / (9 * k)).squareRoot()
    return 0.5 * erfc(z / 2.0.squareRoot())
}

/// The witness search of the derivability check, over the graph's arrays without copies.
struct WitnessSearch {
    let offsets: UnsafeBufferPointer<Int>
    let relations: UnsafeBufferPointer<Int32>
    let heads: UnsafeBufferPointer<Int32>
    let tails: UnsafeBufferPointer<Int32>
    let ood: UnsafeBufferPointer<Bool>

    static func withSearch<T>(_ ds: CompositionDataset, _ body: (WitnessSearch) -> T) -> T {
        let g = ds.graph
        return g.offsets.withUnsafeBufferPointer { offsets in
            g.relations.withUnsafeBufferPointer { relations in
                g.heads.withUnsafeBufferPointer { heads in
                    g.tails.withUnsafeBufferPointer { tails in
                        ds.ood.withUnsafeBufferPointer { ood in
                            body(WitnessSearch(offsets: offsets, relations: relations, heads: heads, tails: tails, ood: ood))
                        }
                    }
                }
            }
        }
    }

    /// True when some walk from the item's head along its relations, every hop in the wanted split,
    /// ends at its tail.
    func derivable(_ edges: UnsafeBufferPointer<Int32>, wantOOD: Bool) -> Bool {
        let head = heads[Int(edges.first!)], tail = tails[Int(edges.last!)]
        var rels = SIMD4<Int32>(repeating: -1)
        for (d, e) in edges.enumerated() { rels[d] = relations[Int(e)] }
        return search(head, 0, last: edges.count - 1, rels, tail, wantOOD)
    }

    private func search(_ node: Int32, _ d: Int, last: Int, _ rels: SIMD4<Int32>, _ tail: Int32, _ wantOOD: Bool) -> Bool {
        // The facts (node, rels[d], ·): binary search in the node's range, ordered by relation.
        let r = rels[d]
        let start = offsets[Int(node)], end = offsets[Int(node) + 1]
        // Lower bound without branches on the data: the first fact with relation >= r lies in
        // base ... base + length.
        var base = start, length = end - start
        while length > 1 {
            let half = length / 2
            base = relations[base + half] < r ? base + half : base
            length -= half
        }
        var f = length == 1 && relations[base] < r ? base + 1 : base
        while f < end && relations[f] == r {
            if ood[f] == wantOOD {
                if d == last { if tails[f] == tail { return true } } else if search(tails[f], d + 1, last: last, rels, tail, wantOOD) { return true }
            }
            f += 1
        }
        return false
    }
}
