import Foundation
import QuiverCore
import Testing
@testable import QuiverAugment

@Suite struct AugmenterTests {
    @Test func raisesEveryRelationToTheTargetWithLabelledFacts() throws {
        guard let nations = try dataset("nations") else { return }
        let g = nations.functionalPart().graph
        var o = AugmentationOptions()
        o.targetPhiR = 25
        o.corruptRate = 0.1
        o.seed = 2
        let (augmented, report) = try Augmenter.augment(g, options: o)
        #expect(augmented.isFunctional)
        #expect(report.corrupted_facts > 0)
        #expect(report.bridges_added > 0)
        // Recount from scratch: every original relation now has phi_r (first hop) >= 25.
        let after = try PhiReport(graph: "aug", facts: augmented)
        for r in after.per_relation where g.relationNames.contains(r.relation) && r.atomic > 0 {
            #expect(r.phi_first_hop >= 25, "\(r.relation): \(r.phi_first_hop)")
        }
        let added = augmented.factCount - g.factCount
        #expect(added == report.synthetic_facts + report.corrupted_facts)
        #expect(augmented.provenance.filter { $0 == .corrupted }.count == report.corrupted_facts)
        #expect(augmented.provenance.filter { $0 == .synthetic }.count == report.synthetic_facts)
        // The augmented graph makes a dataset at a phi the original could not reach.
        var c = CompositionOptions()
        c.seed = 2
        c.phi = 11
        c.probeSize = 200
        #expect(throws: AugmentError.self) { try CompositionDataset.build(graph: g, options: c) }
        let ds = try CompositionDataset.build(graph: augmented, options: c)
        #expect(SelfChecks(dataset: ds).passed)
    }

    @Test func globalTargetStopsOnceReached() throws {
        let g = graph([("a", "p", "b"), ("b", "q", "c"), ("c", "r", "d"), ("d", "s", "e"), ("e", "p", "a")])
        var o = AugmentationOptions()
        o.targetPhi = 3
        let (_, report) = try Augmenter.augment(g, options: o)
        #expect(report.phi_after >= 3)
    }

    @Test func unknownRelationIsAClearError() throws {
        let g = graph([("a", "parent", "b")])
        var o = AugmentationOptions()
        o.targetPhiR = 2
        o.relations = ["parnet"]
        #expect(throws: AugmentError.unknownRelation("parnet", suggestions: ["parent"])) { try Augmenter.augment(g, options: o) }
        o.relations = nil
        o.targetPhiR = nil
        #expect(throws: AugmentError.badOption("give \(option: "target-phi-r") or \(option: "target-phi")")) { try Augmenter.augment(g, options: o) }
    }
}

@Suite struct ChainRuleTests {
    @Test func propertyChainAddsInferredFacts() throws {
        let g = graph([("ann", "parent", "bob"), ("bob", "parent", "cid"), ("bob", "parent", "dee"), ("cid", "parent", "eve")])
        var onto = Ontology()
        onto.chains = [Ontology.ChainAxiom(head: "http://ex.org/grandparent", body: ["http://ex.org/parent", "http://ex.org/parent"])]
        let result = ChainRules.apply(onto, to: g)
        #expect(result.added == 3)   // ann→cid, ann→dee, bob→eve
        let gp = try #require(result.graph.relationNames.firstIndex(of: "grandparent"))
        let ann = try #require(result.graph.entityNames.firstIndex(of: "ann"))
        let tails = result.graph.tails(of: Int32(ann), relation: Int32(gp)).map { result.graph.entityNames[Int($0)] }
        #expect(tails == ["cid", "dee"])
        #expect(result.graph.provenance.filter { $0 == .inferred }.count == 3)
    }
}

@Suite struct ComparisonTests {
    @Test func wangComparisonTask() throws {
        let table = try AttributeTable.synthetic(entities: 120, attributes: 4, values: 10, seed: 3)
        var o = ComparisonOptions()
        o.seed = 3
        o.phi = 5
        o.probeSize = 200
        let ds = try ComparisonDataset.build(table, options: o)
        #expect(ds.idAtomic.count == 4 * 108)
        #expect(ds.oodAtomic.count == 4 * 12)
        #expect(ds.oodPool == 4 * 12 * 11)
        #expect(ds.trainInferred.count == 5 * 432)
        let checks = ds.checks
        #expect(checks.passed, "\(checks.failures)")
        let dir = temporaryDirectory()
        try ds.write(to: dir, writeNames: false)
        let vocab = Set(try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/vocab.json"))) as? [String]))
        let items = try jsonArray(dir + "/train.json") + jsonArray(dir + "/test.json")
        for item in items { #expect(tokens(item["target_text"]!).allSatisfy(vocab.contains)) }
        let pair = try #require(items.first { $0["type"] == "train_inferred" })
        #expect(pair["input_text"]!.contains("<q>") && pair["input_text"]!.contains("<mask>"))
    }
}
