import QuiverCore

/// How far a graph is from grokking territory: atomic facts, the k-hop compositions they imply, and
/// the ratio phi between them, globally and per relation.
///
/// Definitions (also printed by `quiver phi`):
/// - an atomic fact is a stored triple (h, r, t) of the chosen split;
/// - a k-hop inferred fact is a distinct (h, r1, …, rk, t) such that some walk
///   (h, r1, b1), (b1, r2, b2), …, (b(k-1), rk, t) exists (walks with repeated nodes included);
/// - phi = inferred / atomic; phi_r by first hop = inferred facts with r1 = r over atomic facts of r;
///   phi_r by last hop likewise with rk = r.
///
/// Wang et al.'s phi, which `quiver augment --phi` sets, has the ID atomic facts as denominator and
/// only all-ID candidates as numerator: `phiMaximumExpected` estimates the largest value it can take.
public struct PhiReport: Sendable, Codable, Equatable {
    public struct RelationPhi: Sendable, Codable, Equatable {
        public var relation: String
        public var atomic: Int
        public var inferred_first_hop: Int
        public var inferred_last_hop: Int
        public var phi_first_hop: Double
        public var phi_last_hop: Double
    }
    public struct DegreeBucket: Sendable, Codable, Equatable {
        public var min: Int
        public var max: Int
        public var bridges: Int
    }

    public var graph: String
    public var hops: Int
    public var atomic: Int
    public var entities: Int
    public var relations: Int
    /// Walks of `hops` facts.
    public var walks: Int
    /// Distinct (h, r1 … rk, t).
    public var inferred: Int
    public var phi: Double
    public var per_relation: [RelationPhi]
    /// (h, r) pairs with more than one tail, and the facts they hold.
    public var ambiguous_pairs: Int
    public var ambiguous_facts: Int
    /// Inputs (h, r1 … rk) with more than one tail.
    public var ambiguous_inputs: Int
    /// Compositions and phi of the unambiguous part (what `quiver augment` uses by default).
    public var unambiguous_atomic: Int
    public var unambiguous_inferred: Int
    /// Expected largest Wang phi without augmentation: candidates (1-o)^k (1-p) over ID atomic (1-o).
    public var phi_maximum_expected: Double
    public var ood_ratio: Double
    public var iid_test_probability: Double
    /// Out-degree of bridges (entities that are the tail of some fact), in power-of-two buckets.
    public var bridge_out_degree: [DegreeBucket]
    public var bridge_out_degree_mean: Double
    public var definitions: [String]

    /// The analysis stopped because `shouldStop` said so (a deadline, or the client went away).
    public struct Stopped: PresentableError, Sendable {
        public var category: ErrorCategory { .cancelled }
        public var message: ErrorMessage {
            "phi stopped before it finished: its deadline passed or it was cancelled; give a larger \(option: "timeout") or fewer \(option: "hops")"
        }
    }

    /// `shouldStop` is asked as the heads are walked; when it says yes, `Stopped` is thrown.
    public init(graph name: String, facts g: FactGraph, hops: Int = 2, oodRatio: Double = 0.05, iidTestProbability: Double = 0.005,
                shouldStop: (@Sendable () -> Bool)? = nil) throws {
        guard (2...4).contains(hops) else { throw AugmentError.badOption("\(option: "hops") must be 2, 3 or 4 (got \(hops))") }
        graph = name
        self.hops = hops
        atomic = g.factCount
        entities = g.entityCount
        relations = g.relationCount
        ood_ratio = oodRatio
        iid_test_probability = iidTestProbability
        let R = g.relationCount
        struct Part { var walks = 0, inferred = 0, ambiguous = 0; var first: [Int]; var last: [Int] }
        func count(_ g: FactGraph) -> Part {
            let parts = chunks(g.entityCount, parts: 32)
            let noOOD = [Bool](repeating: false, count: g.factCount)
            let results: [Part] = parallelMap(parts.count) { c in
                var walker = CompositionWalker(graph: g, hops: hops, ood: noOOD)
                var p = Part(first: [Int](repeating: 0, count: R), last: [Int](repeating: 0, count: R))
                for h in parts[c] {
                    // Every head: one head of a dense graph may have millions of walks.
                    if let shouldStop, shouldStop() { break }
                    var previous = SIMD4<Int32>(repeating: -2), previousAmbiguous = false
                    walker.forEach(head: Int32(h), stop: shouldStop) { e, _ in
                        p.inferred += 1
                        p.first[Int(g.relations[Int(e[0])])] += 1
                        p.last[Int(g.relations[Int(e[hops - 1])])] += 1
                        var key = SIMD4<Int32>(repeating: -1)
                        for d in 0..<hops { key[d] = g.relations[Int(e[d])] }
                        if key == previous { if !previousAmbiguous { p.ambiguous += 1; previousAmbiguous = true } } else { previousAmbiguous = false }
                        previous = key
                    }
                }
                return p
            }
            var total = Part(first: [Int](repeating: 0, count: R), last: [Int](repeating: 0, count: R))
            total.walks = walkCount(g, heads: 0..<g.entityCount, hops: hops)
            for p in results {
                total.walks += p.walks; total.inferred += p.inferred; total.ambiguous += p.ambiguous
                for r in 0..<R { total.first[r] += p.first[r]; total.last[r] += p.last[r] }
            }
            return total
        }
        let all = count(g)
        if let shouldStop, shouldStop() { throw Stopped() }
        walks = all.walks
        inferred = all.inferred
        ambiguous_inputs = all.ambiguous
        phi = atomic == 0 ? 0 : Double(inferred) / Double(atomic)
        let perRelation = g.relationCounts
        per_relation = (0..<R).map { r in
            RelationPhi(relation: g.relationNames[r], atomic: perRelation[r], inferred_first_hop: all.first[r], inferred_last_hop: all.last[r],
                        phi_first_hop: perRelation[r] == 0 ? 0 : Double(all.first[r]) / Double(perRelation[r]),
                        phi_last_hop: perRelation[r] == 0 ? 0 : Double(all.last[r]) / Double(perRelation[r]))
        }.sorted { ($0.atomic, $0.relation) < ($1.atomic, $1.relation) }

        var pairs = 0, facts = 0, i = 0
        while i < g.factCount {
            var j = i + 1
            while j < g.factCount && g.heads[j] == g.heads[i] && g.relations[j] == g.relations[i] { j += 1 }
            if j - i > 1 { pairs += 1; facts += j - i }
            i = j
        }
        ambiguous_pairs = pairs
        ambiguous_facts = facts
        let functional = g.isFunctional ? g : g.functionalPart().graph
        let unambiguous = g.isFunctional ? all : count(functional)
        if let shouldStop, shouldStop() { throw Stopped() }
        unambiguous_atomic = functional.factCount
        unambiguous_inferred = unambiguous.inferred
        let keep = 1 - oodRatio
        phi_maximum_expected = unambiguous_atomic == 0 ? 0
            : Double(unambiguous_inferred) * pow(keep, Double(hops)) * (1 - iidTestProbability) / (Double(unambiguous_atomic) * keep)

        var isBridge = [Bool](repeating: false, count: g.entityCount)
        for t in g.tails { isBridge[Int(t)] = true }
        var buckets: [Int: Int] = [:]
        var sum = 0, bridges = 0
        for v in 0..<g.entityCount where isBridge[v] {
            let d = g.factRange(of: Int32(v)).count
            sum += d; bridges += 1
            buckets[d == 0 ? -1 : Int.bitWidth - d.leadingZeroBitCount - 1, default: 0] += 1
        }
        bridge_out_degree = buckets.keys.sorted().map { b in
            b < 0 ? DegreeBucket(min: 0, max: 0, bridges: buckets[b]!) : DegreeBucket(min: 1 << b, max: (1 << (b + 1)) - 1, bridges: buckets[b]!)
        }
        bridge_out_degree_mean = bridges == 0 ? 0 : Double(sum) / Double(bridges)
        definitions = Self.definitions
    }

    public static let definitions = [
        "atomic fact: a stored triple (h, r, t) of the chosen split",
        "k-hop inferred fact: a distinct (h, r1, ..., rk, t) with a walk (h, r1, b1), ..., (b(k-1), rk, t) of atomic facts",
        "phi = inferred / atomic",
        "phi_r (first hop) = inferred facts with r1 = r / atomic facts of r",
        "phi_r (last hop) = inferred facts with rk = r / atomic facts of r",
        "ambiguous: (h, r) with more than one tail makes every (h, r, r2, ...) ambiguous; quiver augment drops such facts by default",
        "Wang et al.'s phi (quiver augment --phi) = sampled all-ID training compositions / ID atomic facts",
    ]
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
