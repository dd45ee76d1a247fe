import Foundation
import QuiverCore
import Testing
@testable import QuiverAugment

/// Targets and sizes that cannot be served are refused before anything is generated.
@Suite struct AugmentLimitTests {
    let ring = graph([("a", "p", "b"), ("b", "q", "c"), ("c", "r", "d"), ("d", "s", "e"), ("e", "p", "a")])

    @Test func aTargetNeedingABillionRelationsIsRefusedBeforeAddingAny() throws {
        var o = AugmentationOptions()
        o.targetPhiR = 1e9
        o.memoryBudget = MemoryBudget(bytes: 8 * MemoryBudget.gibibyte)
        do {
            _ = try Augmenter.augment(ring, options: o)
            Issue.record("a target of 1e9 was accepted")
        } catch let AugmentError.badOption(message) {
            #expect(message.description.contains("lower --target-phi-r") && message.description.contains("GiB"), "\(message)")
        }
        // The same size under a budget that holds it runs: the estimate refuses only what is large.
        o.targetPhiR = 30
        let (_, report) = try Augmenter.augment(ring, options: o)
        #expect(report.relations.filter { ring.relationNames.contains($0.relation) }.allSatisfy { $0.phi_r_after >= 30 })
    }

    @Test func aTargetAboveTheRelationCountIsUnreachableWithExistingRelations() throws {
        var o = AugmentationOptions()
        o.targetPhiR = 50
        o.syntheticRelations = false
        #expect(throws: AugmentError.self) { try Augmenter.augment(ring, options: o) }
        do { _ = try Augmenter.augment(ring, options: o) } catch {
            #expect("\(error)".contains("unreachable with --existing-relations"), "\(error)")
        }
    }

    @Test func syntheticEstimatesScaleWithTheOptions() {
        let small = DatasetSize.syntheticComposition(entities: 2000, relations: 200, outDegree: 20, options: CompositionOptions())
        #expect(small.bytes < 100 * 1_048_576)
        let huge = DatasetSize.syntheticComposition(entities: 1_000_000_000, relations: 200, outDegree: 20, options: CompositionOptions())
        #expect(huge.bytes > 1000 * MemoryBudget.gibibyte && huge.remedy.description.contains("--entities"))
        #expect(DatasetSize.syntheticComposition(entities: 2000, relations: 1_000_000_000, outDegree: 20, options: CompositionOptions())
            .remedy == "\(option: "relations")")
        var nan = CompositionOptions()
        nan.phi = .nan
        #expect(throws: AugmentError.self) { try nan.validate() }
        var comparison = ComparisonOptions()
        comparison.phi = .infinity
        #expect(throws: AugmentError.self) { try comparison.validate() }
    }
}

@Suite struct AugmentNationsLimitTests {
    @Test func nationsToPhiRABillionIsRefusedAndTwentyFiveIsNot() throws {
        guard let nations = try dataset("nations") else { return }
        var o = AugmentationOptions()
        o.memoryBudget = MemoryBudget(bytes: 8 * MemoryBudget.gibibyte)
        o.targetPhiR = 1e9
        #expect(throws: AugmentError.self) { try Augmenter.augment(nations, options: o) }
        o.targetPhiR = 25
        #expect(throws: Never.self) { try Augmenter.augment(nations, options: o) }
    }
}
