import Dispatch
import Foundation
import QuiverCore
import QuiverKernels
import QuiverModels
import QuiverPaths
import QuiverGraph
import QuiverSnapshot
import QuiverStore

/// What `quiver train` / `TRAIN` report.
public struct TrainJSON: Encodable, Sendable {
    public var graph: String
    public var model: String
    public var kind: String
    public var seconds: Double
    public var epochs: Int
    public var bestEpoch: Int
    public var stoppedEarly: Bool
    public var cancelled: Bool
    public var triplesPerSecond: Double
    public var parameters: Int
    public var trainTriples: Int
    public var valid: RankingMetrics?
    public var test: RankingMetrics?
    public var hyperparameters: Hyperparameters
    public var history: [EpochRecord]
    /// Stopped because `--time-budget` ran out.
    public var stoppedAtTimeBudget = false
    /// Set when `--time-budget` left too little time to rank a split whole: the facts of the
    /// seeded sample its metrics rank (`quiver eval` ranks them all).
    public var validSampled: Int? = nil
    public var testSampled: Int? = nil

    enum CodingKeys: String, CodingKey {
        case graph, model, kind, seconds, epochs, cancelled, parameters, valid, test, hyperparameters, history
        case bestEpoch = "best_epoch", stoppedEarly = "stopped_early", triplesPerSecond = "triples_per_second"
        case trainTriples = "train_triples", stoppedAtTimeBudget = "stopped_at_time_budget"
        case validSampled = "valid_sampled", testSampled = "test_sampled"
    }
}

/// A trained model's final metrics on a split: every fact ranked, or, given a time for it, a
/// seeded sample that fits that time when the whole split does not (never fewer than
/// `minimumSample` facts). The rate comes from a seeded pilot of `pilotSize` facts, ranked once
/// and reused for every split.
struct FinalMetrics {
    static let minimumSample = 200
    static let pilotSize = 50
    let model: any LinkPredictor
    let data: TrainingData
    let known: KnownAnswers
    let batch: Int
    let threads: Int
    /// Seconds to rank one fact (both directions), once measured.
    private var secondsPerFact: Double?

    init(model: any LinkPredictor, data: TrainingData, known: KnownAnswers, batch: Int, threads: Int) {
        (self.model, self.data, self.known, self.batch, self.threads) = (model, data, known, batch, threads)
    }

    private func run(_ triples: [IndexedTriple]) -> RankingMetrics {
        FilteredEvaluation.run(model: model, data: data, triples: triples, known: known, batch: batch, threads: threads).both
    }

    /// A seeded sample of `k` facts, in the split's order: `eval --sample k` ranks these too.
    static func sample(_ k: Int, of triples: [IndexedTriple], seed: UInt64 = 1) -> [IndexedTriple] {
        var random = SeededRandom(seed: seed)
        return random.sortedSample(k, of: triples)
    }

    /// The split's metrics, and the facts ranked when that is a sample (nil when all of them).
    mutating func rank(_ triples: [IndexedTriple], seconds: Double?) -> (RankingMetrics, Int?) {
        guard let seconds, triples.count > Self.minimumSample else { return (run(triples), nil) }
        if secondsPerFact == nil {
            let pilot = Self.sample(min(Self.pilotSize, triples.count), of: triples)
            let started = DispatchTime.now().uptimeNanoseconds
            _ = run(pilot)
            secondsPerFact = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 / Double(pilot.count)
        }
        let fits = secondsPerFact.map { $0 > 0 ? Int(seconds / $0) : Int.max } ?? Int.max
        guard fits < triples.count else { return (run(triples), nil) }
        let k = max(Self.minimumSample, fits)
        return (run(Self.sample(k, of: triples)), k)
    }
}

/// What `quiver eval` / `EVAL` report: the averaged metrics at the top level, each direction below.
public struct EvalJSON: Encodable, Sendable {
    public var graph: String
    public var model: String
    public var split: String
    public var both: RankingMetrics
    public var tail: RankingMetrics
    public var head: RankingMetrics
    public var seconds: Double
    /// With `--sample`: the facts ranked (a seeded sample) and the split's facts in all.
    public var sampled: Int? = nil
    public var splitFacts: Int? = nil

    public func encode(to encoder: Encoder) throws {
        try both.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(graph, forKey: .graph)
        try c.encode(model, forKey: .model)
        try c.encode(split, forKey: .split)
        try c.encode(tail, forKey: .tail)
        try c.encode(head, forKey: .head)
        try c.encode(seconds, forKey: .seconds)
        try c.encodeIfPresent(sampled, forKey: .sampled)
        try c.encodeIfPresent(splitFacts, forKey: .split_facts)
    }

    enum Keys: String, CodingKey { case graph, model, split, tail, head, seconds, sampled, split_facts }
}

/// What `quiver score` / `SCORE` report.
public struct ScoreJSON: Encodable, Sendable {
    public struct Explanation: Encodable, Sendable {
        public var importance: Float
        public var nodes: [String]
        public var edges: [NamedPath.Edge]
    }

    public struct Answer: Encodable, Sendable {
        public var entity: String
        public var score: Float
        public var rank: Int
        /// True when `(head, relation, entity)` is a stored fact.
        public var known: Bool
        public var explanations: [Explanation]?
    }

    public struct Expanded: Encodable, Sendable {
        public var entity: String
        public var ppr: Double
        public var score: Float
        public var rank: Int
    }

    public var graph: String
    public var model: String
    public var head: String
    public var relation: String
    public var answers: [Answer]
    public var expanded: [Expanded]?
}

/// A stored model made ready for the snapshot at hand.
public struct LoadedModel: @unchecked Sendable {
    // @unchecked: `model` is an existential of a non-Sendable protocol, but a loaded model is never
    // mutated: training builds a new one, and scoring and evaluation only read its weights.
    public var name: String
    public var stored: StoredModel
    public var hyper: Hyperparameters
    public var data: TrainingData
    public var model: any LinkPredictor
    public var snapshotSeq: Int64
}

/// Training, evaluation and scoring as the CLI and the daemon both run them.
public enum ModelService {
    /// A request that cannot be served, worded for the person who made it.
    public struct Invalid: PresentableError, Sendable {
        public var category: ErrorCategory
        public var message: ErrorMessage
        public init(_ message: ErrorMessage, _ category: ErrorCategory = .invalidInput) {
            self.message = message
            self.category = category
        }
    }

    /// Trains on the snapshot's `split=train` facts, evaluates the kept parameters on valid and
    /// test, and saves everything under `name`.
    public static func train(store: Store, snapshot: CSRSnapshot, name: String, hyper: Hyperparameters,
                             progress: (TrainingProgress) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws -> TrainJSON {
        let problems = hyper.problemMessages()
        if let first = problems.first { throw Invalid(problems.dropFirst().reduce(first) { $0 + "; " + $1 }, .usage) }
        let data = TrainingData(snapshot: snapshot)
        do { try data.checkTrainable() } catch { throw Invalid(error.message) }
        if let refusal = hyper.memoryRefusal(entities: data.entityCount, relations: data.relationCount * 2) {
            throw Invalid(refusal.message, .tooLarge)
        }
        let outcome = Trainer.train(data: data, hyper: hyper, progress: progress, shouldStop: shouldStop)
        if outcome.cancelled { throw Invalid("training of '\(name)' on '\(snapshot.graph)' was cancelled; nothing was saved", .cancelled) }
        if let d = outcome.diverged {
            throw Invalid("training of '\(name)' on '\(snapshot.graph)' diverged at epoch \(d.epoch) (loss \(d.loss)); lower \(option: "lr") "
                          + "(it was \(hyper.learningRate)); nothing was saved")
        }
        let known = data.knownAnswers()
        let batch = hyper.evaluationBatch(entities: data.entityCount)
        // With --time-budget, the final metrics share what is left of it (ranking all of valid and
        // test on a million entities took about 11 minutes): each split still to rank gets an
        // equal part; a split that cannot be ranked whole in its part is ranked on a seeded sample.
        let toRank = (outcome.bestValid == nil && !data.valid.isEmpty ? 1 : 0) + (data.test.isEmpty ? 0 : 1)
        var left = hyper.timeBudgetSeconds.map { max(0, $0 - outcome.seconds) }
        var finals = FinalMetrics(model: outcome.model, data: data, known: known, batch: batch, threads: hyper.threads)
        var validSampled: Int?, testSampled: Int?
        var valid = data.valid.isEmpty ? nil : outcome.bestValid
        if valid == nil, !data.valid.isEmpty {
            let started = DispatchTime.now().uptimeNanoseconds
            (valid, validSampled) = finals.rank(data.valid, seconds: left.map { $0 / Double(toRank) })
            left = left.map { max(0, $0 - Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9) }
        }
        var test: RankingMetrics?
        if !data.test.isEmpty { (test, testSampled) = finals.rank(data.test, seconds: left) }
        let total = outcome.history.reduce(0.0) { $0 + $1.seconds }
        let seen = outcome.history.reduce(0.0) { $0 + $1.triplesPerSecond * $1.seconds }
        var report = TrainJSON(graph: snapshot.graph, model: name, kind: hyper.model.rawValue, seconds: outcome.seconds,
                               epochs: outcome.history.count, bestEpoch: outcome.bestEpoch, stoppedEarly: outcome.stoppedEarly,
                               cancelled: false, triplesPerSecond: total > 0 ? seen / total : 0, parameters: outcome.model.parameters.count,
                               trainTriples: data.train.count, valid: valid, test: test, hyperparameters: hyper, history: outcome.history)
        report.stoppedAtTimeBudget = outcome.stoppedAtBudget
        (report.validSampled, report.testSampled) = (validSampled, testSampled)
        let archive = ModelArchive(model: outcome.model, hyper: hyper, data: data)
        let metrics = String(decoding: try jsonBytes(report.storedMetrics), as: UTF8.self)
        let hyperJSON = String(decoding: try jsonBytes(hyper), as: UTF8.self)
        try store.saveModel(StoredModel(graph: snapshot.graph, name: name, kind: hyper.model.rawValue, hyperparameters: hyperJSON,
                                        metrics: metrics, weights: archive.encoded(), weightBytes: 0,
                                        trainedOnSeq: snapshot.changeSeq, trainedAt: ""))
        return report
    }

    /// Reads model `name` of the snapshot's graph and maps it onto the snapshot's numbering.
    public static func load(store: Store, snapshot: CSRSnapshot, name: String) throws -> LoadedModel {
        let stored = try store.model(graph: snapshot.graph, name: name)
        let archive: ModelArchive
        do { archive = try ModelArchive(decoding: stored.weights) } catch { throw Invalid("model '\(name)': \(error.description)") }
        let data = TrainingData(snapshot: snapshot)
        return LoadedModel(name: name, stored: stored, hyper: archive.hyper, data: data, model: archive.model(for: data),
                           snapshotSeq: snapshot.changeSeq)
    }

    /// `stop` ends a long evaluation early (the daemon's deadline, or its client leaving): then
    /// nothing is reported, as a partial MRR would mislead.
    /// `sample` ranks a seeded random sample of that many of the split's facts (both directions
    /// each) instead of all of them: the estimate a big graph affords; the exact protocol is the default.
    public static func evaluate(_ m: LoadedModel, split: Split, threads: Int? = nil, stop: StopCondition = StopCondition(),
                                sample: Int? = nil, seed: UInt64 = 1) throws -> EvalJSON {
        let all = m.data.triples(of: split)
        if all.isEmpty { throw Invalid("graph '\(m.data.graph)' has no facts labelled split=\(split)") }
        var triples = all
        if let sample, sample < all.count {
            guard sample >= 1 else { throw Invalid("\(option: "sample") must be at least 1", .usage) }
            triples = FinalMetrics.sample(sample, of: all, seed: seed)
        }
        try checkThreads(threads)
        let started = DispatchTime.now().uptimeNanoseconds
        let e = FilteredEvaluation.run(model: m.model, data: m.data, triples: triples, known: m.data.knownAnswers(),
                                       batch: m.hyper.evaluationBatch(entities: m.data.entityCount), threads: threads ?? defaultKernelThreads,
                                       shouldStop: { stop.reason != nil })
        if let why = stop.reason {
            throw Invalid("eval stopped before it finished: \(why == .timeout ? "its deadline passed (give a larger \(option: "timeout-ms"))" : "it was cancelled")", .cancelled)
        }
        var out = EvalJSON(graph: m.data.graph, model: m.name, split: split.description, both: e.both, tail: e.tail, head: e.head,
                           seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        if triples.count < all.count { (out.sampled, out.splitFacts) = (triples.count, all.count) }
        return out
    }

    /// Ranked answers of `(head, relation, ?)`; `relation` may be `^name` to ask for heads.
    /// `explain` paths per answer; `expand` more candidates from a personalized PageRank seeded
    /// with the answers (G-CRS-style candidate generation).
    public static func score(_ m: LoadedModel, snapshot: CSRSnapshot, head: String, relation: String, topK: Int, explain: Int = 0,
                             expand: Int = 0, threads: Int? = nil) throws -> ScoreJSON {
        guard topK >= 0, explain >= 0, expand >= 0 else { throw Invalid("\(option: "top-k"), \(option: "explain") and \(option: "expand-k") must be at least 0", .usage) }
        // Every answer is listed, explained and expanded in memory: bound what one query may ask.
        let listable = max(maximumListed, m.data.entityCount)
        guard topK <= listable else { throw Invalid("\(option: "top-k") must be at most \(listable) (10000 or the entity count), not \(topK)", .usage) }
        guard expand <= listable else { throw Invalid("\(option: "expand-k") must be at most \(listable) (10000 or the entity count), not \(expand)", .usage) }
        try checkThreads(threads)
        guard explain <= maximumExplained else { throw Invalid("\(option: "explain") must be at most \(maximumExplained) paths per answer, not \(explain)", .usage) }
        guard let h = snapshot.node(named: head) else { throw Invalid("unknown node '\(head)' in graph '\(snapshot.graph)'", .notFound) }
        let inverse = relation.hasPrefix("^")
        let relName = inverse ? String(relation.dropFirst()) : relation
        guard let r = snapshot.relation(named: relName) else {
            throw Invalid("unknown relation '\(relName)' in graph '\(snapshot.graph)' (prefix ^ asks for heads: ^\(snapshot.relationNames.first ?? "r"))", .notFound)
        }
        let q = inverse ? r + Int32(m.data.relationCount) : r
        let threads = threads ?? defaultKernelThreads
        let scores = m.model.scores(heads: [h], relations: [q], threads: threads)
        let order = (0 ..< m.data.entityCount).sorted { a, b in
            scores.values[a] != scores.values[b] ? scores.values[a] > scores.values[b] : a < b
        }
        var rankOf = [Int](repeating: 0, count: order.count)
        for (i, e) in order.enumerated() { rankOf[e] = i + 1 }
        let stored = Set(storedTails(snapshot, head: h, relation: r, inverse: inverse))
        var answers: [ScoreJSON.Answer] = []
        for e in order.prefix(topK) {
            var a = ScoreJSON.Answer(entity: snapshot.nodeName(Int32(e)), score: scores.values[e], rank: rankOf[e],
                                     known: stored.contains(Int32(e)), explanations: nil)
            if explain > 0 {
                let paths: [ExplainedPath]
                if let gnn = m.model as? PathGNN {
                    paths = gnn.explain(head: h, relation: q, answer: Int32(e), paths: explain, facts: m.data.train, threads: threads)
                } else if let kge = m.model as? EmbeddingModel {
                    paths = kge.explain(head: h, relation: q, answer: Int32(e), paths: explain, facts: m.data.train)
                } else {
                    paths = []
                }
                a.explanations = paths.map { named($0, snapshot: snapshot, relationCount: m.data.relationCount) }
            }
            answers.append(a)
        }
        var expanded: [ScoreJSON.Expanded]?
        if expand > 0 {
            let seeds = order.prefix(max(topK, 1)).map { Int32($0) }
            let ppr = PersonalizedPageRank(snapshot: snapshot).power(seeds: seeds, alpha: 0.15, stop: .tolerance(1e-7), threads: threads)
            let taken = Set(seeds)
            expanded = ppr.top(expand + taken.count + 1).filter { !taken.contains($0.node) && $0.node != h && $0.score > 0 }.prefix(expand).map {
                ScoreJSON.Expanded(entity: snapshot.nodeName($0.node), ppr: Double($0.score), score: scores.values[Int($0.node)],
                                   rank: rankOf[Int($0.node)])
            }
        }
        return ScoreJSON(graph: snapshot.graph, model: m.name, head: head, relation: relation, answers: answers, expanded: expanded)
    }

    /// The most answers (and expanded candidates) `score` lists, unless the graph has more entities.
    public static let maximumListed = 10_000
    /// The most paths `score` explains per answer.
    public static let maximumExplained = 1000

    static func checkThreads(_ threads: Int?) throws(Invalid) {
        if let threads, !(1...Hyperparameters.maximumThreads).contains(threads) {
            throw Invalid("\(option: "threads") must be in 1...\(Hyperparameters.maximumThreads) (got \(threads))", .usage)
        }
    }

    static func storedTails(_ s: CSRSnapshot, head: Int32, relation: Int32, inverse: Bool) -> [Int32] {
        if inverse {
            return s.inEdgeRange(of: head).filter { s.inRelations[$0] == relation }.map { s.inSources[$0] }
        }
        return s.outEdges(of: head).filter { s.outRelations[$0] == relation }.map { s.outTargets[$0] }
    }

    static func named(_ p: ExplainedPath, snapshot: CSRSnapshot, relationCount: Int) -> ScoreJSON.Explanation {
        let base = Int32(relationCount)
        return ScoreJSON.Explanation(
            importance: p.importance, nodes: p.nodes.map(snapshot.nodeName),
            edges: p.relations.map { r in
                r < base ? NamedPath.Edge(relation: snapshot.relationName(r), direction: .out)
                    : NamedPath.Edge(relation: snapshot.relationName(r - base), direction: .in)
            })
    }
}

extension TrainJSON {
    /// What is kept in the models table's `metrics` column.
    struct Stored: Encodable {
        var valid: RankingMetrics?
        var test: RankingMetrics?
        var seconds: Double
        var epochs: Int
        var bestEpoch: Int
        var triplesPerSecond: Double
        var history: [EpochRecord]
        var validSampled: Int?
        var testSampled: Int?
        enum CodingKeys: String, CodingKey {
            case valid, test, seconds, epochs, history
            case bestEpoch = "best_epoch", triplesPerSecond = "triples_per_second"
            case validSampled = "valid_sampled", testSampled = "test_sampled"
        }
    }

    var storedMetrics: Stored {
        Stored(valid: valid, test: test, seconds: seconds, epochs: epochs, bestEpoch: bestEpoch, triplesPerSecond: triplesPerSecond,
               history: history, validSampled: validSampled, testSampled: testSampled)
    }
}

