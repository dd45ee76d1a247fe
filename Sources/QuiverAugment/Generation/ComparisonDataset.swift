import Foundation
import QuiverCore
import QuiverGraph

/// Entities with ordinal attribute values: `values[a][e]` is entity `e`'s rank for attribute `a`,
/// or -1 when it has none.
public struct AttributeTable: Sendable {
    public var entityNames: [String]
    public var attributeNames: [String]
    /// Per attribute, the value of each rank (for names.json).
    public var valueNames: [[String]]
    public var values: [[Int32]]

    public init(entityNames: [String], attributeNames: [String], valueNames: [[String]], values: [[Int32]]) {
        self.entityNames = entityNames
        self.attributeNames = attributeNames
        self.valueNames = valueNames
        self.values = values
    }

    /// Wang et al.'s table: every entity gets a uniform value in 0..<values for every attribute.
    public static func synthetic(entities: Int, attributes: Int, values: Int, seed: UInt64) throws -> AttributeTable {
        guard entities >= 2, attributes >= 1, values >= 1 else { throw AugmentError.badOption("comparison needs \(option: "entities") ≥ 2, \(option: "attributes") ≥ 1, \(option: "values") ≥ 1") }
        var rng = SeededRandom.stream(seed: seed, step: 20)
        let table = (0..<attributes).map { _ in (0..<entities).map { _ in Int32(rng.below(values)) } }
        return AttributeTable(entityNames: (0..<entities).map { "<e_\($0)>" }, attributeNames: (0..<attributes).map { "<attr_\($0)>" },
                              valueNames: Array(repeating: (0..<values).map { "<\($0)>" }, count: attributes), values: table)
    }

    /// Attributes of a stored graph: relations whose tails are all numbers (numeric literals or
    /// names); values are ranked per attribute (equal numbers share a rank).
    public init(snapshot s: CSRSnapshot) throws {
        var perRelation: [Int32: [(Int32, Double)]] = [:]
        var nonNumeric = Set<Int32>()
        for u in 0..<Int32(s.nodeCount) {
            for e in s.outEdges(of: u) {
                let r = s.outRelations[e]
                if nonNumeric.contains(r) { continue }
                if let v = Double(s.nodeTerms[Int(s.outTargets[e])].value) { perRelation[r, default: []].append((u, v)) } else { nonNumeric.insert(r) }
            }
        }
        let attrs = perRelation.keys.filter { !nonNumeric.contains($0) }.sorted()
        guard !attrs.isEmpty else { throw AugmentError.badOption("graph '\(s.graph)' has no relation whose tails are all numbers; the comparison task needs ordinal attributes") }
        entityNames = s.nodeNames
        attributeNames = attrs.map { s.relationName($0) }
        var names: [[String]] = [], table: [[Int32]] = []
        for r in attrs {
            let distinct = Array(Set(perRelation[r]!.map(\.1))).sorted()
            var column = [Int32](repeating: -1, count: s.nodeCount)
            for (u, v) in perRelation[r]! {
                var lo = 0, hi = distinct.count
                while lo < hi { let m = (lo + hi) / 2; if distinct[m] < v { lo = m + 1 } else { hi = m } }
                column[Int(u)] = Int32(lo)
            }
            names.append(distinct.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String($0) })
            table.append(column)
        }
        valueNames = names
        values = table
    }
}

public struct ComparisonOptions: Sendable {
    public var phi = 7.2
    /// Share of entities per attribute that are ID (Wang: 0.9).
    public var idEntityRatio = 0.9
    public var iidTestProbability = 0.1
    public var probeSize = 3000
    public var seed: UInt64 = 0
    public var maxItems: Int?
    public init() {}

    /// Refuses options no dataset can be built with; `build` calls it first.
    public func validate() throws(AugmentError) {
        guard idEntityRatio > 0 && idEntityRatio <= 1 else { throw AugmentError.badOption("\(option: "ood-ratio") must be in [0, 1)") }
        guard phi >= 0 && phi <= maximumPhi else { throw AugmentError.badOption("\(option: "phi") must be a number in [0, \(Int(maximumPhi))] (got \(phi))") }
        guard iidTestProbability >= 0 && iidTestProbability <= 1 else {
            throw AugmentError.badOption("\(option: "iid-test-prob") must be in [0, 1] (got \(iidTestProbability))")
        }
        guard probeSize >= 0 else { throw AugmentError.badOption("\(option: "probe-size") must be at least 0") }
        if let m = maxItems, m < 0 { throw AugmentError.badOption("\(option: "max-items") must be at least 0") }
    }
}

/// The largest phi either task takes: far above what any graph reaches (phi counts compositions
/// per ID atomic fact), and small enough that `phi × facts` is an exact integer.
public let maximumPhi = 1_000_000.0

/// Wang et al.'s comparison task: `<attr_k><q><e_i><mask><e_j>` → `<attr_k_0|1|2>` (less, equal,
/// greater), both orders of every pair; pairs of two OOD entities are OOD tests, of two ID
/// entities ID tests (by chance) or training candidates, mixed pairs are dropped.
public struct ComparisonDataset: Sendable {
    /// (attribute, first, second); label from the values.
    public struct Pair: Sendable, Equatable { public var attribute: Int32; public var first: Int32; public var second: Int32 }
    public let table: AttributeTable
    public let options: ComparisonOptions
    public let idAtomic: [SIMD2<Int32>]      // (attribute, entity)
    public let oodAtomic: [SIMD2<Int32>]
    public let trainInferred: [Pair]
    public let probeIDAtomic: [SIMD2<Int32>], probeOODAtomic: [SIMD2<Int32>]
    public let probeTrain: [Pair], probeIID: [Pair], probeOOD: [Pair]
    public let candidates: Int, iidPool: Int, oodPool: Int
    public let requested: Int

    public func label(_ p: Pair) -> Int {
        let a = table.values[Int(p.attribute)][Int(p.first)], b = table.values[Int(p.attribute)][Int(p.second)]
        return a < b ? 0 : (a == b ? 1 : 2)
    }

    public static func build(_ table: AttributeTable, options: ComparisonOptions) throws -> ComparisonDataset {
        try options.validate()
        var splitRNG = SeededRandom.stream(seed: options.seed, step: 21)
        var idSets: [[Int32]] = [], oodSets: [[Int32]] = []
        var idAtomic: [SIMD2<Int32>] = [], oodAtomic: [SIMD2<Int32>] = []
        for a in 0..<table.attributeNames.count {
            let have = (0..<Int32(table.entityNames.count)).filter { table.values[a][Int($0)] >= 0 }
            var isID = [Bool](repeating: false, count: have.count)
            for i in splitRNG.sortedSample(pythonRound(options.idEntityRatio * Double(have.count)), of: have.count) { isID[i] = true }
            idSets.append(have.indices.filter { isID[$0] }.map { have[$0] })
            oodSets.append(have.indices.filter { !isID[$0] }.map { have[$0] })
            idAtomic += idSets[a].map { SIMD2(Int32(a), $0) }
            oodAtomic += oodSets[a].map { SIMD2(Int32(a), $0) }
        }
        let coinSeed = mix64(options.seed ^ 0xC0FF_EE00_C0FF_EE02)
        func isIID(_ a: Int, _ x: Int32, _ y: Int32) -> Bool { coin(coinSeed, SIMD4(Int32(a), x, y, 0), 7) < options.iidTestProbability }
        // Pass 1: counts per attribute.
        let A = table.attributeNames.count
        let counts: [(cand: Int, iid: Int)] = parallelMap(A) { a in
            let ids = idSets[a]
            var iid = 0
            for i in 0..<ids.count { for j in (i + 1)..<max(i + 1, ids.count) where isIID(a, ids[i], ids[j]) { iid += 1 } }
            let pairs = ids.count * (ids.count - 1) / 2
            return (2 * (pairs - iid), 2 * iid)
        }
        let candidates = counts.reduce(0) { $0 + $1.cand }, iidPool = counts.reduce(0) { $0 + $1.iid }
        let oodPool = oodSets.reduce(0) { $0 + $1.count * ($1.count - 1) }
        let requested = pythonRound(options.phi * Double(idAtomic.count))
        guard requested <= candidates else {
            throw AugmentError.phiUnreachable(requested: options.phi, maximum: idAtomic.isEmpty ? 0 : Double(candidates) / Double(idAtomic.count),
                                              detail: "\(candidates) training pairs for \(idAtomic.count) ID atomic facts")
        }
        let cap = options.maxItems ?? Int.max
        var sampleRNG = SeededRandom.stream(seed: options.seed, step: 22)
        let chosenTrain = sampleRNG.sortedSample(min(requested, cap), of: candidates)
        let chosenIID = sampleRNG.sortedSample(min(options.probeSize, cap), of: iidPool)
        let chosenOOD = sampleRNG.sortedSample(min(options.probeSize, cap), of: oodPool)
        // Pass 2: emit the chosen ordinals, attribute by attribute.
        var candStart = [0], iidStart = [0], oodStart = [0]
        for a in 0..<A {
            candStart.append(candStart[a] + counts[a].cand); iidStart.append(iidStart[a] + counts[a].iid)
            oodStart.append(oodStart[a] + oodSets[a].count * (oodSets[a].count - 1))
        }
        let emitted: [([Pair], [Pair], [Pair])] = parallelMap(A) { a in
            var train: [Pair] = [], iid: [Pair] = [], ood: [Pair] = []
            var ct = lowerBound(chosenTrain, candStart[a]), ci = lowerBound(chosenIID, iidStart[a])
            var co = lowerBound(chosenOOD, oodStart[a])
            var nt = candStart[a], ni = iidStart[a], no = oodStart[a]
            func take(_ chosen: [Int], _ cursor: inout Int, _ ordinal: inout Int, _ out: inout [Pair], _ p: Pair) {
                if cursor < chosen.count && chosen[cursor] == ordinal { out.append(p); cursor += 1 }
                ordinal += 1
            }
            let ids = idSets[a], at = Int32(a)
            for i in 0..<ids.count {
                for j in (i + 1)..<max(i + 1, ids.count) {
                    let pairs = [Pair(attribute: at, first: ids[i], second: ids[j]), Pair(attribute: at, first: ids[j], second: ids[i])]
                    if isIID(a, ids[i], ids[j]) {
                        for p in pairs { take(chosenIID, &ci, &ni, &iid, p) }
                    } else {
                        for p in pairs { take(chosenTrain, &ct, &nt, &train, p) }
                    }
                }
            }
            let oods = oodSets[a]
            for i in 0..<oods.count {
                for j in (i + 1)..<max(i + 1, oods.count) {
                    take(chosenOOD, &co, &no, &ood, Pair(attribute: at, first: oods[i], second: oods[j]))
                    take(chosenOOD, &co, &no, &ood, Pair(attribute: at, first: oods[j], second: oods[i]))
                }
            }
            return (train, iid, ood)
        }
        var train = emitted.flatMap(\.0)
        var probeRNG = SeededRandom.stream(seed: options.seed, step: 23)
        sampleRNG.shuffle(&train)
        var iid = emitted.flatMap(\.1), ood = emitted.flatMap(\.2)
        probeRNG.shuffle(&iid); probeRNG.shuffle(&ood)
        return ComparisonDataset(
            table: table, options: options, idAtomic: idAtomic, oodAtomic: oodAtomic, trainInferred: train,
            probeIDAtomic: probeRNG.choose(idAtomic, options.probeSize), probeOODAtomic: probeRNG.choose(oodAtomic, options.probeSize),
            probeTrain: probeRNG.choose(train, options.probeSize), probeIID: iid, probeOOD: ood,
            candidates: candidates, iidPool: iidPool, oodPool: oodPool, requested: requested)
    }

    static let special = ["<mask>", "<sep>", "<a>", "</a>", "<q>", "</q>"]
    var valueCount: Int { table.valueNames.map(\.count).max() ?? 0 }

    public var vocabulary: [String] {
        var v = (0..<table.entityNames.count).map { "<e_\($0)>" } + (0..<table.attributeNames.count).map { "<attr_\($0)>" }
        v += (0..<valueCount).map { "<\($0)>" } + Self.special
        for a in 0..<table.attributeNames.count { v += (0..<3).map { "<attr_\(a)_\($0)>" } }
        return v
    }

    func atomicItem(_ x: SIMD2<Int32>, _ type: String, into out: inout [UInt8]) {
        let input = "<e_\(x[1])><attr_\(x[0])>"
        out.put("{\"input_text\": "); out.put(jsonString: input)
        out.put(", \"target_text\": "); out.put(jsonString: input + "<\(table.values[Int(x[0])][Int(x[1])])></a>")
        out.put(", \"type\": "); out.put(jsonString: type); out.put("}")
    }

    func pairItem(_ p: Pair, _ type: String, into out: inout [UInt8]) {
        let input = "<attr_\(p.attribute)><q><e_\(p.first)><mask><e_\(p.second)>"
        out.put("{\"input_text\": "); out.put(jsonString: input)
        out.put(", \"target_text\": "); out.put(jsonString: input + "<attr_\(p.attribute)_\(label(p))></a>")
        out.put(", \"type\": "); out.put(jsonString: type); out.put("}")
    }

    /// Writes train/valid/test/vocab.json (and names.json) in Wang et al.'s comparison layout.
    public func write(to directory: String, writeNames: Bool) throws {
        try write(into: OutputDirectory(creating: directory), writeNames: writeNames)
    }

    /// `write(to:writeNames:)` into a directory already created.
    public func write(into directory: OutputDirectory, writeNames: Bool) throws {
        func file(_ name: String, _ body: (inout [UInt8], inout Bool) -> Void) throws {
            var out: [UInt8] = [0x5B]
            var first = true
            body(&out, &first)
            out.append(0x5D)
            try directory.write(name, out)
        }
        func sep(_ out: inout [UInt8], _ first: inout Bool) { if !first { out.put(", ") }; first = false }
        try file("train.json") { out, first in
            for x in idAtomic { sep(&out, &first); atomicItem(x, "id_atomic", into: &out) }
            for x in oodAtomic { sep(&out, &first); atomicItem(x, "ood_atomic", into: &out) }
            for p in trainInferred { sep(&out, &first); pairItem(p, "train_inferred", into: &out) }
        }
        try file("valid.json") { out, first in for p in probeOOD { sep(&out, &first); pairItem(p, "test_inferred_ood", into: &out) } }
        try file("test.json") { out, first in
            for p in probeOOD { sep(&out, &first); pairItem(p, "test_inferred_ood", into: &out) }
            for x in probeIDAtomic { sep(&out, &first); atomicItem(x, "id_atomic", into: &out) }
            for x in probeOODAtomic { sep(&out, &first); atomicItem(x, "ood_atomic", into: &out) }
            for p in probeIID { sep(&out, &first); pairItem(p, "test_inferred_iid", into: &out) }
            for p in probeTrain { sep(&out, &first); pairItem(p, "train_inferred", into: &out) }
        }
        try file("vocab.json") { out, first in for t in vocabulary { sep(&out, &first); out.put(jsonString: t) } }
        if writeNames {
            var out: [UInt8] = [0x7B]
            var first = true
            func entry(_ k: String, _ v: String) { sep(&out, &first); out.put(jsonString: k); out.put(": "); out.put(jsonString: v) }
            for (i, n) in table.entityNames.enumerated() { entry("<e_\(i)>", n) }
            for (i, n) in table.attributeNames.enumerated() {
                entry("<attr_\(i)>", n)
                for (v, name) in table.valueNames[i].enumerated() { entry("<attr_\(i)>:<\(v)>", name) }
            }
            out.append(0x7D)
            try directory.write("names.json", out)
        }
    }

    public var checks: ComparisonChecks { ComparisonChecks(self) }
}

/// Self-checks of a comparison dataset (stats.json).
public struct ComparisonChecks: Sendable, Codable, Equatable {
    public var seed: UInt64
    public var id_atomic: Int, ood_atomic: Int, candidates: Int, test_inferred_iid_pool: Int, test_inferred_ood_pool: Int
    public var train_items: Int, valid_items: Int, test_items: Int
    public var phi_target: Double, phi_realised: Double
    /// Training comparisons labelled less / equal / greater.
    public var label_counts: [Int]
    /// |less - greater| / (less + greater): both orders of every pair make it 0 up to sampling.
    public var label_imbalance: Double
    public var test_train_overlap: Int
    public var inputs_with_two_targets: Int
    public var longest_sequence: Int
    public var passed: Bool
    public var failures: [String]

    init(_ ds: ComparisonDataset) {
        seed = ds.options.seed
        id_atomic = ds.idAtomic.count; ood_atomic = ds.oodAtomic.count
        candidates = ds.candidates; test_inferred_iid_pool = ds.iidPool; test_inferred_ood_pool = ds.oodPool
        train_items = ds.idAtomic.count + ds.oodAtomic.count + ds.trainInferred.count
        valid_items = ds.probeOOD.count
        test_items = ds.probeOOD.count + ds.probeIDAtomic.count + ds.probeOODAtomic.count + ds.probeIID.count + ds.probeTrain.count
        phi_target = ds.options.phi
        phi_realised = ds.idAtomic.isEmpty ? 0 : Double(ds.trainInferred.count) / Double(ds.idAtomic.count)
        var labels = [0, 0, 0]
        for p in ds.trainInferred { labels[ds.label(p)] += 1 }
        label_counts = labels
        label_imbalance = labels[0] + labels[2] == 0 ? 0 : Double(abs(labels[0] - labels[2])) / Double(labels[0] + labels[2])
        struct Key: Hashable { var a: Int32, x: Int32, y: Int32 }
        let train = Set(ds.trainInferred.map { Key(a: $0.attribute, x: $0.first, y: $0.second) })
        test_train_overlap = (ds.probeIID + ds.probeOOD).filter { train.contains(Key(a: $0.attribute, x: $0.first, y: $0.second)) }.count
        inputs_with_two_targets = 0   // a pair's label is a function of the table
        longest_sequence = ds.trainInferred.isEmpty && ds.probeOOD.isEmpty ? 4 : 7
        var failures: [String] = []
        if test_train_overlap > 0 { failures.append("\(test_train_overlap) test comparisons are in training") }
        if train_items - id_atomic - ood_atomic != min(ds.requested, ds.options.maxItems ?? Int.max) { failures.append("realised training count differs from phi") }
        let n = Double(labels[0] + labels[2])
        if n > 100 && label_imbalance > 6 / n.squareRoot() { failures.append("less/greater labels are unbalanced (\(labels))") }
        self.failures = failures
        passed = failures.isEmpty
    }

    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
