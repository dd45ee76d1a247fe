import Foundation
import QuiverCore
import Testing
@testable import QuiverAugment

/// The fast paths of writing and checking against plain reference versions.
@Suite struct FastPathTests {
    /// train/valid/test.json as plain string building would write them.
    func referenceFiles(_ ds: CompositionDataset) -> [String: String] {
        let g = ds.graph
        func atomic(_ facts: [Int32], _ type: String?) -> [String] {
            facts.map { f in
                let input = "<e_\(g.heads[Int(f)])><r_\(g.relations[Int(f)])>"
                return item(input, "<e_\(g.tails[Int(f)])>", type)
            }
        }
        func inferred(_ items: InferredItems, _ type: String?) -> [String] {
            (0..<items.count).map { i in
                let e = items[i]
                let input = "<e_\(g.heads[Int(e.first!)])>" + e.map { "<r_\(g.relations[Int($0)])>" }.joined()
                return item(input, "<e_\(g.tails[Int(e.last!)])>", type)
            }
        }
        func item(_ input: String, _ tail: String, _ type: String?) -> String {
            "{\"input_text\": \"\(input)\", \"target_text\": \"\(input)\(tail)</a>\"" + (type.map { ", \"type\": \"\($0)\"" } ?? "") + "}"
        }
        func file(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }
        return [
            "train.json": file(atomic(ds.idAtomic, nil) + atomic(ds.oodAtomic, nil) + inferred(ds.trainInferred, nil)),
            "valid.json": file(inferred(ds.probeTestOOD, nil)),
            "test.json": file(atomic(ds.probeIDAtomic, "id_atomic") + atomic(ds.probeOODAtomic, "ood_atomic")
                + inferred(ds.probeTrainInferred, "train_inferred") + inferred(ds.probeTestIID, "test_inferred_iid")
                + inferred(ds.probeTestOOD, "test_inferred_ood")),
        ]
    }

    @Test(arguments: [(2, 50), (3, 7), (4, 0), (2, 0)])
    func itemFilesMatchPlainFormatting(hops: Int, probeSize: Int) throws {
        // 12,000 entities: ids of one to five digits, and pieces on several workers.
        var rng = SeededRandom.stream(seed: UInt64(hops), step: 0)
        let g = try SyntheticGraph.composition(entities: hops == 2 ? 12_000 : 400, relations: 150, outDegree: 3, rng: &rng)
        var o = CompositionOptions()
        o.seed = UInt64(hops)
        o.hops = hops
        o.phi = 1
        o.probeSize = probeSize
        let ds = try CompositionDataset.build(graph: g, options: o)
        let dir = temporaryDirectory()
        let sizes = try DatasetWriter(dataset: ds, writeNames: false).write(to: dir)
        for (name, expected) in referenceFiles(ds) {
            let written = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            #expect(written == expected, "\(name)")
            #expect(sizes[name] == expected.utf8.count)
        }
    }

    @Test func writeCheckedGivesTheSameFilesAndChecks() throws {
        var rng = SeededRandom.stream(seed: 3, step: 0)
        let g = try SyntheticGraph.composition(entities: 300, relations: 30, outDegree: 6, rng: &rng)
        var o = CompositionOptions()
        o.seed = 3
        o.phi = 2
        o.probeSize = 100
        let ds = try CompositionDataset.build(graph: g, options: o)
        let a = temporaryDirectory(), b = temporaryDirectory()
        try DatasetWriter(dataset: ds).write(to: a)
        let checks = try DatasetWriter(dataset: ds).writeChecked(to: b)
        #expect(checks == SelfChecks(dataset: ds))
        for f in ["train.json", "valid.json", "test.json", "vocab.json", "names.json"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: a + "/" + f)) == Data(contentsOf: URL(fileURLWithPath: b + "/" + f)))
        }
    }

    @Test func cachedCoinEqualsTheCoin() {
        let relations: [Int32] = (0..<50).map { Int32(($0 * 7) % 13) }
        var rng = SeededRandom(seed: 8)
        relations.withUnsafeBufferPointer { rels in
            for hops in 2...4 {
                var cached = IIDCoin(seed: 99, relations: rels, hops: hops)
                for _ in 0..<500 {
                    var e = SIMD4<Int32>(repeating: -1)
                    // Runs of the same first hop, as a walk gives them.
                    e[0] = Int32(rng.below(5))
                    for d in 1..<hops { e[d] = Int32(rng.below(50)) }
                    let head = Int32(e[0]) / 2
                    #expect(cached.value(e, head: head) == coin(99, inputKey(rels, e, hops), head))
                }
            }
        }
    }

    @Test func inputLookupsAgreeWithAPlainDictionary() {
        var rng = SeededRandom(seed: 4)
        // Over 32,768 keys, so the table is split into partitions.
        let keys = (0..<70_000).map { _ in rng.next() }
        let targets = keys.map { UInt32(truncatingIfNeeded: $0 >> 7) % 9 }
        let known = Dictionary(zip(keys, targets), uniquingKeysWith: { a, _ in a })
        let present = keys.prefix(100) + (0..<100).map { _ in rng.next() }
        let differing = keys.suffix(50).map { ($0, UInt32(3)) } + (0..<50).map { _ in (rng.next(), UInt32(3)) }
        let answer = InputTargets.lookUp(train: keys + keys.prefix(10), targets: targets + targets.prefix(10), present: Array(present), differing: differing)
        #expect(answer?.present == present.filter { known[$0] != nil }.count)
        #expect(answer?.differing == differing.filter { known[$0.0].map { $0 != 3 } ?? false }.count)
        // An input with a second target: no answer, the caller counts by sorting.
        #expect(InputTargets.lookUp(train: keys + [keys[5]], targets: targets + [targets[5] + 1], present: [], differing: []) == nil)
        #expect(InputTargets.lookUp(train: [], targets: [], present: [1], differing: [(1, 1)]) == InputTargets.Answer())
    }

    @Test func twoTargetInputsAreCountedByTheSortingFallback() throws {
        // (a, p) has two tails; keeping both gives (a, p) two targets in training.
        let g = graph([("a", "p", "b"), ("a", "p", "c"), ("b", "q", "d"), ("c", "q", "e"), ("d", "q", "a"), ("e", "q", "a")])
        var o = CompositionOptions()
        o.seed = 1
        o.ambiguity = .keep
        o.phi = 0
        o.oodRatio = 0
        let ds = try CompositionDataset.build(graph: g, options: o)
        let checks = SelfChecks(dataset: ds)
        #expect(checks.inputs_with_two_targets >= 1)
        #expect(checks.underivable == 0)
    }
}
