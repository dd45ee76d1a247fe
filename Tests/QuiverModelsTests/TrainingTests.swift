import Synchronization
import QuiverCore
import QuiverKernels
import Testing
@testable import QuiverModels

/// A model whose scores are a fixed table, to test the ranking protocol alone.
struct TableModel: LinkPredictor {
    let kind = ModelKind.distmult
    let entityCount: Int
    let relationCount: Int
    var parameters = Parameters([])
    let table: [Int32: [Float]]   // key: head * relationCount + relation

    func scores(heads: [Int32], relations: [Int32], threads: Int) -> Matrix {
        var m = Matrix(rows: heads.count, cols: entityCount)
        for (i, (h, r)) in zip(heads, relations).enumerated() {
            let row = table[h * Int32(relationCount) + r]!
            for e in 0 ..< entityCount { m.values[i * entityCount + e] = row[e] }
        }
        return m
    }

    func lossAndGradients(_ batch: [TrainingExample], random: inout SeededRandom, threads: Int) -> (loss: Float, gradients: Parameters) {
        (0, parameters)
    }
}

/// A graph with structure to learn: relation 1 is relation 0 reversed, relation 2 composes
/// relation 0 twice over a ring, so held-out facts follow from training facts.
func structuredData(entities n: Int, random: inout SeededRandom) -> TrainingData {
    var facts: [IndexedTriple] = []
    for i in 0 ..< n {
        let j = (i + 1) % n, k = (i + 2) % n
        facts.append(IndexedTriple(Int32(i), 0, Int32(j)))
        facts.append(IndexedTriple(Int32(j), 1, Int32(i)))
        facts.append(IndexedTriple(Int32(i), 2, Int32(k)))
    }
    random.shuffle(&facts)
    let held = facts.count / 10
    return TrainingData(graph: "ring", entityCount: n, relationCount: 3, train: Array(facts[(2 * held)...]),
                        valid: Array(facts[..<held]), test: Array(facts[held ..< 2 * held]))
}

@Suite struct FilteredRankingTests {
    @Test func ranksMatchABruteForceCount() {
        var random = SeededRandom(seed: 3)
        let n = 12, rels = 3
        let facts = randomFacts(entities: n, relations: rels, facts: 40, random: &random)
        let data = TrainingData(graph: "g", entityCount: n, relationCount: rels, train: Array(facts[..<20]),
                                valid: Array(facts[20 ..< 30]), test: Array(facts[30...]))
        // Scores from a small set of values, so ties are common.
        var table: [Int32: [Float]] = [:]
        for h in 0 ..< n { for r in 0 ..< 2 * rels { table[Int32(h * 2 * rels + r)] = (0 ..< n).map { _ in Float(random.below(4)) } } }
        let model = TableModel(entityCount: n, relationCount: 2 * rels, table: table)
        let all = Set(facts)
        let result = FilteredEvaluation.run(model: model, data: data, triples: data.test, known: data.knownAnswers(), batch: 3, threads: 1)
        var tail: [Double] = [], head: [Double] = []
        for f in data.test {
            // Tail: every entity e != t with (h, r, e) not a known fact.
            let ts = table[f.head * Int32(2 * rels) + f.relation]!
            let others = (0 ..< n).filter { $0 != Int(f.tail) && !all.contains(IndexedTriple(f.head, f.relation, Int32($0))) }
            tail.append(1 + Double(others.filter { ts[$0] > ts[Int(f.tail)] }.count) + Double(others.filter { ts[$0] == ts[Int(f.tail)] }.count) / 2)
            let hs = table[f.tail * Int32(2 * rels) + f.relation + Int32(rels)]!
            let heads = (0 ..< n).filter { $0 != Int(f.head) && !all.contains(IndexedTriple(Int32($0), f.relation, f.tail)) }
            head.append(1 + Double(heads.filter { hs[$0] > hs[Int(f.head)] }.count) + Double(heads.filter { hs[$0] == hs[Int(f.head)] }.count) / 2)
        }
        #expect(result.tail == RankingMetrics(ranks: tail))
        #expect(result.head == RankingMetrics(ranks: head))
        #expect(result.both == RankingMetrics(ranks: tail + head))
        #expect(result.both.count == 2 * data.test.count)
    }

    @Test func metricsOfKnownRanks() {
        let m = RankingMetrics(ranks: [1, 2, 4, 12])
        #expect(abs(m.mrr - (1 + 0.5 + 0.25 + 1.0 / 12) / 4) < 1e-12)
        #expect(m.hits1 == 0.25 && m.hits3 == 0.5 && m.hits10 == 0.75)
    }
}

@Suite struct TrainingTests {
    // DistMult scores (h, r, t) and (t, r, h) alike, so it cannot learn the ring's directions.
    @Test(arguments: [ModelKind.complex, .rotate, .nbf])
    func learnsTheRingAndRepeatsBitForBit(kind: ModelKind) {
        var random = SeededRandom(seed: 17)
        let data = structuredData(entities: 30, random: &random)
        var hyper = Hyperparameters.defaults(for: kind)
        hyper.threads = 1
        hyper.seed = 42
        if kind == .nbf {
            (hyper.dim, hyper.layers, hyper.epochs, hyper.batch) = (8, 3, 8, 8)
        } else {
            (hyper.dim, hyper.epochs, hyper.batch, hyper.validateEvery) = (16, 60, 32, 10)
        }
        let first = Trainer.train(data: data, hyper: hyper)
        let second = Trainer.train(data: data, hyper: hyper)
        #expect(first.model.parameters == second.model.parameters)
        #expect(first.history.map(\.loss) == second.history.map(\.loss))
        #expect(first.history.map(\.validMRR) == second.history.map(\.validMRR))
        let test = FilteredEvaluation.run(model: first.model, data: data, triples: data.test, known: data.knownAnswers(), batch: 16, threads: 1)
        // Random guessing over 30 entities gives an MRR near 0.13.
        #expect(test.both.mrr > 0.5, "\(kind) test MRR \(test.both.mrr)")
        // Threads change nothing but speed.
        hyper.threads = 2
        let threaded = Trainer.train(data: data, hyper: hyper)
        #expect(threaded.history.map(\.loss) == first.history.map(\.loss))
    }

    /// Progress: one epoch-end report per epoch, in order, carrying the validation MRR on the
    /// epochs that validate (what `quiver train` prints one line for, terminal or not).
    @Test func everyEpochEndsWithOneReport() {
        var random = SeededRandom(seed: 5)
        let data = structuredData(entities: 12, random: &random)
        var hyper = Hyperparameters.defaults(for: .complex)
        (hyper.dim, hyper.epochs, hyper.batch, hyper.validateEvery, hyper.threads, hyper.patience) = (8, 5, 16, 2, 1, 100)
        let reports = Mutex<[TrainingProgress]>([])
        let outcome = Trainer.train(data: data, hyper: hyper, progress: { p in reports.withLock { $0.append(p) } })
        let ends = reports.withLock { $0.filter(\.epochEnded) }
        #expect(ends.map(\.epoch) == [1, 2, 3, 4, 5])
        #expect(ends.map { $0.validationMRR != nil } == [false, true, false, true, true])
        #expect(ends.map(\.validationMRR) == outcome.history.map(\.validMRR))
        #expect(reports.withLock { $0.filter { !$0.epochEnded }.allSatisfy { $0.validationMRR == nil } })
    }

    /// `--time-budget`: past it the epoch ends, what was learnt is validated and kept.
    @Test func aTimeBudgetStopsTrainingWithAValidatedModel() {
        var random = SeededRandom(seed: 5)
        let data = structuredData(entities: 12, random: &random)
        var hyper = Hyperparameters.defaults(for: .complex)
        (hyper.dim, hyper.epochs, hyper.batch, hyper.validateEvery, hyper.threads) = (8, 1000, 4, 50, 1)
        hyper.timeBudgetSeconds = 0.000001
        let outcome = Trainer.train(data: data, hyper: hyper)
        #expect(outcome.stoppedAtBudget && !outcome.stoppedEarly)
        #expect(outcome.history.count == 1 && outcome.history[0].validMRR != nil)
        #expect(outcome.bestValidMRR != nil)
    }

    /// The defaults fitted to a graph's size: 1-N scoring on small graphs, sampled negatives on
    /// big ones; options the user gave stay as given.
    @Test func defaultsFollowTheGraphsSize() {
        var small = Hyperparameters.defaults(for: .complex)
        #expect(small.fit(entities: 104, given: []) == nil && small.negatives == 0)
        var big = Hyperparameters.defaults(for: .complex)
        let said = big.fit(entities: 40_943, given: [])
        #expect(big.negatives == 256 && big.batch == 1024 && big.dim == 200 && big.regularization == 0.1)
        #expect(said?.contains("40943 entities") == true)
        var kept = Hyperparameters.defaults(for: .complex)
        _ = kept.fit(entities: 40_943, given: ["negatives", "dim"])
        #expect(kept.negatives == 0 && kept.dim == 500 && kept.batch == 1024)
        var gnn = Hyperparameters.defaults(for: .nbf)
        #expect(gnn.fit(entities: 40_943, given: []) == nil)
        // A million entities at width 200 would not fit 8 GiB: the width shrinks until the run
        // fits three quarters of the budget, and says so; a width given is kept (and refused).
        let budget = MemoryBudget(bytes: 8 * MemoryBudget.gibibyte)
        var huge = Hyperparameters.defaults(for: .complex)
        let note = huge.fit(entities: 1_000_000, relations: 1000, given: [], budget: budget)
        #expect(huge.dim == 128 && note?.contains("width 128") == true)
        // Validation during training ranks a sample of valid past 100,000 entities.
        #expect(note?.contains("sample of 1000 valid facts") == true)
        #expect(Hyperparameters.validationSample(entities: 1_000_000, validFacts: 5000) == 1000)
        #expect(Hyperparameters.validationSample(entities: 40_943, validFacts: 3034) == nil)
        #expect(Hyperparameters.validationSample(entities: 1_000_000, validFacts: 800) == nil)
        #expect(huge.trainingMemory(entities: 1_000_000, relations: 1000).total <= 6 * MemoryBudget.gibibyte)
        #expect(huge.memoryRefusal(entities: 1_000_000, relations: 1000, budget: budget) == nil)
        var wide = Hyperparameters.defaults(for: .complex)
        wide.dim = 200
        _ = wide.fit(entities: 1_000_000, relations: 1000, given: ["dim"], budget: budget)
        #expect(wide.dim == 200 && wide.memoryRefusal(entities: 1_000_000, relations: 1000, budget: budget) != nil)
    }

    @Test func archiveRoundTripsAndFollowsARenumbering() throws {
        var random = SeededRandom(seed: 9)
        let data = structuredData(entities: 12, random: &random)
        for kind in [ModelKind.complex, .rotate, .nbf] {
            var hyper = Hyperparameters.defaults(for: kind)
            (hyper.dim, hyper.layers, hyper.epochs, hyper.threads) = (4, 2, 1, 1)
            let outcome = Trainer.train(data: data, hyper: hyper)
            let archive = ModelArchive(model: outcome.model, hyper: hyper, data: data)
            let decoded = try ModelArchive(decoding: archive.encoded())
            #expect(decoded.parameters == archive.parameters && decoded.hyper == hyper)
            #expect(decoded.entityTermIDs == data.entityTermIDs && decoded.relationTermIDs == data.relationTermIDs)

            // The same graph numbered the other way round: entity i becomes 11 − i, relations reversed.
            let e = { (x: Int32) in 11 - x }, r = { (x: Int32) in 2 - x }
            func map(_ t: [IndexedTriple]) -> [IndexedTriple] { t.map { IndexedTriple(e($0.head), r($0.relation), e($0.tail)) } }
            let renumbered = TrainingData(graph: "ring", entityCount: 12, relationCount: 3, train: map(data.train), valid: map(data.valid),
                                          test: map(data.test), entityTermIDs: data.entityTermIDs.reversed(),
                                          relationTermIDs: data.relationTermIDs.reversed())
            let moved = decoded.model(for: renumbered)
            let before = outcome.model.scores(heads: [1, 4], relations: [0, 5], threads: 1)
            let after = moved.scores(heads: [e(1), e(4)], relations: [r(0), 3 + r(2)], threads: 1)
            for q in 0 ..< 2 {
                for x in 0 ..< 12 {
                    #expect(abs(before.values[q * 12 + x] - after.values[q * 12 + Int(e(Int32(x)))]) < 1e-4, "\(kind)")
                }
            }
            #expect(decoded.unseen(in: renumbered) == (0, 0))
        }
        var corrupt = ModelArchive(model: Trainer.makeModel(Hyperparameters.defaults(for: .distmult), data: data, random: &random),
                                   hyper: Hyperparameters.defaults(for: .distmult), data: data).encoded()
        corrupt.removeLast(3)
        #expect(throws: ModelArchive.Corrupt.self) { try ModelArchive(decoding: corrupt) }
    }

    @Test func explanationsFollowStoredFacts() {
        var random = SeededRandom(seed: 2)
        let data = structuredData(entities: 10, random: &random)
        var hyper = Hyperparameters.defaults(for: .nbf)
        (hyper.dim, hyper.layers, hyper.epochs, hyper.threads) = (8, 3, 3, 1)
        let gnn = Trainer.train(data: data, hyper: hyper).model as! PathGNN
        let facts = Set(data.train)
        let paths = gnn.explain(head: 0, relation: 2, answer: 2, paths: 3, facts: data.train, threads: 1)
        #expect(!paths.isEmpty)
        for p in paths {
            #expect(p.nodes.first == 0 && p.nodes.last == 2 && p.relations.count == p.nodes.count - 1 && p.relations.count <= 3)
            for (i, rel) in p.relations.enumerated() {
                let fact = rel < 3 ? IndexedTriple(p.nodes[i], rel, p.nodes[i + 1]) : IndexedTriple(p.nodes[i + 1], rel - 3, p.nodes[i])
                #expect(facts.contains(fact))
            }
        }
        #expect(zip(paths, paths.dropFirst()).allSatisfy { $0.importance >= $1.importance })
    }
}
