import QuiverCore
import Testing
@testable import QuiverAugment

/// Augmentation refusals keep their CLI text and name options in the daemon's words for the daemon.
@Suite struct AugmentErrorPresentationTests {
    @Test func aBadOptionIsInvalidInputNamingTheOptionPerSurface() {
        let g = FactGraph(entityNames: ["a", "b"], relationNames: ["p"], facts: [Fact(0, 0, 1)])
        do {
            _ = try PhiReport(graph: "g", facts: g, hops: 5)
            Issue.record("hops 5 was accepted")
        } catch let e as AugmentError {
            #expect(e.category == .invalidInput)
            #expect(e.description == "--hops must be 2, 3 or 4 (got 5)")
            #expect(e.message.rendered(for: .daemon) == "HOPS must be 2, 3 or 4 (got 5)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func anUnreachablePhiNamesThePhiOptions() {
        let e = AugmentError.phiUnreachable(requested: 9, maximum: 2.5, detail: "few walks")
        #expect(e.description == "phi 9.0 is unreachable: at most 2.500 (few walks); lower --phi, or raise it with --target-phi / --target-phi-r augmentation")
        let daemon = e.message.rendered(for: .daemon)
        #expect(daemon.contains("lower PHI, or raise it with TARGET-PHI / TARGET-PHI-R") && !daemon.contains("--"), "\(daemon)")
        #expect(AugmentError.unknownRelation("r", suggestions: []).category == .notFound)
    }

    @Test func aDatasetTooLargeNamesTheOptionsOfItsLargestPart() throws {
        let size = DatasetSize.syntheticComposition(entities: 1_000_000_000, relations: 200, outDegree: 20, options: CompositionOptions())
        let refusal = try #require(size.refusal("a dataset", budget: MemoryBudget(bytes: MemoryBudget.gibibyte)))
        #expect(refusal.category == .tooLarge)
        let daemon = refusal.message.rendered(for: .daemon)
        #expect(daemon.contains("ENTITIES") && !daemon.contains("--"), "\(daemon)")
    }

    @Test func aStoppedAnalysisIsCancelledAndNamesTimeoutAndHops() {
        let e = PhiReport.Stopped()
        #expect(e.category == .cancelled)
        #expect(e.message.rendered(for: .daemon).hasSuffix("give a larger TIMEOUT or fewer HOPS"))
    }
}
