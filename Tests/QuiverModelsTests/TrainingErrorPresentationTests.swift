import QuiverCore
import Testing
@testable import QuiverModels

/// Training refusals keep their CLI text and name options in the daemon's words for the daemon.
@Suite struct TrainingErrorPresentationTests {
    let eightGiB = MemoryBudget(bytes: 8 * MemoryBudget.gibibyte)

    @Test func aTooWideEmbeddingIsInvalidInputNamingDim() throws {
        var h = Hyperparameters.defaults(for: .complex)
        h.dim = 1_000_000
        let refusal = try #require(h.memoryRefusal(entities: 14, relations: 110, budget: eightGiB))
        #expect(refusal.category == .tooLarge)
        #expect(refusal.description == h.memoryProblem(entities: 14, relations: 110, budget: eightGiB))
        #expect(refusal.description.contains("lower --dim (the limit is 8.0 GiB"), "\(refusal)")
        let daemon = refusal.message.rendered(for: .daemon)
        #expect(daemon.contains("lower DIM (the limit is 8.0 GiB"), "\(daemon)")
        #expect(!daemon.contains("--") && !daemon.contains("quiver "), "\(daemon)")
    }

    @Test func aTooLargeBatchNamesBatchAndNegatives() throws {
        var h = Hyperparameters.defaults(for: .complex)
        (h.dim, h.negatives, h.batch) = (8, 0, 10_000_000)
        let refusal = try #require(h.memoryRefusal(entities: 100_000, relations: 20, budget: eightGiB))
        #expect(refusal.description.contains("lower --batch, or use --negatives"), "\(refusal)")
        let daemon = refusal.message.rendered(for: .daemon)
        #expect(daemon.contains("lower BATCH, or use NEGATIVES") && !daemon.contains("--"), "\(daemon)")
    }

    @Test func theDimCheckOfTheOptionsAloneIsAMessageToo() {
        var h = Hyperparameters.defaults(for: .complex)
        h.dim = 1_000_000_000
        let tiny = MemoryBudget(bytes: MemoryBudget.gibibyte)
        let messages = h.problemMessages(budget: tiny)
        #expect(messages.count == 1)
        #expect(h.problems(budget: tiny) == messages.map(\.description))
        #expect(messages.first?.rendered(for: .daemon).contains("lower DIM") == true)
    }

    @Test func aGraphWithoutTrainingFactsSaysHowToLoadThem() {
        let data = TrainingData(graph: "g", entityCount: 2, relationCount: 1, train: [], valid: [], test: [])
        do {
            try data.checkTrainable()
            Issue.record("an empty training split was accepted")
        } catch {
            #expect(error.category == .invalidInput)
            #expect(error.description == "graph 'g' has no facts labelled split=train; load them with `quiver load g` and --split train")
            #expect(error.message.rendered(for: .daemon)
                == "graph 'g' has no facts labelled split=train; load them with LOAD g and SPLIT train")
        }
    }
}
