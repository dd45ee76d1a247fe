import Foundation
import QuiverCore
import Testing
@testable import QuiverAugment

@Suite struct PhiReportTests {
    // a -p-> b -q-> c -r-> a, d -p-> b: four 2-hop compositions, one per fact.
    let small = graph([("a", "p", "b"), ("b", "q", "c"), ("c", "r", "a"), ("d", "p", "b")])

    @Test func exactCountsOnAHandBuiltGraph() throws {
        let report = try PhiReport(graph: "small", facts: small)
        #expect(report.atomic == 4)
        #expect(report.walks == 4)
        #expect(report.inferred == 4)
        #expect(report.phi == 1)
        let p = try #require(report.per_relation.first { $0.relation == "p" })
        #expect(p.atomic == 2)
        #expect(p.inferred_first_hop == 2)   // (a p q c), (d p q c)
        #expect(p.inferred_last_hop == 1)    // (c r p b)
        #expect(report.ambiguous_pairs == 0)
        #expect(report.bridge_out_degree_mean == 1)
    }

    @Test func threeHops() throws {
        let report = try PhiReport(graph: "small", facts: small, hops: 3)
        // a p q r a, d p q r a, b q r p b, c r p q c
        #expect(report.inferred == 4)
    }

    @Test func ambiguityIsCounted() throws {
        let g = graph([("a", "p", "b"), ("a", "p", "c"), ("b", "q", "d"), ("c", "q", "e")])
        let report = try PhiReport(graph: "amb", facts: g)
        #expect(report.ambiguous_pairs == 1)
        #expect(report.ambiguous_facts == 2)
        #expect(report.inferred == 2)          // (a p q d), (a p q e)
        #expect(report.ambiguous_inputs == 1)  // (a p q)
        #expect(report.unambiguous_atomic == 2)
        #expect(report.unambiguous_inferred == 0)
    }

    @Test func walksWithTheSameEndsAreOneInferredFact() throws {
        let g = graph([("a", "p", "b"), ("a", "p", "c"), ("b", "q", "d"), ("c", "q", "d")])
        let report = try PhiReport(graph: "dup", facts: g)
        #expect(report.walks == 2)
        #expect(report.inferred == 1)
    }

    @Test func badHopsIsAClearError() {
        #expect(throws: AugmentError.badOption("\(option: "hops") must be 2, 3 or 4 (got 5)")) { try PhiReport(graph: "s", facts: small, hops: 5) }
    }
}

@Suite struct SyntheticCompositionTests {
    func options(seed: UInt64, phi: Double = 7.2) -> CompositionOptions {
        var o = CompositionOptions()
        o.seed = seed
        o.phi = phi
        return o
    }

    @Test func wangSetupCountsAndSelfChecks() throws {
        var rng = SeededRandom.stream(seed: 5, step: 0)
        let g = try SyntheticGraph.composition(entities: 2000, relations: 200, outDegree: 20, rng: &rng)
        #expect(g.factCount == 40_000)
        let ds = try CompositionDataset.build(graph: g, options: options(seed: 5))
        #expect(ds.pool.walks == 800_000)
        #expect(ds.oodAtomic.count == 2000)
        #expect(ds.idAtomic.count == 38_000)
        #expect(ds.trainInferred.count == 273_600)   // round(7.2 × 38,000)
        // Pools within 5 sigma of their expectations: all-OOD walks p = 0.05², candidates (0.95²)(0.995).
        let expectOOD = 800_000 * 0.05 * 0.05, expectIID = 800_000 * 0.95 * 0.95 * 0.005
        #expect(abs(Double(ds.pool.testOOD) - expectOOD) < 5 * expectOOD.squareRoot() + 100)
        #expect(abs(Double(ds.pool.testIID) - expectIID) < 5 * expectIID.squareRoot() + 100)
        let checks = SelfChecks(dataset: ds)
        #expect(checks.passed, "\(checks.failures)")
        #expect(checks.underivable == 0)
        #expect(checks.test_train_overlap == 0)
        #expect(checks.inputs_with_two_targets == 0)
        #expect(checks.phi_realised == 7.2)
        #expect(checks.id_atomic_coverage > 0.99)
        #expect(checks.longest_sequence == 5)
        #expect((checks.chi_square?.p_value ?? 0) > 1e-4)
    }

    @Test func filesInWangFormatAndEveryTokenInVocab() throws {
        var rng = SeededRandom.stream(seed: 9, step: 0)
        let g = try SyntheticGraph.composition(entities: 200, relations: 20, outDegree: 5, rng: &rng)
        var o = options(seed: 9, phi: 3)
        o.probeSize = 50
        let ds = try CompositionDataset.build(graph: g, options: o)
        let dir = temporaryDirectory()
        try DatasetWriter(dataset: ds, writeNames: false, writeJSONL: true).write(to: dir)
        let vocab = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/vocab.json"))) as? [String])
        #expect(vocab.count == 200 + 20 + 6)
        let known = Set(vocab)
        let train = try jsonArray(dir + "/train.json"), valid = try jsonArray(dir + "/valid.json"), test = try jsonArray(dir + "/test.json")
        #expect(train.count == ds.idAtomic.count + ds.oodAtomic.count + ds.trainInferred.count)
        for item in train + valid + test {
            let input = try #require(item["input_text"]), target = try #require(item["target_text"])
            #expect(target.hasPrefix(input) && target.hasSuffix("</a>"))
            #expect(tokens(target).allSatisfy(known.contains))
        }
        let types = Set(test.compactMap { $0["type"] })
        #expect(types == ["id_atomic", "ood_atomic", "train_inferred", "test_inferred_iid", "test_inferred_ood"])
        #expect(train.allSatisfy { $0["type"] == nil })
        // Test inferred inputs never appear in training; no input has two targets.
        let trainInputs = Set(train.map { $0["input_text"]! })
        #expect(test.filter { $0["type"]!.hasPrefix("test_inferred") }.allSatisfy { !trainInputs.contains($0["input_text"]!) })
        var targetOf: [String: String] = [:]
        for item in train + valid + test {
            if let t = targetOf[item["input_text"]!] { #expect(t == item["target_text"]!) } else { targetOf[item["input_text"]!] = item["target_text"]! }
        }
        let lines = try String(contentsOfFile: dir + "/train.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == train.count)
    }

    @Test func seedMakesFilesByteForByteRepeatable() throws {
        func run(_ seed: UInt64) throws -> [Data] {
            var rng = SeededRandom.stream(seed: seed, step: 0)
            let g = try SyntheticGraph.composition(entities: 300, relations: 30, outDegree: 6, rng: &rng)
            var o = options(seed: seed, phi: 2)
            o.probeSize = 100
            let dir = temporaryDirectory()
            try DatasetWriter(dataset: try CompositionDataset.build(graph: g, options: o), writeJSONL: true).write(to: dir)
            return try ["train.json", "valid.json", "test.json", "vocab.json", "names.json", "train.jsonl"].map {
                try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0))
            }
        }
        let a = try run(11), b = try run(11), c = try run(12)
        #expect(a == b)
        #expect(a[0] != c[0])
    }

    @Test func unreachablePhiIsAClearError() throws {
        var rng = SeededRandom.stream(seed: 1, step: 0)
        let g = try SyntheticGraph.composition(entities: 100, relations: 10, outDegree: 2, rng: &rng)
        #expect {
            try CompositionDataset.build(graph: g, options: options(seed: 1, phi: 50))
        } throws: { error in
            guard case .phiUnreachable(let requested, let maximum, _)? = error as? AugmentError else { return false }
            return requested == 50 && maximum < 2.5 && "\(error)".contains("unreachable")
        }
    }

    @Test func threeHopDatasetIsDerivable() throws {
        var rng = SeededRandom.stream(seed: 4, step: 0)
        let g = try SyntheticGraph.composition(entities: 150, relations: 15, outDegree: 4, rng: &rng)
        var o = options(seed: 4, phi: 5)
        o.hops = 3
        o.probeSize = 100
        let ds = try CompositionDataset.build(graph: g, options: o)
        #expect(ds.pool.walks == 150 * 4 * 4 * 4)
        let checks = SelfChecks(dataset: ds)
        #expect(checks.passed, "\(checks.failures)")
        #expect(checks.longest_sequence == 6)
    }

    @Test func maxItemsCapsTraining() throws {
        var rng = SeededRandom.stream(seed: 2, step: 0)
        let g = try SyntheticGraph.composition(entities: 200, relations: 20, outDegree: 5, rng: &rng)
        var o = options(seed: 2, phi: 3)
        o.maxItems = 100
        let ds = try CompositionDataset.build(graph: g, options: o)
        #expect(ds.trainInferred.count == 100)
        #expect(SelfChecks(dataset: ds).passed)
    }
}

@Suite struct RealGraphTests {
    @Test(arguments: ["nations", "kinships"])
    func selfChecksOnBenchmarkGraphs(name: String) throws {
        guard let g = try dataset(name) else { return }
        let report = try PhiReport(graph: name, facts: g)
        #expect(report.atomic == g.factCount)
        var o = CompositionOptions()
        o.seed = 3
        o.ambiguity = .keep
        o.phi = 0
        o.probeSize = 200
        let probe = try CompositionDataset.build(graph: g, options: o)
        o.phi = (probe.phiMaximum * 0.5 * 100).rounded(.down) / 100
        let ds = try CompositionDataset.build(graph: g, options: o)
        let checks = SelfChecks(dataset: ds)
        #expect(checks.underivable == 0)
        #expect(checks.test_train_overlap == 0)
        #expect(checks.phi_realised == Double(ds.trainInferred.count) / Double(ds.idAtomic.count))
        #expect(checks.passed, "\(checks.failures)")
        // Names map tokens back: names.json lists every entity and relation.
        let dir = temporaryDirectory()
        try DatasetWriter(dataset: ds, writeNames: true, writeJSONL: true).write(to: dir)
        let names = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/names.json"))) as? [String: String])
        #expect(names.count == g.entityCount + g.relationCount)
        if name == "nations" { #expect(names.values.contains("usa")) }
    }

    @Test func dropPolicyKeepsOnlyFunctionalFacts() throws {
        guard let g = try dataset("nations") else { return }
        var o = CompositionOptions()
        o.seed = 1
        o.phi = 0.1
        o.probeSize = 100
        let ds = try CompositionDataset.build(graph: g, options: o)
        #expect(ds.graph.isFunctional)
        #expect(ds.ambiguousFactsDropped + ds.graph.factCount == g.factCount)
        let checks = SelfChecks(dataset: ds)
        #expect(checks.inputs_with_two_targets == 0)
        #expect(checks.passed, "\(checks.failures)")
    }
}
