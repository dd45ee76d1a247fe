import QuiverCore
import Testing
@testable import QuiverModels

/// The memory estimate refuses what cannot fit before anything is allocated, and a run whose loss
/// stops being a number stops there.
@Suite struct TrainingLimitTests {
    let eightGiB = MemoryBudget(bytes: 8 * MemoryBudget.gibibyte)

    @Test func estimateCountsEveryParameterTableAndItsOptimizerState() {
        var h = Hyperparameters.defaults(for: .complex)
        h.dim = 10
        // ComplEx: (entities + relations) × 2·dim floats; Adagrad: parameters, gradients, one
        // moment, the best copy and the update's copy.
        #expect(h.parameterCount(entities: 14, relations: 110) == 124 * 20)
        #expect(h.trainingMemory(entities: 14, relations: 110).parameters == 124 * 20 * 4 * 5)
        h.optimizer = .adam
        #expect(h.trainingMemory(entities: 14, relations: 110).parameters == 124 * 20 * 4 * 6)
    }

    @Test func aMillionWideEmbeddingOfNationsIsRefusedNamingDim() throws {
        var h = Hyperparameters.defaults(for: .complex)
        h.dim = 1_000_000
        #expect(h.problems(budget: eightGiB).isEmpty)
        let problem = try #require(h.memoryProblem(entities: 14, relations: 110, budget: eightGiB))
        #expect(problem.contains("lower --dim") && problem.contains("the limit is 8.0 GiB"), "\(problem)")
    }

    @Test func defaultsFitOnAGraphTheSizeOfFB15k237() {
        for kind in ModelKind.allCases {
            let h = Hyperparameters.defaults(for: kind)
            #expect(h.problems(budget: eightGiB).isEmpty, "\(kind)")
            #expect(h.memoryProblem(entities: 14_541, relations: 2 * 237, budget: eightGiB) == nil, "\(kind)")
        }
    }

    @Test func aDivergingRunStopsAtTheFirstNonFiniteLoss() {
        var random = SeededRandom(seed: 17)
        let data = structuredData(entities: 30, random: &random)
        var hyper = Hyperparameters.defaults(for: .distmult)
        (hyper.dim, hyper.epochs, hyper.batch, hyper.threads, hyper.learningRate) = (8, 5, 32, 1, 1e30)
        let outcome = Trainer.train(data: data, hyper: hyper)
        let diverged = outcome.diverged
        #expect(diverged != nil && diverged!.epoch <= 2, "\(String(describing: diverged))")
        #expect(outcome.history.allSatisfy { $0.loss.isFinite })
    }
}
